"""What the assistant says, without Rasa: answers from the knowledge base, follow-ups,
fallback options, the fixed responses, and the names that tie topics to intents."""

from bot.dialogue.answers import Answers, Option, answers_from_database
from bot.dialogue.names import (
    COMMAND_INTENTS,
    FORGET_CANCELLED_INTENT,
    FORGET_CONFIRMED_INTENT,
    FORGET_MARK,
    NON_TEXT_INTENT,
    SESSION_SLOTS,
    check_form,
    check_payload,
    non_text_payload,
    payload,
    switch_language_payload,
    topic_for_intent,
    topic_intent,
    validate_check_form,
)
from bot.dialogue.responses import NON_TEXT_REPLY

__all__ = [
    "COMMAND_INTENTS",
    "FORGET_CANCELLED_INTENT",
    "FORGET_CONFIRMED_INTENT",
    "FORGET_MARK",
    "NON_TEXT_INTENT",
    "NON_TEXT_REPLY",
    "SESSION_SLOTS",
    "Answers",
    "Option",
    "answers_from_database",
    "check_form",
    "check_payload",
    "non_text_payload",
    "payload",
    "switch_language_payload",
    "topic_for_intent",
    "topic_intent",
    "validate_check_form",
]

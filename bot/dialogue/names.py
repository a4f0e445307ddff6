"""The names that tie the knowledge base to the dialogue: intents, entities, payloads.

A topic `huurtoeslag` is asked about with the intent `ask_huurtoeslag`; its names
and synonyms reach the model as the lookup table `programme_huurtoeslag`. Buttons
send payloads in Rasa's `/intent{"entity": "value"}` form.
"""

from __future__ import annotations

import json

TOPIC_INTENT_PREFIX = "ask_"
PROGRAMME_LOOKUP_PREFIX = "programme_"
ISLAND_LOOKUP_PREFIX = "island_"
SWITCH_LANGUAGE_INTENT = "switch_language"


def topic_intent(topic_key: str) -> str:
    return f"{TOPIC_INTENT_PREFIX}{topic_key}"


# "Who handles my task?": answered from the directory of organisations, not a topic.
ORGANISATION_INTENT = "ask_organisation"


def topic_for_intent(intent: str | None) -> str | None:
    if intent and intent.startswith(TOPIC_INTENT_PREFIX) and intent != ORGANISATION_INTENT:
        return intent.removeprefix(TOPIC_INTENT_PREFIX)
    return None


def payload(intent: str, **entities: str) -> str:
    """The message a button sends: `/intent` or `/intent{"entity": "value"}`."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def switch_language_payload(language: str | None = None) -> str:
    """The message that switches the conversation to `language` (or asks which one)."""
    return payload(SWITCH_LANGUAGE_INTENT, language_choice=language) if language else payload(SWITCH_LANGUAGE_INTENT)


def check_payload(topic_key: str) -> str:
    """The button under a topic's answer that starts its entitlement check."""
    return payload(topic_intent(topic_key), check="yes")


def check_form(scheme: str) -> str:
    """The Rasa form that asks a check's questions."""
    return f"{scheme}_form"


def validate_check_form(scheme: str) -> str:
    """The action that reads the answers of a check's form (Rasa's naming)."""
    return f"validate_{check_form(scheme)}"


# Payload-only intents: sent by a button or a channel command, never classified, so
# they need no training examples. The channels map the commands people type
# ("/vergeet", "/forget", "/lubidá"; "/privacy") onto them.
FORGET_INTENT, FORGET_CONFIRMED_INTENT, FORGET_CANCELLED_INTENT = "forget", "forget_confirmed", "forget_cancelled"
PRIVACY_INTENT = "privacy"
# A sticker, photo or voice message: the channel sends this, so that the reply comes
# in the conversation's language, which only the assistant knows.
NON_TEXT_INTENT = "non_text"
def non_text_payload(language_hint: str | None) -> str:
    """What a channel sends for a sticker: the app's language only for a conversation without one."""
    hint = f'{{"language_hint":"{language_hint}"}}' if language_hint else ""
    return f"/{NON_TEXT_INTENT}{hint}"


# The desk (bot.desk): a handover with the resident's consent, withdrawing it, and
# "Did this help?" under an answer (`/feedback_helpful{"programme": "huurtoeslag"}`).
REQUEST_HUMAN_INTENT = "request_human"
HANDOVER_CONSENT_INTENT, HANDOVER_DECLINED_INTENT = "handover_consent", "handover_declined"
WITHDRAW_HANDOVER_INTENT = "withdraw_handover"
FEEDBACK_HELPFUL_INTENT, FEEDBACK_NOT_HELPFUL_INTENT = "feedback_helpful", "feedback_not_helpful"
# A message that says only yes or no (bot/rasa_adapters/yes_no.py), never classified.
AFFIRM_INTENT, DENY_INTENT = "affirm", "deny"
COMMAND_INTENTS = (FORGET_INTENT, FORGET_CONFIRMED_INTENT, FORGET_CANCELLED_INTENT, PRIVACY_INTENT, NON_TEXT_INTENT,
                   HANDOVER_CONSENT_INTENT, HANDOVER_DECLINED_INTENT, WITHDRAW_HANDOVER_INTENT,
                   FEEDBACK_HELPFUL_INTENT, FEEDBACK_NOT_HELPFUL_INTENT, AFFIRM_INTENT, DENY_INTENT)
# Questions answered with a yes and a no button: a typed "ja" or "nee" right after one
# counts as pressing its button (the yes intent first).
YES_NO_QUESTIONS = ((HANDOVER_CONSENT_INTENT, HANDOVER_DECLINED_INTENT),
                    (FEEDBACK_HELPFUL_INTENT, FEEDBACK_NOT_HELPFUL_INTENT),
                    (FORGET_CONFIRMED_INTENT, FORGET_CANCELLED_INTENT))
# What action_forget adds to its reply, so that the channel deletes the conversation
# once Rasa has saved the turn (a deletion inside the action would be written back).
FORGET_MARK = {"loket": "forget"}

# The slot policy: what a new session keeps. Language and place carry over; the
# answers of a half-finished check, and everything else, do not.
# The codes of this conversation's handovers carry over too, so "/vergeet" in a later
# session still withdraws them.
SESSION_SLOTS = ("language", "language_choice", "island", "handover_codes")


def payload_intent(text: str) -> str | None:
    """The intent a button's payload sends ("/feedback_helpful{...}" -> "feedback_helpful"), else None."""
    if not text.startswith("/"):
        return None
    name = text[1:].split("{", 1)[0].strip()
    return name or None

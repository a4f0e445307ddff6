"""What every action reads from the conversation the same way."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.language import conversation_language

# The actions that read only the slots, the latest message and the turn before it (a yes/no
# to the bot's buttons, a comment after "no" on "Did this help?", a form's new slots): Rasa
# sends them the events of the last two user turns, every other action the whole session
# (the action endpoint's `recent_events_actions`, bot/rasa_adapters/action_payload.py).
# Not here: whatever makes a handover or logs an unanswered question (they look back
# through the session for the resident's question, topics and a check's answers).
RECENT_EVENTS_ACTIONS = (
    "action_answer_topic", "action_answer_follow_up", "action_switch_language", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_non_text", "action_describe_capabilities", "action_privacy_statement",
    "action_confirm_forget", "action_offer_handover", "action_withdraw_handover",
    "validate_huurtoeslag_form", "validate_warmtefonds_form",
)


def reply_language(tracker: Tracker) -> str:
    """The language to answer in: the user's explicit choice, else the language of the
    last message that showed one (the `language` slot, filled by Rasa from the message's
    `language` entity with no action call), else the default. The domain's responses
    pick their variation by the same rule (bot/tooling/rasa_files.py)."""
    return conversation_language(tracker.get_slot("language_choice"), tracker.get_slot("language"), None)

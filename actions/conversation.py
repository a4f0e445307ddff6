"""What every action reads from the conversation the same way."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.language import conversation_language


def reply_language(tracker: Tracker) -> str:
    """The language to answer in: the user's explicit choice, else the language of the
    last message that showed one (the `language` slot, filled by Rasa from the message's
    `language` entity with no action call), else the default. The domain's responses
    pick their variation by the same rule (bot/tooling/rasa_files.py)."""
    return conversation_language(tracker.get_slot("language_choice"), tracker.get_slot("language"), None)

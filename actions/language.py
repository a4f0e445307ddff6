"""Rasa custom actions for the conversation's language: thin adapters over `bot.language`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import reply_language
from bot import LANGUAGE_NAMES, LANGUAGES
from bot.dialogue import switch_language_payload
from bot.i18n import gettext

DomainDict = dict[str, Any]


class ActionSwitchLanguage(Action):
    """Confirm a switch of language, or ask which one when none was named."""

    def name(self) -> str:
        return "action_switch_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        chosen = next(tracker.get_latest_entity_values("language_choice"), None)
        if chosen in LANGUAGES:
            dispatcher.utter_message(text=gettext(chosen, "From now on I will answer in English."))
            return [SlotSet("language_choice", chosen), SlotSet("language", chosen)]
        dispatcher.utter_message(
            text=gettext(reply_language(tracker), "Which language would you like?"),
            buttons=[
                {"title": LANGUAGE_NAMES[code], "payload": switch_language_payload(code)}
                for code in LANGUAGES
            ],
        )
        return []

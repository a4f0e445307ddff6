"""Rasa custom actions for the conversation's language: thin adapters over `bot.language`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions.desk import note_comment
from bot import LANGUAGE_NAMES, LANGUAGES
from bot.dialogue import switch_language_payload
from bot.i18n import gettext
from bot.language import conversation_language

DomainDict = dict[str, Any]


class ValidateSlotMappings(ValidationAction):
    """After every user message: work out the language to answer in."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        language = conversation_language(
            tracker.get_slot("language_choice"), tracker.get_slot("language_detected"), tracker.get_slot("language")
        )
        return {"language": language}

    async def extract_feedback_comment_for(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # The sentence after "no" on "Did this help?", if this message is it.
        return note_comment(dispatcher, tracker)


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
            text=gettext(tracker.get_slot("language") or "nl", "Which language would you like?"),
            buttons=[
                {"title": LANGUAGE_NAMES[code], "payload": switch_language_payload(code)}
                for code in LANGUAGES
            ],
        )
        return []

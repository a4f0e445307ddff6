"""Rasa custom actions: thin adapters over `bot.answers`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import answers_from_database
from bot.dialogue import topic_for_intent


class ActionAnswerTopic(Action):
    """Answer a question about a topic from the knowledge base, in the user's language."""

    def name(self) -> str:
        return "action_answer_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = answers_from_database()
        topic = topic_for_intent(tracker.get_intent_of_latest_message())
        if not answers.knows(topic):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        dispatcher.utter_message(text=answers.topic(topic, tracker.get_slot("language")))
        return [SlotSet("topic", topic)]


class ActionAnswerUnclear(Action):
    """The NLU was unsure: answer if the message clearly names a topic, else say so."""

    def name(self) -> str:
        return "action_answer_unclear"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = answers_from_database()
        topic = answers.clear_topic_for(tracker.latest_message.get("text") or "")
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(text=answers.topic(topic, tracker.get_slot("language")))
        return [SlotSet("topic", topic)]


class ActionDescribeCapabilities(Action):
    """Say what Loket can help with, from the knowledge base's categories."""

    def name(self) -> str:
        return "action_describe_capabilities"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=answers_from_database().capabilities(tracker.get_slot("language")))
        return []

"""Rasa adapter: a message that says nothing but yes or no becomes `affirm` or `deny`.

Runs last in the pipeline. "ja", "no thanks", "sí" answer the question before them
(a handover's consent, "Did this help?", deleting the conversation); what they mean
is decided by the dialogue from that question (actions/desk.py, action_yes_no), and a
check's form reads them as its answer. The words are data (bot/language/replies.yml).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.dialogue import AFFIRM_INTENT, DENY_INTENT
from bot.language import bare_yes_no


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class YesNoReader(GraphComponent):
    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> YesNoReader:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            answer = None if text.startswith("/") else bare_yes_no(text)
            if answer is None:
                continue
            intent = AFFIRM_INTENT if answer else DENY_INTENT
            message.set("classified_intent", message.get(INTENT), add_to_output=True)
            message.set(INTENT, {INTENT_NAME_KEY: intent, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: intent, "confidence": 1.0},
                                             *(message.get(INTENT_RANKING_KEY) or [])], add_to_output=True)
        return messages

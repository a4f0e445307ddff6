"""Rasa adapter: send a task another organisation handles to the directory.

Runs after the intent classifier and the fallback classifier. Where
`bot.dialogue.routing.Router` says so ("Waar verleng ik mijn paspoort?" classified as
capabilities), the intent becomes `ask_organisation`; the classifier's own ranking is
kept in the message for evaluation. The knowledge base is stored in the model at
training time (a SQLite file), so the running model needs no other file;
`fingerprint_addon` hashes the knowledge files and the routing code, so a change to
either retrains this component.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dialogue.answers import Answers
from bot.dialogue.routing import Router
from bot.knowledge import load_valid_knowledge
from bot.knowledge.files import knowledge_fingerprint
from bot.knowledge.store import load_knowledge, make_engine, save_knowledge

KNOWLEDGE_FILE = "knowledge.db"
_ROUTING_CODE = tuple(
    Path(__file__).parents[1] / part
    for part in ("dialogue/routing.py", "knowledge/directory.py", "knowledge/lookup.py")
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DirectoryRouter(GraphComponent):
    def __init__(self, model_storage: ModelStorage, resource: Resource, router: Router | None = None):
        self._model_storage = model_storage
        self._resource = resource
        self._router = router

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        digest = hashlib.sha256(knowledge_fingerprint().encode())
        for path in _ROUTING_CODE:
            digest.update(path.read_bytes())
        return digest.hexdigest()

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> DirectoryRouter:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        knowledge = load_valid_knowledge()
        with self._model_storage.write_to(self._resource) as directory:
            save_knowledge(make_engine(f"sqlite:///{directory / KNOWLEDGE_FILE}"), knowledge)
        self._router = Router(Answers(knowledge))
        return self._resource

    @classmethod
    def load(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> DirectoryRouter:
        with model_storage.read_from(resource) as directory:
            engine = make_engine(f"sqlite:///{directory / KNOWLEDGE_FILE}")
            knowledge = load_knowledge(engine)
            engine.dispose()
        return cls(model_storage, resource, Router(Answers(knowledge)))

    def process(self, messages: list[Message]) -> list[Message]:
        if self._router is None:
            return messages
        for message in messages:
            intent = message.get(INTENT) or {}
            routed = self._router.intent_for(
                message.get(TEXT) or "", intent.get(INTENT_NAME_KEY), float(intent.get("confidence") or 0.0)
            )
            if routed is None:
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set("classified_intent", intent, add_to_output=True)
            message.set(INTENT, {INTENT_NAME_KEY: routed, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: routed, "confidence": 1.0}, *ranking],
                        add_to_output=True)
        return messages

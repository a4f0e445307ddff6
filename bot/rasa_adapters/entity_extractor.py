"""Rasa adapter: programme, island, money, age and year entities from `bot.language.entities`.

Programme and island names are read at training time from the lookup tables that
`loket build` generates from the knowledge base (nlu_data/generated/knowledge.yml),
and stored in the model, so the running model needs no other file.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dialogue.names import ISLAND_LOOKUP_PREFIX, PROGRAMME_LOOKUP_PREFIX
from bot.language.entities import EntityFinder

NAMES_FILE = "names.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    def __init__(self, model_storage: ModelStorage, resource: Resource, names: dict[str, dict[str, str]]):
        self._model_storage = model_storage
        self._resource = resource
        self._names = names
        self._finder = EntityFinder(names.get("programme", {}), names.get("island", {}))

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeEntityExtractor:
        return cls(model_storage, resource, {})

    def train(self, training_data: TrainingData) -> Resource:
        names: dict[str, dict[str, str]] = {"programme": {}, "island": {}}
        for table in training_data.lookup_tables:
            for prefix, entity in ((PROGRAMME_LOOKUP_PREFIX, "programme"), (ISLAND_LOOKUP_PREFIX, "island")):
                if table["name"].startswith(prefix):
                    value = table["name"].removeprefix(prefix)
                    names[entity].update({str(element): value for element in table["elements"]})
        with self._model_storage.write_to(self._resource) as directory:
            (directory / NAMES_FILE).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        self._names = names
        self._finder = EntityFinder(names["programme"], names["island"])
        return self._resource

    @classmethod
    def load(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> KnowledgeEntityExtractor:
        with model_storage.read_from(resource) as directory:
            names = json.loads((directory / NAMES_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, names)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = [
                {"entity": e.name, "value": e.value, "start": e.start, "end": e.end, "confidence_entity": 1.0}
                for e in self._finder.find(message.get(TEXT) or "")
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages

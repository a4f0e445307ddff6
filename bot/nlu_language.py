"""Rasa adapter: tag every message with its language, as a `language` entity.

The domain maps that entity to the `language` slot, so responses and actions answer
in the user's language. When a message is too short to tell, no entity is added and
the slot keeps the conversation's language. The detector itself is `bot.language`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import LanguageDetector, build_profile, papiamentu_corpus

PROFILE_FILE = "pap_profile.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageIdentifier(GraphComponent, EntityExtractorMixin):
    """Learns a Papiamentu profile from the project's own text at training time."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"project_dir": "."}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        profile: dict[str, Any] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._detector = LanguageDetector(profile) if profile else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        profile = build_profile(papiamentu_corpus(Path(self._config["project_dir"])))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PROFILE_FILE).write_text(json.dumps(profile), encoding="utf-8")
        self._detector = LanguageDetector(profile)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageIdentifier:
        with model_storage.read_from(resource) as directory:
            profile = json.loads((directory / PROFILE_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, profile)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detection = self._detector.detect(text) if self._detector else None
            if detection is None or detection.language is None:
                continue
            entity = {
                "entity": "language",
                "value": detection.language,
                "start": 0,
                "end": len(text),
                "confidence_entity": detection.confidence,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name([entity]), add_to_output=True)
        return messages

"""Rasa adapter: tag every message with its language, as a `language` entity.

The domain maps that entity to the `language_detected` slot, and a language the
message names ("English please") to `language_choice` when the user asks to switch;
actions.language then sets `language`, which every response follows. When a message
is too short to tell, no entity is added and the conversation keeps its language.
The detector itself is `bot.language`.
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

from bot.language import LanguageDetector, build_profiles, named_language, project_corpora

PROFILES_FILE = "language_profiles.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageIdentifier(GraphComponent, EntityExtractorMixin):
    """Learns its language profiles from the project's own text at training time."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"project_dir": "."}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        profiles: dict[str, Any] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._detector = LanguageDetector(profiles) if profiles else None

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
        profiles = build_profiles(project_corpora(Path(self._config["project_dir"])))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PROFILES_FILE).write_text(json.dumps(profiles), encoding="utf-8")
        self._detector = LanguageDetector(profiles)
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
            profiles = json.loads((directory / PROFILES_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, profiles)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = []
            detection = self._detector.detect(text) if self._detector else None
            if detection is not None and detection.language is not None:
                entities.append(_whole_message("language", detection.language, text, detection.confidence))
            named = named_language(text)
            if named is not None:
                entities.append(_whole_message("language_choice", named, text, 1.0))
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities), add_to_output=True)
        return messages


def _whole_message(entity: str, value: str, text: str, confidence: float) -> dict[str, Any]:
    return {"entity": entity, "value": value, "start": 0, "end": len(text), "confidence_entity": confidence}

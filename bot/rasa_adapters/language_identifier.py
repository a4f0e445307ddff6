"""Rasa adapter: tag every message with its language, as a `language` entity.

Rasa maps that entity to the `language` slot itself, and a language the message names
("English please") to `language_choice` when the user asks to switch; the choice wins
(actions/conversation.py, and the responses' conditions). When a message
is too short to tell, no entity is added and the conversation keeps its language.
The detector itself is `bot.language.detection`. It is built from the project's own
text at training time and stored in the model; `fingerprint_addon` hashes that text,
so a change to the corpora, keywords or detection code retrains it.
"""

from __future__ import annotations

import tarfile
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

from bot.language.detection import (
    DetectorData,
    LanguageDetector,
    build_detector_data,
    inputs_fingerprint,
    named_language,
)

DETECTOR_FILE = "language_detector.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageIdentifier(GraphComponent, EntityExtractorMixin):
    """Learns its language profiles from the project's own text at training time."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, data: DetectorData | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._detector = LanguageDetector(data) if data else None

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return inputs_fingerprint()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        data = build_detector_data()
        with self._model_storage.write_to(self._resource) as directory:
            (directory / DETECTOR_FILE).write_text(data.to_json(), encoding="utf-8")
        self._detector = LanguageDetector(data)
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
            data = DetectorData.from_json((directory / DETECTOR_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, data)

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


def detector_in_model(model: Path) -> LanguageDetector:
    """The detector a trained model serves, read from its archive."""
    with tarfile.open(model) as archive:
        member = next((m for m in archive.getmembers() if m.name.endswith(f"/{DETECTOR_FILE}")), None)
        if member is None:
            raise FileNotFoundError(f"{model} holds no {DETECTOR_FILE}: train it with `make train`")
        handle = archive.extractfile(member)
        assert handle is not None
        return LanguageDetector(DetectorData.from_json(handle.read().decode("utf-8")))

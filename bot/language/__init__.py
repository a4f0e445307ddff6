"""Language and understanding, without Rasa: which language a message is in, folding
of spellings, numbers, short replies, and the entities a message names."""

from bot.language.detection import (
    Detection,
    DetectorData,
    LanguageDetector,
    conversation_language,
    detect_lines,
    named_language,
    project_detector,
)
from bot.language.entities import Entity, EntityFinder
from bot.language.replies import bare_yes_no
from bot.language.text import fold, words

__all__ = [
    "Detection",
    "DetectorData",
    "Entity",
    "EntityFinder",
    "bare_yes_no",
    "LanguageDetector",
    "conversation_language",
    "detect_lines",
    "fold",
    "named_language",
    "project_detector",
    "words",
]

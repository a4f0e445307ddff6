"""Which of Loket's languages a message is in: Dutch, Papiamentu or English.

No detector one can install offline knows Papiamentu, so Loket builds a langdetect
profile from its own Papiamentu text and restricts detection to {nl, en, pap}.
Messages of one to three words are too short for n-grams; for those a keyword list
decides, and otherwise the caller keeps the language the conversation already has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import langdetect
import yaml
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

from bot.knowledge import read_knowledge
from bot.text import words
from bot.training_data import examples_by_intent

SHIPPED_PROFILES = Path(langdetect.__file__).with_name("profiles")
KEYWORDS_FILE = Path(__file__).with_name("language_keywords.yml")
SHORT_MESSAGE_WORDS = 3
MIN_PROBABILITY = 0.6
_PLACEHOLDER = re.compile(r"\{\w+\}")


def build_profile(sentences: Iterable[str], language: str = "pap") -> dict[str, object]:
    """A langdetect profile (1- to 3-gram counts) learnt from `sentences`."""
    profile = LangProfile(language)
    for sentence in sentences:
        profile.update(sentence)
    profile.omit_less_freq()
    return {"name": language, "freq": dict(profile.freq), "n_words": profile.n_words}


@lru_cache(maxsize=1)
def _keywords() -> Mapping[str, frozenset[str]]:
    with KEYWORDS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return {language: frozenset(str(word) for word in listed) for language, listed in raw.items()}


@dataclass(frozen=True)
class Detection:
    language: str | None  # None: too short or unclear; keep the conversation's language
    confidence: float


class LanguageDetector:
    def __init__(self, pap_profile: Mapping[str, object], seed: int = 0):
        factory = DetectorFactory()
        shipped = [(SHIPPED_PROFILES / code).read_text(encoding="utf-8") for code in ("nl", "en")]
        # All profiles in one call: langdetect sizes its probability arrays on loading.
        factory.load_json_profile(shipped + [json.dumps(pap_profile)])
        factory.set_seed(seed)
        self._factory = factory

    @classmethod
    def from_sentences(cls, pap_sentences: Iterable[str]) -> LanguageDetector:
        return cls(build_profile(pap_sentences))

    def detect(self, text: str) -> Detection:
        tokens = words(text)
        if not tokens:
            return Detection(None, 0.0)
        if len(tokens) <= SHORT_MESSAGE_WORDS:
            return self._by_keywords(tokens)
        try:
            detector = self._factory.create()
            detector.append(text)
            best = detector.get_probabilities()[0]
        except LangDetectException:
            return self._by_keywords(tokens)
        if best.prob < MIN_PROBABILITY:
            return self._by_keywords(tokens)
        return Detection(best.lang, round(best.prob, 3))

    def _by_keywords(self, tokens: list[str]) -> Detection:
        votes = {language: sum(token in listed for token in tokens) for language, listed in _keywords().items()}
        best = max(votes, key=votes.__getitem__)
        ranked = sorted(votes.values(), reverse=True)
        if ranked[0] == 0 or ranked[0] == ranked[1]:
            return Detection(None, 0.0)
        return Detection(best, round(ranked[0] / len(tokens), 3))


def papiamentu_corpus(project_dir: Path) -> list[str]:
    """Loket's own Papiamentu text: the NLU examples and the knowledge base."""
    sentences = [
        example
        for examples in examples_by_intent("pap", project_dir / "nlu_data").values()
        for example in examples
    ]
    knowledge, _ = read_knowledge(project_dir / "knowledge")
    for topic in knowledge.topics.values():
        sentences.append(topic.answer.get("pap", ""))
        sentences.extend(fact.text.get("pap", "") for fact in topic.facts)
    return [_PLACEHOLDER.sub("", sentence) for sentence in sentences if sentence]

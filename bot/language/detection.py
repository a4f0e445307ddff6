"""Which of Loket's languages a message is in: Dutch, Papiamentu or English.

No detector one can install offline knows Papiamentu, so Loket builds langdetect
profiles from its own text and restricts detection to {nl, en, pap}: Papiamentu from
the project's Papiamentu sentences alone; Dutch and English from langdetect's shipped
profiles blended half and half with the project's Dutch and English, because the
shipped ones (from encyclopaedia text) took short English questions about "huurtoeslag"
for Papiamentu (measured: 87% right on English, 99.5% after blending).
Messages of one to three words are decided by keywords ("Danki", "Bon dia") or by a
sure n-gram match; otherwise the caller keeps the language the conversation has. On a
longer message an unsure n-gram guess gives way to the keywords (function words only
one language uses) when these clearly point elsewhere.
"""

from __future__ import annotations

import hashlib
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

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.knowledge import read_knowledge
from bot.language.examples import examples_by_intent
from bot.language.text import fold, words
from bot.settings import KNOWLEDGE_DIR, NLU_DIR

SHIPPED_PROFILES = Path(langdetect.__file__).with_name("profiles")
KEYWORDS_FILE = Path(__file__).with_name("keywords.yml")
PAPIAMENTU_CORPUS = Path(__file__).with_name("corpus") / "pap.txt"
# The code that turns the corpora into a detector: a change to it changes the detector too.
_DETECTOR_CODE = (Path(__file__), Path(__file__).with_name("text.py"))
SHORT_MESSAGE_WORDS = 3
MIN_PROBABILITY = 0.6
SURE_PROBABILITY = 0.95  # a short message without keywords needs this much
PROJECT_TEXT_WEIGHT = 0.5  # share of the project's own text in the Dutch and English profiles
_PROFILE_SCALE = 1_000_000
_PLACEHOLDER = re.compile(r"\{\w+\}")

Profile = dict[str, object]


def build_profile(sentences: Iterable[str], language: str = "pap") -> Profile:
    """A langdetect profile (1- to 3-gram counts) learnt from `sentences`."""
    profile = LangProfile(language)
    for sentence in sentences:
        profile.update(sentence)
    profile.omit_less_freq()
    return {"name": language, "freq": dict(profile.freq), "n_words": profile.n_words}


def blend_profiles(first: Profile, second: Profile, second_weight: float) -> Profile:
    """One profile whose n-gram frequencies are a weighted mix of two."""
    freq: dict[str, float] = {}
    for profile, weight in ((first, 1 - second_weight), (second, second_weight)):
        totals = profile["n_words"]
        for gram, count in profile["freq"].items():  # type: ignore[union-attr]
            freq[gram] = freq.get(gram, 0.0) + count / totals[len(gram) - 1] * weight * _PROFILE_SCALE  # type: ignore[index]
    return {
        "name": first["name"],
        "freq": {gram: max(1, round(value)) for gram, value in freq.items()},
        "n_words": [_PROFILE_SCALE] * 3,
    }


def build_profiles(corpora: Mapping[str, list[str]]) -> dict[str, Profile]:
    """The three profiles from the project's own text per language."""
    profiles = {"pap": build_profile(corpora["pap"], "pap")}
    for language in ("nl", "en"):
        shipped = json.loads((SHIPPED_PROFILES / language).read_text(encoding="utf-8"))
        profiles[language] = blend_profiles(shipped, build_profile(corpora[language], language), PROJECT_TEXT_WEIGHT)
    return profiles


@lru_cache(maxsize=1)
def _keyword_file() -> Mapping[str, Mapping[str, frozenset[str]]]:
    with KEYWORDS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    names = raw.pop("language_names")
    function_words = raw.pop("function_words")
    return {
        "keywords": _folded_sets(raw),
        "names": _folded_sets(names),
        "function_words": {"any": frozenset(fold(str(word)) for word in function_words)},
    }


def function_words() -> frozenset[str]:
    """Words in any of the three languages that carry no topic ("and", "voor", "pa")."""
    return _keyword_file()["function_words"]["any"]


def _folded_sets(listed: Mapping[str, list[str]]) -> dict[str, frozenset[str]]:
    # Folded like the message words they are compared with ("cuanto" -> "kuantu").
    return {language: frozenset(fold(str(word)) for word in entries) for language, entries in listed.items()}


def named_language(text: str) -> str | None:
    """The one language a message names ("English please", "/taal pap"), if any.

    Whether the user asks to switch is the intent classifier's call; this only says
    which language was named.
    """
    tokens = set(words(text))
    named = [language for language, names in _keyword_file()["names"].items() if tokens & names]
    return named[0] if len(named) == 1 else None


def conversation_language(choice: str | None, detected: str | None, current: str | None) -> str:
    """The language to answer in: an explicit choice wins until changed, then what the
    last message was written in, then what the conversation had. A value that is not
    one of Loket's languages (a payload such as {"language_choice": "xx"}) counts as none."""
    return next((language for language in (choice, detected, current) if language in LANGUAGES), DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class Detection:
    language: str | None  # None: too short or unclear; keep the conversation's language
    confidence: float


@dataclass(frozen=True)
class DetectorData:
    """Everything a detector is made of, as the trained model stores it."""

    profiles: Mapping[str, Profile]
    keywords: Mapping[str, list[str]]  # folded keywords per language, for short messages

    def to_json(self) -> str:
        return json.dumps({"profiles": self.profiles, "keywords": self.keywords}, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> DetectorData:
        raw = json.loads(text)
        return cls(raw["profiles"], raw["keywords"])


class LanguageDetector:
    def __init__(self, data: DetectorData, seed: int = 0):
        factory = DetectorFactory()
        # All profiles in one call: langdetect sizes its probability arrays on loading.
        factory.load_json_profile([json.dumps(data.profiles[language]) for language in LANGUAGES])
        factory.set_seed(seed)
        self._factory = factory
        self.data = data
        self._keywords = {language: frozenset(listed) for language, listed in data.keywords.items()}

    def _ngram_guess(self, text: str) -> Detection:
        try:
            detector = self._factory.create()
            detector.append(text)
            best = detector.get_probabilities()[0]
        except LangDetectException:
            return Detection(None, 0.0)
        return Detection(best.lang, round(best.prob, 3))

    def detect(self, text: str) -> Detection:
        tokens = words(text)
        if not tokens:
            return Detection(None, 0.0)
        if len(tokens) <= SHORT_MESSAGE_WORDS:
            by_keywords = self._by_keywords(tokens)
            if by_keywords.language is not None:
                return by_keywords
            # "no, 750 euro" is an answer, not a change of language: n-grams only
            # decide a short message of three real words.
            words_only = [token for token in tokens if not token.isdigit()]
            guess = self._ngram_guess(text)
            sure = guess.confidence >= SURE_PROBABILITY and len(words_only) == SHORT_MESSAGE_WORDS
            return guess if sure else Detection(None, 0.0)
        guess = self._ngram_guess(text)
        if guess.confidence < SURE_PROBABILITY:
            # On a few words n-grams are easily swayed by a name ("Rijksdienst Caribisch
            # Nederland ta ...") or a loanword; words only one language uses ("ta", "uw",
            # "the") then decide. Measured on tests/language/unseen and the held-out NLU
            # sets: no message went from right to wrong.
            by_keywords = self._by_keywords(tokens)
            if by_keywords.language is not None and (
                    by_keywords.language != guess.language or guess.confidence < MIN_PROBABILITY):
                return by_keywords
        return guess

    def _by_keywords(self, tokens: list[str]) -> Detection:
        votes = {language: sum(token in listed for token in tokens) for language, listed in self._keywords.items()}
        best = max(votes, key=votes.__getitem__)
        ranked = sorted(votes.values(), reverse=True)
        if ranked[0] == 0 or ranked[0] == ranked[1]:
            return Detection(None, 0.0)
        return Detection(best, round(ranked[0] / len(tokens), 3))


def project_corpora(nlu_dir: Path | None = None, knowledge_dir: Path | None = None,
                    papiamentu_file: Path | None = None) -> dict[str, list[str]]:
    """Loket's own text per language: NLU examples, the knowledge base, and for
    Papiamentu also everyday sentences (corpus/pap.txt)."""
    nlu_dir, knowledge_dir = nlu_dir or NLU_DIR, knowledge_dir or KNOWLEDGE_DIR
    papiamentu_file = papiamentu_file or PAPIAMENTU_CORPUS
    corpora: dict[str, list[str]] = {
        language: [example for examples in examples_by_intent(language, nlu_dir).values() for example in examples]
        for language in LANGUAGES
    }
    knowledge, _ = read_knowledge(knowledge_dir)
    for topic in knowledge.topics.values():
        for language in LANGUAGES:
            corpora[language].append(topic.answer.get(language, ""))
            corpora[language].extend(fact.text.get(language, "") for fact in topic.facts)
    if papiamentu_file.exists():
        corpora["pap"] += [line for line in papiamentu_file.read_text(encoding="utf-8").splitlines()
                           if not line.startswith("#")]
    return {language: [_PLACEHOLDER.sub("", s).strip() for s in texts if s.strip()]
            for language, texts in corpora.items()}


def build_detector_data(corpora: Mapping[str, list[str]] | None = None) -> DetectorData:
    """The detector's data from the project's own text (or the corpora given)."""
    keywords = {language: sorted(listed) for language, listed in _keyword_file()["keywords"].items()}
    return DetectorData(build_profiles(corpora if corpora is not None else project_corpora()), keywords)


def inputs_fingerprint() -> str:
    """A hash of everything the project's detector is built from: the corpora, the
    keywords and the code. The Rasa component adds it to its fingerprint, so a change
    to any of them retrains the detector instead of reusing a cached one."""
    digest = hashlib.sha256(json.dumps(project_corpora(), sort_keys=True, ensure_ascii=False).encode())
    for path in (KEYWORDS_FILE, *_DETECTOR_CODE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def project_detector() -> LanguageDetector:
    """The detector built from this checkout's own text (the model carries the same;
    see bot.rasa_adapters.language_identifier.detector_in_model)."""
    return LanguageDetector(build_detector_data())


def detect_lines(lines: Iterable[str], detector: LanguageDetector, start: str = DEFAULT_LANGUAGE) -> list[str]:
    """One language per line, read as one conversation: a line too short to tell keeps
    the language of the line before."""
    current = start
    codes = []
    for line in lines:
        current = detector.detect(line).language or current
        codes.append(current)
    return codes

"""Language detection on messages the detector never saw, and on very short ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot import LANGUAGES
from bot.language import detection
from bot.language.detection import (
    DetectorData,
    blend_profiles,
    build_detector_data,
    build_profile,
    conversation_language,
    detect_lines,
    named_language,
    project_detector,
)
from bot.language.text import words
from bot.rasa_adapters.evaluation import file_examples
from bot.settings import KNOWLEDGE_DIR, NLU_DIR

CORPUS_DIR = detection.PAPIAMENTU_CORPUS.parent


@pytest.fixture(scope="module")
def detector():
    return project_detector()


@pytest.mark.parametrize(
    "text, language",
    [
        ("Wat verandert er aan de huurtoeslag?", "nl"),
        ("Kiko ta kambia na huurtoeslag?", "pap"),
        ("What changes in rent benefit?", "en"),
        ("Ik wil weten hoe ik een lening voor isolatie krijg", "nl"),
        ("Mi ke sa kon mi por haña yudansa ku mi hür", "pap"),
        ("Con mi por haya un cas di huur na Boneiru", "pap"),
        ("How do I get help with my DigiD in the library", "en"),
    ],
)
def test_sentences(detector, text, language):
    assert detector.detect(text).language == language


@pytest.mark.parametrize(
    "text, language",
    [("Danki", "pap"), ("Bon dia", "pap"), ("Bedankt", "nl"), ("Thanks", "en"), ("ok", None), ("", None), ("👍", None)],
)
def test_short_messages_use_keywords_or_leave_it_open(detector, text, language):
    assert detector.detect(text).language == language


def test_the_profile_is_learnt_from_the_given_text():
    profile = build_profile(["kiko ta kambia"] * 20)
    assert profile["name"] == "pap" and "kik" in profile["freq"]


def test_blending_mixes_frequencies_by_weight():
    first = {"name": "nl", "freq": {"a": 10, "b": 10}, "n_words": [20, 1, 1]}
    second = {"name": "nl", "freq": {"c": 5}, "n_words": [5, 1, 1]}
    blended = blend_profiles(first, second, 0.5)
    assert blended["name"] == "nl"
    assert blended["freq"]["a"] == blended["freq"]["b"] == 250_000 and blended["freq"]["c"] == 500_000


@pytest.mark.parametrize(
    "text, language",
    [("English please", "en"), ("/taal pap", "pap"), ("kan het in het Nederlands", "nl"), ("hallo", None),
     ("papiamentu or english?", None)],
)
def test_named_language(text, language):
    assert named_language(text) == language


def test_an_explicit_choice_wins_until_changed():
    assert conversation_language("en", "pap", "nl") == "en"
    assert conversation_language(None, "pap", "nl") == "pap"
    assert conversation_language(None, None, "pap") == "pap"
    assert conversation_language(None, None, None) == "nl"


def test_lines_too_short_to_tell_keep_the_language_before():
    assert detect_lines(["Kiko ta huurtoeslag awor?", "ok", "What is DigiD exactly?", "👍"], project_detector()) == [
        "pap", "pap", "en", "en"]


@pytest.mark.parametrize("attribute, addition", [("PAPIAMENTU_CORPUS", "Un frase nobo pa e detektor."),
                                                 ("KEYWORDS_FILE", "# a comment is a change too")])
def test_any_change_to_the_detectors_inputs_changes_its_fingerprint(tmp_path, monkeypatch, attribute, addition):
    from bot.language import detection

    before = detection.inputs_fingerprint()
    assert detection.inputs_fingerprint() == before  # stable for the same inputs
    changed = tmp_path / "changed"
    changed.write_text(getattr(detection, attribute).read_text(encoding="utf-8") + f"\n{addition}\n",
                       encoding="utf-8")
    monkeypatch.setattr(detection, attribute, changed)
    assert detection.inputs_fingerprint() != before


def test_the_detector_data_survives_the_model_file_format():
    data = build_detector_data({"nl": ["dit is een zin"], "pap": ["esaki ta un frase"], "en": ["this is a sentence"]})
    assert DetectorData.from_json(data.to_json()) == data


@pytest.mark.parametrize("choice, detected, current, expected", [
    ("xx", "en", "nl", "en"), (5, None, "pap", "pap"), ("<b>", None, None, "nl"), ("en", "nl", "pap", "en")])
def test_a_language_loket_does_not_speak_is_no_choice(choice, detected, current, expected):
    assert conversation_language(choice, detected, current) == expected


# Language detection on text that never fed the profiles: tests/language/unseen, written
# for this purpose in the style of government pages, news, letters and residents'
# messages (Papiamentu in both spellings and the formal register), 3 to 8 words a line.
UNSEEN_DIR = Path(__file__).resolve().parents[1] / "language" / "unseen"
MIN_UNSEEN_ACCURACY = 0.98


def unseen_lines(language: str) -> list[str]:
    lines = (UNSEEN_DIR / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unseen_set_has_enough_three_to_eight_word_lines(language):
    lines = unseen_lines(language)
    assert len(lines) >= 150
    assert [line for line in lines if not 3 <= len(line.split()) <= 8] == []


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _trained_texts() -> list[str]:
    """Every text the detector or the intent classifier may learn from: the corpora,
    the NLU training data and the knowledge base."""
    texts = [line for path in sorted(CORPUS_DIR.glob("*")) for line in path.read_text(encoding="utf-8").splitlines()]
    texts += [text for path in sorted(NLU_DIR.rglob("*.yml")) for _, _, text in file_examples(path)]
    for path in sorted(KNOWLEDGE_DIR.rglob("*")):
        if path.suffix in (".yml", ".yaml"):
            texts += list(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
        elif path.suffix in (".md", ".txt"):
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def test_no_unseen_line_is_in_a_corpus_or_training_file():
    # Normalised (lower case, no punctuation or accents, one Papiamentu spelling), a line
    # may not be a sentence or line of any of them; a line of five words or more may not
    # occur inside one either (shorter ones can by chance: "de vrije sector").
    texts = _trained_texts()
    pieces = {" ".join(words(piece)) for text in texts for piece in re.split(r"[.!?;\n]", text)}
    pieces |= {" ".join(words(line)) for text in texts for line in text.splitlines()}
    running = "\n".join(f" {' '.join(words(text))} " for text in texts)
    leaked = []
    for language in LANGUAGES:
        for line in unseen_lines(language):
            key = " ".join(words(line))
            if key in pieces or (len(key.split()) >= 5 and f" {key} " in running):
                leaked.append(f"{language}: {line}")
    assert not leaked, "lines of tests/language/unseen found in corpus, nlu_data or knowledge: " + "; ".join(leaked)


@pytest.mark.parametrize("language", LANGUAGES)
def test_detection_on_unseen_text(detector, language):
    # The detector built from this checkout, in-process (the served one is the same once
    # the model is retrained; tests/test_understanding.py checks that).
    lines = unseen_lines(language)
    wrong = [(line, detector.detect(line).language) for line in lines]
    wrong = [(line, got) for line, got in wrong if got != language]
    accuracy = 1 - len(wrong) / len(lines)
    assert accuracy >= MIN_UNSEEN_ACCURACY, f"{language}: {accuracy:.3f}; wrong: {wrong}"


def test_keywords_are_words_not_yaml_booleans():
    # Unquoted `yes`, `no`, `on` and `off` are booleans in YAML: "yes" had become "true".
    raw = yaml.safe_load(detection.KEYWORDS_FILE.read_text(encoding="utf-8"))
    entries = [word for key in LANGUAGES for word in raw[key]]
    entries += [word for names in raw["language_names"].values() for word in names] + raw["function_words"]
    assert all(isinstance(word, str) for word in entries), [word for word in entries if not isinstance(word, str)]


@pytest.mark.parametrize("text, language", [
    ("yes", "en"),
    ("beschermd tegen te", "nl"),  # "te" is Dutch too: no Papiamentu keyword
    ("E Directie di Salud", "pap"),
    ("Stichting Kinderopvang a habri e sentro", "pap"),  # n-grams: nl, unsure
    ("huurtoeslag aanvragen, how does that work", "en"),  # n-grams: nl, unsure
])
def test_function_words_decide_when_the_ngrams_are_unsure(detector, text, language):
    assert detector.detect(text).language == language

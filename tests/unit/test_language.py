"""Language detection on messages the detector never saw, and on very short ones."""

from __future__ import annotations

import pytest

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

"""Language detection on messages the detector never saw, and on very short ones."""

from __future__ import annotations

import pytest

from bot.language import LanguageDetector, build_profile, papiamentu_corpus
from tests.conftest import PROJECT_DIR


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.from_sentences(papiamentu_corpus(PROJECT_DIR))


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

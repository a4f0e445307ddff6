"""Entities people type: programme and island names, money, ages and years."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.language.entities import EntityFinder, parse_number

PROGRAMMES = {"huurtoeslag": "huurtoeslag", "supsidio di hür": "huurtoeslag", "Warmtefonds": "warmtefonds",
              "VvE Energiebespaarlening": "warmtefonds"}
ISLANDS = {"Bonaire": "bonaire", "Boneiru": "bonaire", "Sint Eustatius": "sint_eustatius",
           "Eustatius": "sint_eustatius", "Statia": "sint_eustatius", "Saba": "saba"}


@pytest.fixture(scope="module")
def finder() -> EntityFinder:
    return EntityFinder(PROGRAMMES, ISLANDS)


def found(finder: EntityFinder, text: str) -> list[tuple[str, str]]:
    return [(entity.name, entity.value) for entity in finder.find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.200,50", Decimal("1200.50")),
        ("1,200.50", Decimal("1200.50")),
        ("600", Decimal("600")),
        ("30.000", Decimal("30000")),
        ("30,000", Decimal("30000")),
        ("12,5", Decimal("12.5")),
        ("1.500.000", Decimal("1500000")),
    ],
)
def test_numbers_in_dutch_and_english_notation(text, expected):
    assert parse_number(text) == expected


def test_programme_names_ignore_case_and_accents(finder):
    assert found(finder, "mi ke sa tokante SUPSIDIO DI HUR") == [("programme", "huurtoeslag")]
    assert found(finder, "hoe zit het met de warmtefonds loan") == [("programme", "warmtefonds")]


def test_the_longest_name_wins(finder):
    assert found(finder, "I live on Sint Eustatius") == [("island", "sint_eustatius")]
    assert found(finder, "i na Boneiru?") == [("island", "bonaire")]


def test_names_inside_other_words_do_not_count(finder):
    assert found(finder, "sabado mi ta bai") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik ben 22 en betaal 600 euro huur", [("age", "22"), ("amount", "600"), ("currency", "EUR")]),
        ("mi tin 22 aña", [("age", "22")]),
        ("I'm 30 years old", [("age", "30")]),
        ("my rent is $750", [("currency", "USD"), ("amount", "750")]),
        ("€ 1.200,50 per maand", [("currency", "EUR"), ("amount", "1200.5")]),
        ("about 30k a year", [("amount", "30000")]),
        ("wat was het in 2024", [("year", "2024")]),
        ("nee, 650 euro", [("amount", "650"), ("currency", "EUR")]),
    ],
)
def test_ages_amounts_and_years(finder, text, expected):
    assert found(finder, text) == expected


def test_a_bare_number_is_not_money(finder):
    assert found(finder, "ik heb 3 kinderen") == []

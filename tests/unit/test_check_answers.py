"""Reading answers in an entitlement check, as people type them in three languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.entitlements import UNKNOWN, AnswerReader, Checks, asks_for_check
from bot.language.numbers import number_from_words


@pytest.fixture(scope="module")
def checks(knowledge) -> Checks:
    return Checks(knowledge)


@pytest.fixture(scope="module")
def reader(checks) -> AnswerReader:
    return checks.reader("huurtoeslag")


@pytest.fixture(scope="module")
def warmtefonds_reader(checks) -> AnswerReader:
    return checks.reader("warmtefonds")


@pytest.mark.parametrize("text, expected", [("twintig", 20), ("tweeëntwintig", 22), ("twenty-two", 22),
                                            ("binti dos", 22), ("hallo", None)])
def test_numbers_in_words(text, expected):
    assert number_from_words(text) == expected


@pytest.mark.parametrize(
    "text, asked, expected",
    [
        ("twintig", "ht_age", 20),
        ("mi tin 22 aña", "ht_age", 22),
        ("22", "ht_age", 22),
        ("1.200,50", "ht_rent", Decimal("1200.50")),
        ("$750", "ht_rent", Decimal("750")),
        ("ja hoor", "ht_independent", True),
        ("si", "ht_registered", True),
        ("no", "ht_residence", False),
        ("mi no tin pareha", "ht_partner", False),
        ("ik woon samen met mijn partner", "ht_partner", True),
    ],
)
def test_answers_to_the_question_asked(reader, text, asked, expected):
    assert reader.read(text, asked).values[asked] == expected


@pytest.mark.parametrize(
    "text, asked, expected",
    [("about 30k a year", "wf_income", Decimal("30000")), ("Kralendijk, Bonaire", "wf_place", "Kralendijk, Bonaire"),
     ("nee", "wf_owner", False)],
)
def test_answers_to_the_warmtefonds_questions(warmtefonds_reader, text, asked, expected):
    assert warmtefonds_reader.read(text, asked).values[asked] == expected


def test_an_amount_in_passing_goes_to_the_question_its_words_name(warmtefonds_reader):
    # "inkomen" is a context word of wf_income in knowledge/rules/warmtefonds.yml
    assert warmtefonds_reader.read("ons inkomen is 45.000 euro", None).values == {"wf_income": Decimal("45000")}


@pytest.mark.parametrize("text", ["weet ik niet", "I don't know", "mi no sa", "geen idee"])
def test_i_dont_know_is_an_answer(reader, text):
    assert reader.read(text, "ht_assets").values == {"ht_assets": UNKNOWN}


def test_values_in_the_first_message_are_kept(reader):
    values = reader.read("ik ben 22 en betaal 600 euro huur", None).values
    assert values == {"ht_age": 22, "ht_rent": Decimal("600")}


def test_a_correction_changes_the_last_answer(reader):
    understood = reader.read("nee, 650 euro", "ht_assets", last_answered="ht_rent")
    assert understood.corrected == "ht_rent" and understood.values == {"ht_rent": Decimal("650")}


def test_a_plain_no_to_a_yes_no_question_is_not_a_correction(reader):
    understood = reader.read("nee", "ht_partner", last_answered="ht_assets")
    assert understood.corrected is None and understood.values == {"ht_partner": False}


@pytest.mark.parametrize("text", ["stop", "Stoppen", "para", "cancel please"])
def test_stop(reader, text):
    assert reader.read(text, "ht_age").stop


def test_an_unreadable_answer_is_named(reader):
    understood = reader.read("geen flauw benul van getallen", "ht_rent")
    assert understood.unreadable == "ht_rent" and "ht_rent" not in understood.values


@pytest.mark.parametrize(
    "text, expected",
    [("Heb ik recht op huurtoeslag?", True), ("Mi tin derecho riba huurtoeslag?", True),
     ("Am I eligible for rent benefit?", True), ("Wat is huurtoeslag?", False), ("Kiko ta huurtoeslag?", False)],
)
def test_asking_whether_you_qualify(text, expected):
    assert asks_for_check(text) is expected

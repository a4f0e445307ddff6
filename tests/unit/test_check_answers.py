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
     ("Am I eligible for rent benefit?", True), ("Wat is huurtoeslag?", False), ("Kiko ta huurtoeslag?", False),
     ("Mi por haña huurtoeslag?", True),  # accents are folded in the text and so in the patterns
     ("Where can I get a loan to insulate my house?", False), ("Hoe kan ik huurtoeslag krijgen?", False)],
)
def test_asking_whether_you_qualify(text, expected):
    assert asks_for_check(text) is expected


# ---- A number is tied to its question by the words around it (nl, pap, en) ----

@pytest.mark.parametrize(
    "text",
    ["ik betaal 650 huur en ben 30", "mi ta paga 650 di hür i mi tin 30 aña", "I pay 650 rent and I am 30"],
)
def test_asked_for_the_age_a_message_with_rent_and_age_answers_the_age_and_keeps_the_rent(reader, text):
    understood = reader.read(text, "ht_age")
    assert understood.values == {"ht_age": 30, "ht_rent": Decimal("650")}
    assert understood.problem is None and understood.unreadable is None


@pytest.mark.parametrize("text", ["dertig of veertig", "trinta òf kuarenta", "thirty or forty", "30 of 40",
                                  "tussen 600 en 700"])
def test_two_numbers_without_a_word_to_choose_are_asked_again(reader, text):
    understood = reader.read(text, "ht_age")
    assert understood.values == {} and understood.unreadable == "ht_age"
    assert "more than one number" in understood.problem.message


@pytest.mark.parametrize("text", ["ik heb een vraag eerst", "ik heb één vraag", "mi tin un pregunta promé",
                                  "I have a question first", "I have one question"])
def test_an_article_is_no_number_and_a_message_without_one_is_not_an_answer(reader, text):
    understood = reader.read(text, "ht_age")
    assert understood.values == {} and understood.unreadable == "ht_age"
    assert "not look like an answer" in understood.problem.message


@pytest.mark.parametrize(
    "text",
    ["ik ben 22 en betaal 600 euro huur", "mi tin 22 aña i mi ta paga 600 dollar di hür",
     "I am 22 and pay 600 euros rent"],
)
def test_asked_for_the_rent_a_message_with_age_and_rent_answers_the_rent_and_keeps_the_age(reader, text):
    understood = reader.read(text, "ht_rent")
    assert understood.values == {"ht_rent": Decimal("600"), "ht_age": 22}


@pytest.mark.parametrize(
    "text",
    ["Ik ben 19 en mijn huur is 550 euro, kan ik in 2026 huurtoeslag krijgen?",
     "Mi tin 19 aña i mi hür ta 550 euro, mi por haña huurtoeslag na 2026?",
     "I am 19 and my rent is 550 euros, can I get rent benefit in 2026?"],
)
def test_a_first_message_gives_age_and_rent_but_not_the_year_or_the_programme_name(reader, text):
    assert reader.read(text, None).values == {"ht_age": 19, "ht_rent": Decimal("550")}


@pytest.mark.parametrize("text, expected", [
    ("zeshonderdvijftig", Decimal("650")), ("six hundred and fifty", Decimal("650")),
    ("seis shen sinkuenta", Decimal("650")), ("€ 650 per maand", Decimal("650")), ("about 650 dollars", Decimal("650")),
])
def test_amounts_in_words_and_with_words_around_them(reader, text, expected):
    assert reader.read(text, "ht_rent").values == {"ht_rent": expected}


@pytest.mark.parametrize("text", ["€ -650,00", "-5"])
def test_a_negative_amount_cannot_be_read(reader, text):
    understood = reader.read(text, "ht_assets")
    assert understood.unreadable == "ht_assets" and understood.values == {}


@pytest.mark.parametrize("text", ["1e999", "0x1F", "9" * 400, "½"])
def test_odd_input_is_no_answer(reader, text):
    assert reader.read(text, "ht_age").values == {}


def test_a_number_with_its_own_word_wins_over_one_without(reader):
    assert reader.read("ik ben 30 jaar en mijn vriendin 28", "ht_age").values == {"ht_age": 30}


def test_alternatives_with_a_shared_word_are_still_a_choice(reader):
    assert reader.read("600 of 650 euro huur", "ht_rent").values == {}

"""One reader of numbers and one list of yes/no words for the chat, `loket check` and
the tests: a typed answer means the same in the chat form and on the command line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.entitlements import Checks, InvalidAnswer, read_answer, read_yes_no


@pytest.fixture(scope="module")
def checks(knowledge) -> Checks:
    return Checks(knowledge)


YES = ["ja", "jawel", "jazeker", "ja hoor", "Ja, klopt", "tuurlijk", "sí", "si", "Sí, claro", "yes", "yes please",
       "Yes.", "yeah", "sure", "ok"]
NO = ["nee", "nee hoor", "neen", "no", "nò", "no thanks", "nope", "nunka"]


@pytest.mark.parametrize("text", YES)
def test_yes_in_three_languages(text):
    assert read_yes_no(text) is True


@pytest.mark.parametrize("text", NO)
def test_no_in_three_languages(text):
    assert read_yes_no(text) is False


@pytest.mark.parametrize("text", ["misschien", "ja maar niet altijd", ""])
def test_neither_or_both_is_not_a_yes_or_no(text):
    assert read_yes_no(text) is None


@pytest.mark.parametrize("text", YES + NO)
def test_the_chat_and_the_command_line_read_a_yes_or_no_alike(checks, text):
    chat = checks.reader("huurtoeslag").read(text, "ht_independent").values["ht_independent"]
    typed = checks.from_answers("huurtoeslag", {"independent": text}, year=2026).independent
    assert chat is typed is read_yes_no(text)


@pytest.mark.parametrize("text, expected", [("alleen", False), ("samenwonend", True), ("single", False),
                                            ("mi so", False), ("ja", True), ("no", False)])
def test_the_partner_answer_reads_alike_in_the_chat_and_on_the_command_line(checks, text, expected):
    chat = checks.reader("huurtoeslag").read(text, "ht_partner").values["ht_partner"]
    assert chat is expected
    assert checks.from_answers("huurtoeslag", {"partner": text}, year=2026).partner is expected


@pytest.mark.parametrize("text, expected", [("22", 22), ("twintig", 20), ("22 jaar", 22), ("mi tin 22 aña", 22),
                                            ("I'm 22", 22), ("tweeëntwintig", 22), ("binti dos", 22)])
def test_an_age_reads_alike_in_the_chat_and_on_the_command_line(checks, text, expected):
    assert checks.reader("huurtoeslag").read(text, "ht_age").values["ht_age"] == expected
    assert checks.from_answers("huurtoeslag", {"age": text}, year=2026).age == expected
    assert read_answer("age", text) == expected


@pytest.mark.parametrize("text, expected", [("650", "650"), ("€ 1.200,50", "1200.50"), ("650 euro", "650"),
                                            ("about 650 dollars", "650"), ("zeshonderdvijftig", "650"),
                                            ("30k", "30000")])
def test_an_amount_reads_alike_in_the_chat_and_on_the_command_line(checks, text, expected):
    assert checks.reader("huurtoeslag").read(text, "ht_assets").values["ht_assets"] == Decimal(expected)
    assert checks.from_answers("huurtoeslag", {"assets": text}, year=2026).assets == Decimal(expected)


@pytest.mark.parametrize("field, text", [("age", "dertig of veertig"), ("age", "een vraag"), ("rent", "-5"),
                                         ("rent", "veel"), ("independent", "misschien")])
def test_what_the_chat_asks_again_the_command_line_refuses_naming_the_field(checks, field, text):
    with pytest.raises(InvalidAnswer) as error:
        checks.from_answers("huurtoeslag", {field: text}, year=2026)
    assert error.value.field == field


def test_slot_values_are_read_back_as_they_were_stored(checks):
    stored = checks.from_answers("huurtoeslag", {"age": 22, "rent": "1200.50", "partner": False}, year=2026)
    assert (stored.age, stored.rent, stored.partner) == (22, Decimal("1200.50"), False)

"""An unlikely answer is asked back ("Did you mean 7 years old?") before a check uses it:
yes keeps it, no asks the question again."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.entitlements import PLAUSIBLE, Checks, Pending
from bot.i18n import format_money


@pytest.fixture(scope="module")
def reader(knowledge):
    return Checks(knowledge).reader("huurtoeslag")


def test_the_table_holds_the_agreed_ranges():
    assert (PLAUSIBLE["age"].low, PLAUSIBLE["age"].high) == (16, 110)
    assert (PLAUSIBLE["rent"].low, PLAUSIBLE["rent"].high) == (100, 5000)


@pytest.mark.parametrize("text, asked, slot, value", [
    ("ik ben 7", "ht_age", "ht_age", 7), ("mi tin 120 aña", "ht_age", "ht_age", 120),
    ("I am 15", "ht_age", "ht_age", 15), ("50 euro", "ht_rent", "ht_rent", Decimal("50")),
    ("mi hür ta 9000", "ht_rent", "ht_rent", Decimal("9000")), ("my rent is 99", "ht_rent", "ht_rent", Decimal("99")),
])
def test_an_unlikely_answer_is_asked_back_not_used(reader, text, asked, slot, value):
    understood = reader.read(text, asked)
    assert understood.values == {} and understood.confirm == Pending(slot, value)


@pytest.mark.parametrize("text, asked", [("16", "ht_age"), ("110", "ht_age"), ("100", "ht_rent"), ("5000", "ht_rent")])
def test_the_edges_of_the_range_are_used_at_once(reader, text, asked):
    understood = reader.read(text, asked)
    assert understood.confirm is None and asked in understood.values


@pytest.mark.parametrize("language", ["nl", "pap", "en"])
def test_the_question_names_the_value_in_the_users_language(reader, language):
    assert format_money(50, "EUR", language) in reader.read("50 euro", "ht_rent").confirm_question.text(language)
    assert "7" in reader.read("ik ben 7", "ht_age").confirm_question.text(language)


@pytest.mark.parametrize("text", ["ja", "jawel", "sí", "yes please"])
def test_yes_keeps_the_unlikely_answer(reader, text):
    understood = reader.read(text, None, pending=Pending("ht_age", 7))
    assert understood.values == {"ht_age": 7} and understood.confirm is None


@pytest.mark.parametrize("text", ["nee", "no", "nò"])
def test_no_drops_it_so_the_question_is_asked_again(reader, text):
    understood = reader.read(text, None, pending=Pending("ht_rent", Decimal("50")))
    assert understood.values == {} and understood.confirm is None and understood.problem is None


@pytest.mark.parametrize("text", ["nee, 650 euro", "no, 650", "650"])
def test_a_new_number_instead_is_a_new_answer(reader, text):
    understood = reader.read(text, None, pending=Pending("ht_rent", Decimal("50")))
    assert understood.values == {"ht_rent": Decimal("650")}


def test_anything_else_asks_yes_or_no_and_keeps_waiting(reader):
    understood = reader.read("misschien", None, pending=Pending("ht_age", 7))
    assert understood.confirm == Pending("ht_age", 7)
    assert [m.message for m in understood.messages()][0] == "Please answer yes or no."


def test_an_unlikely_value_given_in_passing_waits_for_its_own_question(reader):
    assert reader.read("ik ben 22 en betaal 40 euro huur", "ht_age").values == {"ht_age": 22}


def test_a_pending_answer_travels_in_a_slot_and_back():
    for pending in (Pending("ht_age", 7), Pending("ht_rent", Decimal("50.5"))):
        assert Pending.from_slot(pending.as_slot()) == pending
    assert Pending.from_slot({"slot": "ht_age", "value": "abc"}) is None
    assert Pending.from_slot("ht_age") is None

"""When the first message already gives answers, the reply names the rules those
answers meet before asking more; figures come from knowledge/rules and the topics."""

from __future__ import annotations

import pytest

from bot.entitlements import Checks
from bot.i18n import format_money


@pytest.fixture(scope="module")
def checks(knowledge) -> Checks:
    return Checks(knowledge)


def figure(knowledge, topic: str, name: str):
    return knowledge.topic(topic).figures[name].value


@pytest.mark.parametrize("language", ["nl", "pap", "en"])
def test_age_19_and_rent_550_in_2026_meet_the_youth_rent_limit(checks, knowledge, language):
    answers = checks.reader("huurtoeslag").read(
        {"nl": "Ik ben 19 en mijn huur is 550 euro, kan ik in 2026 huurtoeslag krijgen?",
         "pap": "Mi tin 19 aña i mi hür ta 550 euro, mi por haña huurtoeslag na 2026?",
         "en": "I am 19 and my rent is 550 euros, can I get rent benefit in 2026?"}[language], None).values
    by_name = {q.name: answers.get(q.slot) for q in checks.questions["huurtoeslag"]}
    notes = checks.rule_notes("huurtoeslag", by_name, 2026, language)
    limit = format_money(float(figure(knowledge, "huurtoeslag", "youth_rent_2026")), "EUR", language)
    youth = [note for note in notes if limit in note]
    assert youth, notes
    assert str(figure(knowledge, "huurtoeslag", "youth_max_age_2026")) in youth[0]
    assert format_money(550, "EUR", language) in youth[0]


def test_the_reply_starts_with_a_header_and_leaves_out_rules_the_answers_do_not_touch(checks):
    reply = checks.notes_reply("huurtoeslag", {"age": 19, "rent": "550"}, 2026, "en")
    lines = reply.splitlines()
    assert lines[0] == "From what you told me so far:"
    assert not any("service costs" in line or "trial calculation" in line for line in lines)


def test_an_older_person_meets_the_normal_rent_limit(checks, knowledge):
    notes = checks.rule_notes("huurtoeslag", {"age": 30, "rent": "600"}, 2026, "en")
    assert any(format_money(float(figure(knowledge, "huurtoeslag", "max_rent_2026")), "EUR", "en") in note
               for note in notes)


def test_no_answers_no_notes(checks):
    assert checks.rule_notes("huurtoeslag", {}, 2026, "en") == []
    assert checks.notes_reply("huurtoeslag", {}, 2026, "en") is None


def test_an_answer_that_cannot_be_read_gives_no_notes(checks):
    assert checks.rule_notes("huurtoeslag", {"age": "veel"}, 2026, "en") == []


def test_warmtefonds_names_the_owner_loan(checks, knowledge):
    notes = checks.rule_notes("warmtefonds", {"place": "Utrecht", "owner": True}, None, "en")
    assert any(format_money(float(figure(knowledge, "warmtefonds", "wf_loan_max")), "EUR", "en") in n for n in notes)

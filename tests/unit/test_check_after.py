"""An answer that arrives after the check has ended ("I am 30", "about 700 dollars") is
recognised; the reply says the check is finished and what it found."""

from __future__ import annotations

import pytest

from bot.entitlements import Checks, outcome_line, outcome_summary


@pytest.fixture(scope="module")
def checks(knowledge) -> Checks:
    return Checks(knowledge)


@pytest.mark.parametrize("text", [
    "I am 30", "about 700 dollars", "650", "my rent is 700 a month",
    "ik ben 30", "ongeveer 700 euro", "mijn huur is 700 euro per maand", "30 jaar",
    "mi tin 30 aña", "mas o menos 700 dollar", "mi hür ta 700",
])
def test_a_bare_answer_is_recognised(checks, text):
    assert checks.is_bare_answer(text)


@pytest.mark.parametrize("text", [
    "Hoeveel huurtoeslag krijg ik in 2026?", "Wat is de huurgrens voor 2026", "ik heb 3 kinderen en een hond",
    "hallo", "Ik ben 19 en mijn huur is 550 euro, kan ik huurtoeslag krijgen?", "Kiko ta huurtoeslag?",
    "What was the rent limit in 2025", "How do I get a BSN on Saba?",
])
def test_a_question_or_other_message_is_not(checks, text):
    assert not checks.is_bare_answer(text)


@pytest.mark.parametrize("language", ["nl", "pap", "en"])
@pytest.mark.parametrize("eligible", [True, False, None])
def test_the_reply_says_the_check_ended_and_what_it_found(checks, knowledge, language, eligible):
    outcome = {"scheme": "huurtoeslag", "year": 2026, "eligible": eligible, "stopped": False}
    reply = checks.after_check_reply(outcome, language)
    assert knowledge.topic("huurtoeslag").name(language) in reply
    assert outcome_line(eligible, language) in reply.splitlines()


@pytest.mark.parametrize("language", ["nl", "pap", "en"])
def test_without_a_finished_check_the_reply_says_none_is_running(checks, language):
    assert checks.after_check_reply(None, language) == checks.after_check_reply({"scheme": "x"}, language)
    assert checks.after_check_reply(None, language) != checks.after_check_reply(
        {"scheme": "warmtefonds", "stopped": True}, language)


def test_the_kept_outcome_holds_no_answers_or_figures(checks):
    result = checks.run(checks.from_answers("huurtoeslag", {"age": "19", "rent": "550"}, year=2026))
    summary = outcome_summary(result, "huurtoeslag")
    assert summary == {"scheme": "huurtoeslag", "year": 2026, "eligible": None, "stopped": False}

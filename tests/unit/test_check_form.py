"""The check forms' actions (actions/checks.py) over a tracker, as the action server
gets it: unlikely answers are confirmed, first-message values get their rule notes,
and an answer after the check is told the check has ended."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.checks as form_actions
from bot.entitlements import Checks, outcome_line
from bot.i18n import format_money
from bot.settings import DOMAIN_DIR


@pytest.fixture(scope="module")
def domain() -> dict:
    merged: dict = {"forms": {}, "slots": {}}
    for path in DOMAIN_DIR.rglob("*.yml"):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["forms"].update(content.get("forms") or {})
        merged["slots"].update(content.get("slots") or {})
    return merged


@pytest.fixture(autouse=True)
def project_checks(knowledge, monkeypatch):
    checks = Checks(knowledge)
    monkeypatch.setattr(form_actions, "checks", lambda: checks)
    return checks


def tracker(text: str, language: str = "en", events: list | None = None, **slots) -> Tracker:
    return Tracker("test", {"language": language, **slots}, {"text": text, "intent": {}, "entities": []},
                   events or [], False, None, {"name": "huurtoeslag_form"}, "action_listen")


def validate(domain, text: str, **slots) -> tuple[list[dict], list[str]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(form_actions.ValidateHuurtoeslagForm().run(dispatcher, tracker(text, **slots), domain))
    return events, [message["text"] for message in dispatcher.messages]


def slot_events(events: list[dict]) -> dict:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


@pytest.mark.parametrize("language, text", [
    ("nl", "Ik ben 19 en mijn huur is 550 euro, kan ik in 2026 huurtoeslag krijgen?"),
    ("pap", "Mi tin 19 aña i mi hür ta 550 euro, mi por haña huurtoeslag na 2026?"),
    ("en", "I am 19 and my rent is 550 euros, can I get rent benefit in 2026?"),
])
def test_the_first_message_fills_the_form_and_names_the_rules_it_meets(domain, knowledge, language, text):
    events, said = validate(domain, text, language=language, check_year="2026")
    assert {"ht_age": 19, "ht_rent": "550"}.items() <= slot_events(events).items()
    youth_rent = knowledge.topic("huurtoeslag").figures["youth_rent_2026"].value
    assert len(said) == 1 and format_money(float(youth_rent), "EUR", language) in said[0]


@pytest.mark.parametrize("language", ["nl", "pap", "en"])
def test_an_unlikely_age_is_confirmed_first(domain, language):
    events, said = validate(domain, "ik ben 7", language=language, requested_slot="ht_age")
    slots = slot_events(events)
    assert "ht_age" not in slots
    assert slots["check_confirm"] == {"slot": "ht_age", "value": "7"}
    assert slots["requested_slot"] == "check_confirm" and "7" in said[-1]


@pytest.mark.parametrize("text", ["ja", "sí", "yes"])
def test_yes_keeps_the_confirmed_answer(domain, text):
    events, said = validate(domain, text, requested_slot="check_confirm",
                            check_confirm={"slot": "ht_age", "value": "7"})
    slots = slot_events(events)
    assert slots["ht_age"] == 7 and slots["check_confirm"] is None
    assert slots.get("requested_slot") != "check_confirm" and said == []


@pytest.mark.parametrize("text", ["nee", "nò", "no"])
def test_no_asks_the_question_again(domain, text):
    events, _ = validate(domain, text, requested_slot="check_confirm", check_confirm={"slot": "ht_rent", "value": "50"})
    slots = slot_events(events)
    assert "ht_rent" not in slots and slots["check_confirm"] is None
    assert slots.get("requested_slot") != "check_confirm"


def test_an_unclear_reply_to_the_confirmation_asks_again(domain):
    events, said = validate(domain, "misschien", requested_slot="check_confirm",
                            check_confirm={"slot": "ht_rent", "value": "50"})
    assert slot_events(events)["requested_slot"] == "check_confirm" and len(said) == 2


@pytest.mark.parametrize("text", ["dertig of veertig", "ik heb een vraag eerst"])
def test_no_clear_answer_says_why_and_leaves_the_question_open(domain, text):
    events, said = validate(domain, text, requested_slot="ht_age")
    assert "ht_age" not in slot_events(events) and len(said) == 1


def report(text: str, language: str = "en", events: list | None = None, **slots) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    result = form_actions.ActionReportCheck().run(dispatcher, tracker(text, language, events, **slots), {})
    return result, dispatcher.messages


def test_the_report_keeps_the_short_outcome_for_the_session():
    events, _ = report("ja", check_scheme="huurtoeslag", ht_age=30, ht_rent="600", check_year="2026")
    outcome = slot_events(events)["check_outcome"]
    assert outcome["scheme"] == "huurtoeslag" and outcome["year"] == 2026 and "ht_age" not in outcome


@pytest.mark.parametrize("language, text", [("nl", "ik ben 30"), ("pap", "mi tin 30 aña"), ("en", "I am 30"),
                                            ("en", "about 700 dollars")])
def test_an_answer_after_the_check_hears_that_it_has_ended_and_what_it_found(language, text):
    outcome = {"scheme": "huurtoeslag", "year": 2026, "eligible": True, "stopped": False}
    events, messages = report(text, language, check_outcome=outcome)
    assert events == [] and outcome_line(True, language) in messages[0]["text"]
    assert messages[0]["buttons"]  # start the check again


def test_the_outcome_is_found_in_the_events_of_this_session_only():
    outcome = {"scheme": "huurtoeslag", "year": 2026, "eligible": False, "stopped": False}
    this_session = [{"event": "session_started"}, {"event": "slot", "name": "check_outcome", "value": outcome}]
    _, messages = report("I am 30", events=this_session)
    assert outcome_line(False, "en") in messages[0]["text"]
    _, messages = report("I am 30", events=[*this_session, {"event": "session_started"}])
    assert outcome_line(False, "en") not in messages[0]["text"] and not messages[0]["buttons"]


def test_a_message_that_is_no_answer_is_asked_to_say_it_another_way():
    events, messages = report("wat is dit", check_outcome={"scheme": "huurtoeslag", "eligible": True})
    assert events == [] and "another way" in messages[0]["text"]

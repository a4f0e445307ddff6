"""The desk end to end, against the real servers: a resident asks for a person over REST,
consents and gets a code; staff log in to the console (password, own password, TOTP)
and the code opens the summary. Without consent nothing is stored. Login, lockout,
CSRF and session expiry; feedback and unanswered questions reach the console."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests
from sqlalchemy import select, update

from bot.channels.rest import send
from bot.desk import desk_engine, feedback_store, handover_store, parse_code, staff_store
from bot.desk.store import sessions, staff
from tests.e2e.desk_client import Console

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3})\b")


def turn(assistant, sender: str, text: str) -> list[dict]:
    return send(assistant.rest_url, sender, text)


def text_of(messages: list[dict]) -> str:
    return "\n".join(str(message.get("text") or "") for message in messages)


def payloads(messages: list[dict]) -> list[str]:
    return [str(button["payload"]) for message in messages for button in message.get("buttons") or []]


@pytest.fixture(scope="module")
def staff_member(assistant):
    name = f"medewerker-{uuid.uuid4().hex[:6]}"
    console = Console(assistant.url)
    console.first_login(name, staff_store().add(name))
    return name, console


def test_asking_for_a_person_consenting_and_the_code_opens_the_summary(assistant, staff_member):
    sender = uuid.uuid4().hex
    turn(assistant, sender, "Mijn huurtoeslag is stopgezet na een verhuizing, wat moet ik doen?")
    offer = turn(assistant, sender, "ik wil een medewerker")
    assert "/handover_consent" in payloads(offer) and "/handover_declined" in payloads(offer)
    assert "14" in text_of(offer) and "BSN" in text_of(offer)  # what is shared and for how long, before asking
    before = {handover.code for handover in handover_store().open()}
    reply = turn(assistant, sender, "/handover_consent")
    code = CODE.search(text_of(reply)).group(1)
    assert {handover.code for handover in handover_store().open()} - before == {parse_code(code)}
    assert "/vergeet" in text_of(reply) and "14" in text_of(reply) and "Informatiepunt" in text_of(reply)
    assert "/withdraw_handover" in payloads(reply)

    _, console = staff_member
    console.get("/handover")
    opened = console.post("/handover", {"code": code.lower()})
    assert opened.status_code == 200
    assert "Mijn huurtoeslag is stopgezet na een verhuizing" in opened.text
    assert "Vraag:" in opened.text and "Gesprek" in opened.text
    listed = console.http.get(f"{console.base}/api/handovers", timeout=30).json()
    assert listed and not any(code in str(row) for row in listed)  # a handover opens only with its code
    console.get("/handover")
    console.post("/handover", {"code": code})
    handled = console.post("/handover/handled", {"code": code})
    assert handled.status_code == 200 and handover_store().get(code) is None
    actions = [(entry.action, entry.code) for entry in staff_store().audit_entries()]
    assert ("opened", parse_code(code)) in actions and ("handled", parse_code(code)) in actions


def test_without_consent_no_handover_exists(assistant):
    before = {handover.code for handover in handover_store().open()}
    sender = uuid.uuid4().hex
    turn(assistant, sender, "Ik heb een vraag over mijn WOZ-waarde")
    turn(assistant, sender, "kan ik een mens spreken")
    reply = turn(assistant, sender, "nee")
    assert "Informatiepunt Digitale Overheid" in text_of(reply)  # the usual referral
    assert {handover.code for handover in handover_store().open()} == before


def test_a_withdrawn_code_is_gone(assistant):
    sender = uuid.uuid4().hex
    turn(assistant, sender, "I want to talk to a human")
    code = CODE.search(text_of(turn(assistant, sender, "yes"))).group(1)
    assert handover_store().get(code) is not None
    reply = turn(assistant, sender, "/withdraw_handover")
    assert "withdrawn" in text_of(reply) and handover_store().get(code) is None


def test_papiamentu_consent_reply_names_the_island_desk(assistant):
    sender = uuid.uuid4().hex
    turn(assistant, sender, "Mi ta biba na Boneiru")
    offer = turn(assistant, sender, "mi ke papia ku un hende")
    assert "kódigo" in text_of(offer)
    reply = turn(assistant, sender, "/handover_consent")
    assert "Boneiru" in text_of(reply) and CODE.search(text_of(reply))


def test_every_console_page_needs_a_session(assistant):
    base = f"{assistant.url}/desk"
    for path in ("/", "/handover", "/lookup?q=huurtoeslag", "/check", "/gaps", "/feedback", "/audit"):
        response = requests.get(base + path, allow_redirects=False, timeout=30)
        assert response.status_code == 303 and response.headers["Location"] == "/desk/login", path
    assert requests.get(base + "/api/handovers", timeout=30).status_code == 401
    for path in ("/handover", "/handover/handled", "/gaps/added", "/check", "/logout"):
        assert requests.post(base + path, data={"code": "ABC-234"}, allow_redirects=False,
                             timeout=30).status_code == 401, path


def test_a_form_without_its_csrf_token_is_refused(assistant, staff_member):
    _, console = staff_member
    console.get("/handover")
    assert console.post("/handover", {"code": "ABC-234"}, csrf=False).status_code == 403
    assert console.post("/handover", {"code": "ABC-234", "csrf_token": "another-token"}, csrf=False).status_code == 403
    other = Console(assistant.url)
    other.get("/login")
    stolen = other.csrf()  # a token of another (anonymous) session does not count either
    assert console.post("/handover", {"code": "ABC-234", "csrf_token": stolen}, csrf=False).status_code == 403
    assert console.post("/handover", {"code": "ABC-234"}).status_code == 404  # with its own token: looked up


def test_a_wrong_or_bad_code_gets_a_clear_message(assistant, staff_member):
    _, console = staff_member
    console.get("/handover")
    bad = console.post("/handover", {"code": "ABC-0O1"})
    assert bad.status_code == 400 and "6 letters" in bad.text
    console.get("/handover")
    assert console.post("/handover", {"code": "ZZZ-999"}).status_code == 404


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(assistant):
    name = f"lock-{uuid.uuid4().hex[:6]}"
    console = Console(assistant.url)
    console.first_login(name, staff_store().add(name))
    console.post("/logout", {})
    intruder = Console(assistant.url)
    for _ in range(5):
        intruder.get("/login")
        assert intruder.post("/login", {"name": name, "password": "geraden-wachtwoord"}).status_code == 401
    assert staff_store().account(name) is not None
    with desk_engine().connect() as connection:
        locked_until = connection.execute(select(staff.c.locked_until).where(staff.c.name == name)).scalar_one()
    assert 14 * 60 < locked_until - time.time() <= 15 * 60
    # now even the right password is refused, with the same answer as a wrong one
    console.get("/login")
    response = console.post("/login", {"name": name, "password": "een-eigen-wachtwoord-2026"})
    assert response.status_code == 401 and "15 minuten" in response.text
    assert 'action="/desk/second-factor"' not in response.text
    unknown = Console(assistant.url)
    unknown.get("/login")
    guessed = unknown.post("/login", {"name": "niemand-" + name, "password": "geraden-wachtwoord"})
    assert guessed.status_code == 401 and guessed.text.count("15 minuten") == response.text.count("15 minuten")


def test_a_session_idle_for_eight_hours_has_expired(assistant):
    name = f"idle-{uuid.uuid4().hex[:6]}"
    console = Console(assistant.url)
    console.first_login(name, staff_store().add(name))
    assert console.get("/handover").status_code == 200
    with desk_engine().begin() as connection:  # 8 hours and a second without a request
        connection.execute(update(sessions).where(sessions.c.staff_id == staff_store().account(name).id)
                           .values(last_seen=time.time() - 8 * 3600 - 1))
    response = console.get("/handover")
    assert response.status_code == 303 and response.headers["Location"] == "/desk/login"


def test_feedback_and_unanswered_questions_reach_the_console(assistant, staff_member):
    sender = uuid.uuid4().hex
    answer = turn(assistant, sender, "Wat is de Warmtefonds lening?")
    assert "Heeft dit geholpen?" in text_of(answer)
    rated = [p for p in payloads(answer) if p.startswith("/feedback_not_helpful")]
    assert rated and "warmtefonds" in rated[0]
    reply = turn(assistant, sender, "nee")  # typed, right after the question: feedback
    assert "/request_human" in payloads(reply)
    turn(assistant, sender, "ik zocht de rente voor een VvE in 2027")
    rows = {row.topic: row for row in feedback_store().per_topic()}
    assert rows["warmtefonds"].not_helpful >= 1
    assert "ik zocht de rente voor een VvE in 2027" in rows["warmtefonds"].comments

    _, console = staff_member
    page = console.get("/feedback").text
    assert "ik zocht de rente voor een VvE in 2027" in page and "Warmtefonds" in page
    assert "Wat is de Warmtefonds lening?" in console.get("/gaps").text


def test_a_typed_yes_elsewhere_is_neither_feedback_nor_consent(assistant):
    ratings = sum(row.total for row in feedback_store().per_topic())
    handovers = len(handover_store().open())
    sender = uuid.uuid4().hex
    turn(assistant, sender, "hallo")
    reply = turn(assistant, sender, "ja")
    assert sum(row.total for row in feedback_store().per_topic()) == ratings
    assert len(handover_store().open()) == handovers
    assert not CODE.search(text_of(reply))


def test_the_lookup_and_check_pages_use_the_same_search_and_engine(assistant, staff_member):
    _, console = staff_member
    page = console.get("/lookup?q=huurtoeslag").text
    assert "Huurtoeslag" in page and "toeslagen.nl" in page
    console.get("/check?scheme=huurtoeslag")
    result = console.post("/check", {"scheme": "huurtoeslag", "age": "30", "rent": "650", "assets": "1000",
                                     "partner": "nee", "independent": "ja", "registered": "ja", "residence": "ja"})
    assert result.status_code == 200 and "Bron" in result.text


def test_a_check_that_cannot_tell_yet_offers_a_handover_with_its_answers(assistant):
    sender = uuid.uuid4().hex
    reply = turn(assistant, sender, '/ask_huurtoeslag{"check": "yes"}')
    for _ in range(12):  # "I don't know" to every question, until the outcome
        if "/handover_consent" in payloads(reply):
            break
        reply = turn(assistant, sender, "weet ik niet")
    assert "/handover_consent" in payloads(reply), text_of(reply)
    reply = turn(assistant, sender, "ja")
    code = CODE.search(text_of(reply)).group(1)
    made = handover_store().get(code)
    assert made.outcome["scheme"] == "huurtoeslag" and made.outcome["eligible"] is None
    assert "huurtoeslag" in made.topics and made.outcome["text"]["nl"]


def test_the_last_fallback_stage_offers_a_handover_and_logs_the_question(assistant):
    sender = uuid.uuid4().hex
    first = turn(assistant, sender, "Hoeveel hondenbelasting betaal ik in Zwolle voor twee honden?")
    assert "/handover_consent" not in payloads(first)  # the first stage offers topics, or asks again
    # not understood again: giving up honestly, with the offer of a person
    replies = [turn(assistant, sender, "/nlu_fallback") for _ in range(2)]
    offered = [reply for reply in replies if "/handover_consent" in payloads(reply)]
    assert offered, [text_of(reply) for reply in replies]
    examples = [example for group in feedback_store().gap_groups() for example in group.examples]
    assert "Hoeveel hondenbelasting betaal ik in Zwolle voor twee honden?" in examples

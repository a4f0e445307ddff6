"""Privacy end to end: the statement, forgetting a conversation (0 rows after it),
old conversations deleted while the server runs, and what a new session keeps."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.channels.rest import send
from bot.privacy.retention import SECONDS_PER_DAY, count_events
from bot.tooling.servers import Servers, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def widget(assistant: Servers, conversation: str, text_: str) -> dict:
    body = json.dumps({"conversation_id": conversation, "message_id": str(uuid.uuid4()), "text": text_}).encode()
    request = urllib.request.Request(f"{assistant.url}/chat/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - localhost
        return json.load(response)


def texts(reply: dict) -> str:
    return "\n".join(message["text"] for message in reply["messages"])


@pytest.mark.parametrize("command, language, expected", [
    ("/privacy", "nl", "Wbp BES"), ("/privacy", "en", "Wbp BES"), ("/privacy", "pap", "Wbp BES")])
def test_the_privacy_statement_in_each_language(assistant, command, language, expected):
    conversation = str(uuid.uuid4())
    greeting = {"nl": "Hallo", "en": "Hello there", "pap": "Bon dia"}[language]
    widget(assistant, conversation, greeting)
    statement = texts(widget(assistant, conversation, command))
    assert expected in statement and "30" in statement  # the retention period in days
    assert {"nl": "/vergeet", "en": "/forget", "pap": "/lubidá"}[language] in statement


@pytest.mark.parametrize("command", ["/vergeet", "/forget", "/lubidá"])
def test_forgetting_asks_first_then_deletes_every_row(assistant, command):
    conversation = str(uuid.uuid4())
    sender = f"widget-{conversation}"
    engine = create_engine(assistant.tracker_database, future=True)
    widget(assistant, conversation, "Wat is huurtoeslag?")
    asked = widget(assistant, conversation, command)
    buttons = [button["payload"] for message in asked["messages"] for button in message["buttons"]]
    assert buttons == ["/forget_confirmed", "/forget_cancelled"]
    assert count_events(engine, sender) > 0  # nothing deleted before the yes
    done = widget(assistant, conversation, "/forget_confirmed")
    assert done["forgotten"] is True and texts(done)
    assert count_events(engine, sender) == 0
    with urllib.request.urlopen(f"{assistant.url}/chat/history?conversation_id={conversation}") as response:  # noqa: S310
        assert json.load(response)["messages"] == []


def test_no_keeps_the_conversation(assistant):
    conversation = str(uuid.uuid4())
    engine = create_engine(assistant.tracker_database, future=True)
    widget(assistant, conversation, "What is DigiD?")
    widget(assistant, conversation, "/forget")
    kept = widget(assistant, conversation, "/forget_cancelled")
    assert kept["forgotten"] is False and "keep" in texts(kept)
    assert count_events(engine, f"widget-{conversation}") > 0


def test_forgetting_over_rest_with_the_token_deletes_the_channels_conversation(assistant):
    sender = f"telegram-{uuid.uuid4().int % 10**9}"
    engine = create_engine(assistant.tracker_database, future=True)
    send(assistant.rest_url, sender, "Wat is huurtoeslag?", token=assistant.rest_token)
    send(assistant.rest_url, sender, "/vergeet", token=assistant.rest_token)
    reply = send(assistant.rest_url, sender, "/forget_confirmed", token=assistant.rest_token)
    assert all("custom" not in message for message in reply)  # the mark never reaches a client
    assert count_events(engine, sender) == 0


def test_a_new_session_keeps_language_and_place_but_not_a_checks_answers(assistant):
    sender = f"session-{uuid.uuid4().hex}"
    send(assistant.rest_url, sender, "English please", token=assistant.rest_token)
    send(assistant.rest_url, sender, "Am I eligible for rent benefit? I'm 30 and my rent is 700 euro",
         token=assistant.rest_token)
    send(assistant.rest_url, sender, "/session_start", token=assistant.rest_token)
    engine = create_engine(assistant.tracker_database, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": sender}).all()
    last_session = [json.loads(data) for type_name, data in rows][max(
        i for i, (type_name, _) in enumerate(rows) if type_name == "session_started"):]
    kept = {event["name"]: event["value"] for event in last_session if event.get("event") == "slot"}
    assert kept.get("language") == "en" and kept.get("language_choice") == "en"
    assert not {"ht_age", "ht_rent", "check_scheme"} & set(kept)


def test_old_conversations_are_deleted_while_the_server_runs(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    servers = Servers(rasa_port=free_port(), actions_port=free_port(), tracker_url=tracker, purge_interval=1)
    with servers:
        send(servers.rest_url, "old-one", "Wat is huurtoeslag?", token=servers.rest_token)
        send(servers.rest_url, "new-one", "Wat is huurtoeslag?", token=servers.rest_token)
        engine = create_engine(tracker, future=True)
        with engine.begin() as connection:  # backdate one conversation by 31 days
            connection.execute(text("UPDATE events SET timestamp = timestamp - :age WHERE sender_id = 'old-one'"),
                               {"age": 31 * SECONDS_PER_DAY})
        deadline = time.monotonic() + 15
        while count_events(engine, "old-one") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert count_events(engine, "old-one") == 0
        assert count_events(engine, "new-one") > 0


PERSONAL = {  # one of each kind Loket redacts; valid checksums, made up
    "BSN": "111222333",
    "IBAN": "NL91 ABNA 0417 1643 00",
    "PHONE": "06-12345678",
    "PHONE_BQ": "+599 717 1234",
    "EMAIL": "j.jansen@voorbeeld.nl",
    "DATE_OF_BIRTH": "12-03-1985",
    "ID_NUMBER": "SPECI2014",
}


def test_no_file_loket_wrote_holds_the_personal_data_a_user_typed(assistant, reports_dir):
    conversation = str(uuid.uuid4())
    messages = [f"Mijn BSN is {PERSONAL['BSN']}, klopt mijn huurtoeslag?",
                f"Het geld mag naar {PERSONAL['IBAN']}", f"Bel me op {PERSONAL['PHONE']} of {PERSONAL['PHONE_BQ']}",
                f"Mail naar {PERSONAL['EMAIL']}", f"Ik ben geboren op {PERSONAL['DATE_OF_BIRTH']}",
                f"Mijn paspoort heeft nummer {PERSONAL['ID_NUMBER']}"]
    for message in messages:
        widget(assistant, conversation, message)
        send(assistant.rest_url, f"telegram-{uuid.uuid4().int % 10**9}", message, token=assistant.rest_token)
    # Understanding did not suffer: an amount in the same breath is still read.
    reply = texts(widget(assistant, conversation, "Mijn BSN is 111222333 en ik betaal 650 euro huur"))
    assert reply
    written = [path for folder in (assistant.log_dir, reports_dir) for path in folder.rglob("*") if path.is_file()]
    tracker_file = assistant.tracker_database.removeprefix("sqlite:///")
    written.append(Path(tracker_file))
    found = {name: [str(path) for path in written if value.encode() in path.read_bytes()]
             for name, value in PERSONAL.items()}
    assert not any(found.values()), found
    engine = create_engine(assistant.tracker_database, future=True)
    with engine.connect() as connection:
        stored = " ".join(connection.execute(text(
            "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": f"widget-{conversation}"}
        ).scalars())
    assert "[BSN]" in stored and "[IBAN]" in stored and "[EMAIL]" in stored and "[DATE_OF_BIRTH]" in stored

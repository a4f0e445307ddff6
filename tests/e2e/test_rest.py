"""End to end: the real action server and Rasa server, over the REST channel."""

from __future__ import annotations

import uuid

import pytest

from bot.language import project_detector
from bot.servers import Servers, free_port, send

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def assistant(database_url, tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("DATABASE_URL", database_url)
    tracker = f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.db'}"
    with Servers(rasa_port=free_port(), actions_port=free_port(), tracker_url=tracker) as servers:
        yield servers


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def detector():
    return project_detector()


def ask(assistant: Servers, text: str, sender: str | None = None) -> str:
    messages = send(assistant.rest_url, sender or uuid.uuid4().hex, text)
    assert messages, f"no reply to {text!r}"
    return "\n".join(str(message.get("text", "")) for message in messages)


@pytest.mark.parametrize(
    "question, language, fact, source",
    [
        ("Wat verandert er aan de huurtoeslag?", "nl", "1 januari 2026", "Bron: "),
        ("Kiko ta kambia na huurtoeslag?", "pap", "1 Yanüari 2026", "Fuente: "),
        ("What changes in rent benefit?", "en", "1 January 2026", "Source: "),
    ],
)
def test_huurtoeslag_question_in_each_language(assistant, detector, question, language, fact, source):
    reply = ask(assistant, question)
    assert fact in reply
    assert "932" in reply  # the 2026 ceiling
    assert "2024" in reply  # what the 2024 budget planned
    source_line = reply.splitlines()[-1]
    assert source_line.startswith(source) and "overtoeslagen.nl" in source_line
    assert detector.detect(reply.split("\n\n")[0]).language == language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik wil graag met een echt mens praten", "Informatiepunt Digitale Overheid"),
        ("Wat voor weer wordt het morgen in Utrecht?", "Informatiepunt Digitale Overheid"),
        ("what's the weather like tomorrow", "Sorry, I can't answer that"),
    ],
)
def test_out_of_scope_and_handover_point_to_a_person(assistant, text, expected):
    assert expected in ask(assistant, text)


def test_a_conversation_keeps_its_language_over_short_messages(assistant):
    sender = uuid.uuid4().hex
    assert "Bon dia" in ask(assistant, "Bon dia", sender)
    reply = ask(assistant, "Kiko ta e Warmtefonds?", sender)
    assert "Fuente:" in reply
    assert "Di nada" in ask(assistant, "Masha danki", sender)


def test_capabilities_in_english(assistant):
    reply = ask(assistant, "What can you do?")
    assert "Housing and rent" in reply and "Caribbean Netherlands" in reply

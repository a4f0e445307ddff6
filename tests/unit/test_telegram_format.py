"""Telegram replies (escaping, splitting, buttons) and reading updates, without a network."""

from __future__ import annotations

import pytest

from bot.channels.messages import BotMessage, Button
from bot.channels.telegram_format import (
    MAX_CALLBACK_BYTES,
    MAX_MESSAGE_CHARS,
    NOTICES,
    PayloadBook,
    notice,
    outgoing_messages,
    read_update,
    split_text,
    to_html,
)


def test_text_is_escaped_for_html_and_the_source_set_apart():
    html = to_html("Huur < € 932 & meer <b>niet vet</b>\n\nBron: BZK 2024 (Wonen & Bouwen)")
    assert html == ("Huur &lt; € 932 &amp; meer &lt;b&gt;niet vet&lt;/b&gt;\n\n"
                    "<i>Bron: BZK 2024 (Wonen &amp; Bouwen)</i>")
    assert to_html("Fuente: x").startswith("<i>") and to_html("Source: x").startswith("<i>")


def test_a_long_reply_is_split_at_paragraphs_within_the_limit():
    paragraphs = [f"Alinea {number}. " + "woord " * 150 for number in range(12)]
    text = "\n\n".join(paragraphs)
    parts = split_text(text)
    assert len(text) > MAX_MESSAGE_CHARS and len(parts) > 1
    assert all(len(part) <= MAX_MESSAGE_CHARS for part in parts)
    assert all(part.startswith("Alinea") for part in parts)  # never in the middle of a paragraph
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())  # nothing lost


def test_a_reply_without_breaks_is_still_split():
    parts = split_text("x" * 9000)
    assert [len(part) for part in parts] == [4096, 4096, 808]


def test_buttons_go_on_the_last_part_only():
    reply = BotMessage("a " * 3000, (Button("Ja", "/affirm"),))
    messages = outgoing_messages([reply])
    assert len(messages) == 2
    assert messages[0].buttons == () and messages[1].buttons == reply.buttons


def test_long_payloads_become_short_keys_that_read_back():
    book = PayloadBook(size=2)
    short = '/switch_language{"language_choice": "pap"}'
    long = '/ask_huurtoeslag{"check": "yes", "island": "sint_eustatius", "year": "2026"}'
    assert book.callback_data(short) == short
    key = book.callback_data(long)
    assert len(key.encode()) <= MAX_CALLBACK_BYTES and book.payload(key) == long
    book.callback_data(long + "1")
    book.callback_data(long + "2")
    assert book.payload(key) is None  # forgotten: the button has expired


def chat_message(**content):
    return {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "A", "language_code": "en-GB"}, **content}


@pytest.mark.parametrize(
    "text, texts",
    [
        ("/start", ('/greet{"language": "en"}', "/switch_language")),
        ("/taal pap", ('/switch_language{"language_choice": "pap"}',)),
        ("/language@loket_bot Nederlands", ('/switch_language{"language_choice": "nl"}',)),
        ("/idioma", ("/switch_language",)),
        ("/help", ("/capabilities",)),
        ("/huurtoeslag", ("huurtoeslag",)),
        ("Wat is huurtoeslag?", ("Wat is huurtoeslag?",)),
    ],
)
def test_commands_and_text(text, texts):
    inbound = read_update({"update_id": 1, "message": chat_message(text=text)})
    assert inbound.texts == texts and inbound.chat_id == 5 and inbound.language_hint == "en"


@pytest.mark.parametrize(
    "update, kind",
    [
        ({"message": chat_message(sticker={"file_id": "s"})}, "non_text"),
        ({"message": chat_message(voice={"file_id": "v"})}, "non_text"),
        ({"message": chat_message(photo=[{"file_id": "p"}], caption="Is dit mijn brief?")}, "caption"),
        ({"edited_message": chat_message(text="x")}, "edited"),
        ({"channel_post": {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel"}}}, "channel"),
        ({"my_chat_member": {"chat": {"id": 5}}}, "ignored"),
        ({"message": "not an object"}, "ignored"),
        ({}, "ignored"),
    ],
)
def test_updates_that_are_not_plain_text(update, kind):
    assert read_update({"update_id": 1, **update}).kind == kind


def test_a_button_press():
    inbound = read_update({"update_id": 1, "callback_query": {
        "id": "c1", "data": "/affirm", "from": {"id": 5, "language_code": "pap"},
        "message": {"message_id": 9, "chat": {"id": 5}}}})
    assert (inbound.kind, inbound.chat_id, inbound.callback_data, inbound.message_id, inbound.language_hint) == (
        "callback", 5, "/affirm", 9, "pap")


@pytest.mark.parametrize("language", ["nl", "pap"])
def test_every_notice_is_translated(language):
    for key, english in NOTICES.items():
        assert notice(key, language) != english, (language, key)

"""Telegram replies (escaping, splitting, buttons) and /commands, without a network."""

from __future__ import annotations

import pytest
from telegram import User
from telegram.ext import InvalidCallbackData

from bot.channels.messages import BotMessage, Button
from bot.channels.telegram_buttons import MAX_CALLBACK_BYTES, PayloadBook
from bot.channels.telegram_format import (
    MAX_MESSAGE_CHARS,
    NOTICES,
    command_texts,
    language_hint,
    notice,
    outgoing_messages,
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


def test_a_reply_of_buttons_only_still_has_a_text():
    [message] = outgoing_messages([BotMessage("", (Button("Ja", "/affirm"),))])
    assert message.html == "\u2026" and message.buttons == (Button("Ja", "/affirm"),)


def test_long_payloads_become_short_keys_that_read_back_until_they_expire():
    book = PayloadBook(size=2)
    short = '/switch_language{"language_choice": "pap"}'
    long = '/ask_huurtoeslag{"check": "yes", "island": "sint_eustatius", "year": "2026"}'
    assert book.callback_data(short) == short and book.payload(short) == short
    key = book.callback_data(long)
    assert len(key.encode()) <= MAX_CALLBACK_BYTES and book.payload(key) == long
    book.callback_data(long + "1")
    book.callback_data(long + "2")
    expired = book.payload(key)  # forgotten: the button has expired, as PTB's cache says it
    assert isinstance(expired, InvalidCallbackData) and expired.callback_data == key
    assert isinstance(PayloadBook().payload(key), InvalidCallbackData)  # after a restart
    assert isinstance(book.payload(None), InvalidCallbackData)


def test_a_keyboard_has_one_button_a_row_with_its_callback_data():
    book = PayloadBook()
    long = "/ask_huurtoeslag" + "x" * 80
    keyboard = book.keyboard((Button("Ja", "/affirm"), Button("Check", long)))
    assert keyboard is not None
    rows = [[(button.text, button.callback_data) for button in row] for row in keyboard.inline_keyboard]
    assert rows[0] == [("Ja", "/affirm")]
    [[(title, data)]] = rows[1:]
    assert title == "Check" and book.payload(str(data)) == long
    assert book.keyboard(()) is None


@pytest.mark.parametrize(
    "text, texts",
    [
        ("/start", ('/greet{"language": "en"}', "/switch_language")),
        ("/taal pap", ('/switch_language{"language_choice": "pap"}',)),
        ("/language@loket_bot Nederlands", ('/switch_language{"language_choice": "nl"}',)),
        ("/idioma", ("/switch_language",)),
        ("/help", ("/capabilities",)),
        ("/yudá", ("/capabilities",)),
        ("/huurtoeslag", ("huurtoeslag",)),
        ("/warmte_fonds nu", ("warmte fonds nu",)),
        ("Wat is huurtoeslag?", None),
        ("/ 2", None),
    ],
)
def test_commands(text, texts):
    assert command_texts(text, "en") == texts


def test_start_without_a_language_hint_just_greets():
    assert command_texts("/start", None) == ("/greet", "/switch_language")


@pytest.mark.parametrize("code, hint", [("en-GB", "en"), ("pap", "pap"), ("NL", "nl"), ("de", None), (None, None)])
def test_the_users_telegram_language_is_a_hint_only_if_loket_speaks_it(code, hint):
    assert language_hint(User(5, "A", False, language_code=code)) == hint
    assert language_hint(None) is None


@pytest.mark.parametrize("language", ["nl", "pap"])
def test_every_notice_is_translated(language):
    for key, english in NOTICES.items():
        assert notice(key, language) != english, (language, key)

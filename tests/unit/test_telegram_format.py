"""Telegram replies (escaping, splitting, buttons) and /commands, without a network."""

from __future__ import annotations

import logging

import pytest
from telegram import User
from telegram.ext import InvalidCallbackData

from bot import LANGUAGES
from bot.channels.messages import BotMessage, Button
from bot.channels.telegram_buttons import MAX_CALLBACK_BYTES, keyboard, payload
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
from bot.dialogue import names
from bot.knowledge import load_valid_knowledge


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


def test_a_keyboard_has_one_button_a_row_with_its_payload_as_callback_data():
    markup = keyboard((Button("Ja", "/affirm"), Button("Papiamentu", '/switch_language{"language_choice": "pap"}')))
    assert markup is not None
    rows = [[(button.text, button.callback_data) for button in row] for row in markup.inline_keyboard]
    assert rows == [[("Ja", "/affirm")], [("Papiamentu", '/switch_language{"language_choice": "pap"}')]]
    assert keyboard(()) is None


def test_a_payload_over_64_bytes_is_left_out_of_the_keyboard_with_a_warning(caplog):
    fits = "/ask_" + "x" * (MAX_CALLBACK_BYTES - 5)
    too_long = "/ask_" + "é" * 30  # 35 characters, but 65 bytes
    with caplog.at_level(logging.WARNING, logger="loket.telegram"):
        markup = keyboard((Button("Te lang", too_long), Button("Past", fits)))
        assert keyboard((Button("Te lang", too_long),)) is None
    assert markup is not None
    assert [[(button.text, button.callback_data) for button in row] for row in markup.inline_keyboard] == [
        [("Past", fits)]]
    assert caplog.text.count("left out") == 2 and too_long in caplog.text


@pytest.mark.parametrize("data", ['/ask_huurtoeslag{"check": "yes"}', "/out_of_scope"])
def test_a_pressed_button_is_its_payload(data):
    assert payload(data) == data


def test_a_yes_and_its_no_share_a_row_beside_the_check_button():
    buttons = [Button("Check if I qualify", "/ask_huurtoeslag{\"check\": \"yes\"}"),
               Button("Ja", names.payload(names.FEEDBACK_HELPFUL_INTENT, programme="huurtoeslag")),
               Button("Nee", names.payload(names.FEEDBACK_NOT_HELPFUL_INTENT, programme="huurtoeslag")),
               Button("Other", "/ask_digid")]
    rows = keyboard(buttons).inline_keyboard
    assert [[key.text for key in row] for row in rows] == [["Check if I qualify"], ["Ja", "Nee"], ["Other"]]


@pytest.mark.parametrize("data", [None, "", "#5d41402abc4b2a76b9719d911017c592", "game:42"])
def test_data_that_is_no_loket_payload_is_invalid_so_the_button_has_expired(data):
    pressed = payload(data)
    assert isinstance(pressed, InvalidCallbackData) and pressed.callback_data == data


def test_every_payload_loket_makes_fits_telegrams_callback_data():
    topics = load_valid_knowledge().topics
    payloads = [names.payload(names.topic_intent(key)) for key in topics]
    payloads += [names.check_payload(key) for key in topics]
    payloads += [names.switch_language_payload(language) for language in LANGUAGES]
    payloads += [names.switch_language_payload(), "/out_of_scope"]
    payloads += [names.payload(intent, programme=key) for key in topics
                 for intent in (names.FEEDBACK_HELPFUL_INTENT, names.FEEDBACK_NOT_HELPFUL_INTENT)]
    payloads += [names.payload(intent) for pair in names.YES_NO_QUESTIONS for intent in pair]
    assert len(topics) > 10
    too_long = [data for data in payloads if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES]
    assert too_long == []
    assert all(payload(data) == data for data in payloads)


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

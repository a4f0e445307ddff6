"""What channels show of a conversation, and how they check what the widget sends."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.channels.locks import ConversationLocks
from bot.channels.messages import (
    MAX_MESSAGE_CHARS,
    BadRequest,
    BotMessage,
    Button,
    RestMessage,
    UserMessage,
    bot_messages,
    command_payload,
    conversation_history,
    incoming_message,
    replies_to,
    rest_message,
    sender_id,
    without_forget_mark,
)

EVENTS = [
    {"event": "action", "name": "action_session_start"},
    {"event": "user", "text": "Wat is huurtoeslag?", "message_id": "m1"},
    {"event": "bot", "text": "Huurtoeslag is …", "data": {"buttons": [{"title": "Kijk", "payload": "/ask_x"}]}},
    {"event": "user", "text": "/ask_x", "message_id": "m2", "metadata": {"shown_as": "Kijk"}},
    {"event": "bot", "text": "Hoe oud ben je?", "data": {}},
    {"event": "bot", "text": "", "data": {}},
    {"event": "slot", "name": "topic", "value": "x"},
    {"event": "bot", "text": "Typ een getal.", "data": None},
]


def test_history_shows_what_the_person_saw():
    assert conversation_history(EVENTS) == [
        UserMessage("Wat is huurtoeslag?", "m1"),
        BotMessage("Huurtoeslag is …", (Button("Kijk", "/ask_x"),)),
        UserMessage("Kijk", "m2"),  # the button's title, not its payload
        BotMessage("Hoe oud ben je?"),
        BotMessage("Typ een getal."),
    ]


def test_replies_to_a_handled_message_are_found_again():
    assert replies_to(EVENTS, "m2") == [BotMessage("Hoe oud ben je?"), BotMessage("Typ een getal.")]
    assert replies_to(EVENTS, "m1") == [BotMessage("Huurtoeslag is …", (Button("Kijk", "/ask_x"),))]
    assert replies_to(EVENTS, "m3") is None


def test_rest_replies_without_text_or_buttons_are_dropped():
    raw = [{"recipient_id": "a", "text": "Hallo"}, {"recipient_id": "a"},
           {"recipient_id": "a", "buttons": [{"title": "Ja", "payload": "/affirm"}, {"title": "kapot"}]}]
    assert bot_messages(raw) == [BotMessage("Hallo"), BotMessage("", (Button("Ja", "/affirm"),))]


def good_body(**changes):
    body = {"conversation_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4()), "text": " Hallo "}
    body.update(changes)
    return body


def test_a_good_message_is_taken_and_trimmed():
    body = good_body(shown_as="English")
    message = incoming_message(body)
    assert (message.conversation_id, message.text, message.shown_as) == (body["conversation_id"], "Hallo", "English")


@pytest.mark.parametrize(
    "body, problem",
    [
        ([], "JSON object"),
        (good_body(conversation_id="../../etc"), "conversation_id"),
        (good_body(message_id=7), "message_id"),
        (good_body(text="   "), "text"),
        (good_body(text=None), "text"),
        (good_body(text="a" * (MAX_MESSAGE_CHARS + 1)), "longer than"),
        (good_body(shown_as=["x"]), "shown_as"),
    ],
)
def test_a_bad_message_is_refused_with_the_reason(body, problem):
    with pytest.raises(BadRequest, match=problem):
        incoming_message(body)


def test_channels_never_share_a_conversation():
    assert sender_id("widget", "1") != sender_id("telegram", "1")


def test_a_conversation_is_handled_one_message_at_a_time_in_order():
    locks = ConversationLocks()
    handled: list[str] = []

    async def handle(conversation: str, text: str, pause: float) -> None:
        async with locks(conversation):
            await asyncio.sleep(pause)
            handled.append(text)

    async def main() -> None:
        await asyncio.gather(handle("a", "first", 0.05), handle("a", "second", 0), handle("b", "other", 0))

    asyncio.run(main())
    assert handled == ["other", "first", "second"]
    assert locks("a") is locks("a") and locks("a") is not locks("b")


@pytest.mark.parametrize("body", [None, [], "hallo", {}, {"sender": "a"}, {"sender": "", "message": "hoi"},
                                  {"sender": "a" * 129, "message": "hoi"}, {"sender": "a", "message": 5},
                                  {"sender": "a", "message": "\ud800"}, {"sender": "a", "message": "x" * 2001}])
def test_a_rest_body_that_is_not_a_message_is_refused(body):
    with pytest.raises(BadRequest):
        rest_message(body, trusted=False)


@pytest.mark.parametrize("trusted, expected", [(False, "rest-widget-1234"), (True, "widget-1234")])
def test_only_a_trusted_rest_caller_addresses_another_channels_conversation(trusted, expected):
    assert rest_message({"sender": "widget-1234", "message": " Hallo "}, trusted) == RestMessage(expected, "Hallo")


@pytest.mark.parametrize("typed, expected", [("/vergeet", "/forget"), ("/Forget", "/forget"), ("/lubidá", "/forget"),
                                             ("/lubida", "/forget"), ("/vergeet@LoketBot", "/forget"),
                                             ("/privacy", "/privacy"), ("vergeet", None), ("/vergeet mij", None),
                                             ("/huurtoeslag", None)])
def test_the_forget_and_privacy_commands_of_three_languages(typed, expected):
    assert command_payload(typed) == expected


def test_the_forget_mark_is_taken_out_of_the_reply():
    replies = [{"recipient_id": "x", "text": "Klaar"}, {"recipient_id": "x", "custom": {"loket": "forget"}}]
    assert without_forget_mark(replies) == ([replies[0]], True)
    assert without_forget_mark(replies[:1]) == (replies[:1], False)


def test_a_sender_with_a_lone_surrogate_is_refused():
    with pytest.raises(BadRequest):
        rest_message({"sender": "\ud800", "message": "hallo"}, trusted=False)

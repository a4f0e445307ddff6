"""Retries of Bot API calls with a recorded clock instead of waiting, the undelivered
file, and the client to Rasa. (The adapter's settings are tested in test_settings; a 429
through the real rate limiter in test_telegram_handling.)"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.messages import BotMessage, Button
from bot.channels.rest import AssistantUnavailable
from bot.channels.telegram_delivery import Deliverer
from bot.channels.telegram_rasa import RasaClient
from bot.channels.widget_labels import WIDGET_MESSAGES, widget_labels


def deliver(outcomes, tmp_path, attempts=5):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    calls = iter(outcomes)

    async def call():
        outcome = next(calls)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    deliverer = Deliverer(tmp_path / "undelivered.jsonl", attempts=attempts, sleep=sleep)
    result = asyncio.run(deliverer.call("sendMessage", {"chat_id": 5, "text": "Hallo"}, call))
    return result, slept, deliverer.undelivered


def test_a_429_the_rate_limiter_gave_up_on_is_not_retried_but_kept(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="loket.telegram"):
        result, slept, undelivered = deliver([RetryAfter(7), "sent"], tmp_path)
    assert result is None and slept == []
    [entry] = [json.loads(line) for line in undelivered.read_text().splitlines()]
    assert (entry["chat_id"], entry["what"]) == (5, "sendMessage") and "Retry in 7 seconds" in entry["error"]
    assert "sendMessage not delivered after 1 attempt(s)" in caplog.text


def test_5xx_backs_off_doubling(tmp_path):
    result, slept, _ = deliver([NetworkError("Bad Gateway"), TimedOut(), NetworkError("Bad Gateway"), "sent"],
                               tmp_path)
    assert result == "sent" and slept == [0.5, 1.0, 2.0]


def test_what_never_arrives_is_logged_and_kept(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="loket.telegram"):
        result, slept, undelivered = deliver([NetworkError("Internal Server Error")] * 5, tmp_path)
    assert result is None and slept == [0.5, 1.0, 2.0, 4.0]
    [entry] = [json.loads(line) for line in undelivered.read_text().splitlines()]
    assert (entry["chat_id"], entry["text"], entry["what"]) == (5, "Hallo", "sendMessage")
    assert "Internal Server Error" in entry["error"]
    assert "sendMessage not delivered after 5 attempt(s)" in caplog.text


def test_kept_replies_are_appended(tmp_path):
    deliver([NetworkError("x")] * 2, tmp_path, attempts=2)
    _, _, undelivered = deliver([NetworkError("y")] * 2, tmp_path, attempts=2)
    assert [json.loads(line)["error"] for line in undelivered.read_text().splitlines()] == ["x", "y"]


@pytest.mark.parametrize("refusal", [BadRequest("Can't parse entities"), Forbidden("bot was blocked by the user")])
def test_a_refused_request_is_not_retried_but_kept(tmp_path, refusal):
    result, slept, undelivered = deliver([refusal], tmp_path)
    assert result is None and slept == [] and refusal.message in undelivered.read_text()


def rasa_server(reply):
    asked: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        asked.append(await request.json())
        return await reply(request)

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    return TestServer(app), asked


def ask_rasa(reply, text="Wat is huurtoeslag?"):
    async def main():
        server, asked = rasa_server(reply)
        async with server, aiohttp.ClientSession() as session:
            client = RasaClient(str(server.make_url("/webhooks/rest/webhook")), session, timeout=2)
            return await client.ask("telegram-5", text), asked

    return asyncio.run(main())


def test_the_assistant_is_asked_with_the_sender_id_and_the_text_only():
    async def reply(_):
        return web.json_response([{"recipient_id": "telegram-5", "text": "Huurtoeslag is ...",
                                   "buttons": [{"title": "Ja", "payload": "/affirm"}]}, {"image": "x.png"}])

    replies, asked = ask_rasa(reply)
    assert replies == [BotMessage("Huurtoeslag is ...", (Button("Ja", "/affirm"),))]
    assert asked == [{"sender": "telegram-5", "message": "Wat is huurtoeslag?"}]


@pytest.mark.parametrize("status, body", [(500, "[]"), (200, "not json")])
def test_an_assistant_that_does_not_answer_is_unavailable(status, body):
    async def reply(_):
        return web.Response(status=status, text=body, content_type="application/json")

    with pytest.raises(AssistantUnavailable):
        ask_rasa(reply)


def test_an_assistant_that_is_not_there_is_unavailable():
    async def main():
        async with aiohttp.ClientSession() as session:
            await RasaClient("http://127.0.0.1:9/webhooks/rest/webhook", session, timeout=2).ask("telegram-5", "Hoi")

    with pytest.raises(AssistantUnavailable):
        asyncio.run(main())


@pytest.mark.parametrize("language", ["nl", "pap"])
def test_the_widget_speaks_every_language(language):
    labels = widget_labels()[language]
    untranslated = [key for key, english in WIDGET_MESSAGES.items() if labels[key] == english and key not in
                    ("title", "bot")]
    assert untranslated == []

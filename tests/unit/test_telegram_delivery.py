"""Retries and settings of the Telegram adapter, with a recorded clock instead of waiting."""

from __future__ import annotations

import asyncio
import json

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.channels.telegram import Deliverer, TelegramSettings
from bot.channels.widget_labels import WIDGET_MESSAGES, widget_labels
from bot.servers import allowed_origins_from_env


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


def test_429_waits_retry_after_then_delivers(tmp_path):
    result, slept, undelivered = deliver([RetryAfter(7), "sent"], tmp_path)
    assert (result, slept, undelivered.exists()) == ("sent", [7.0], False)


def test_5xx_backs_off_doubling(tmp_path):
    result, slept, _ = deliver([NetworkError("Bad Gateway")] * 3 + ["sent"], tmp_path)
    assert result == "sent" and slept == [0.5, 1.0, 2.0]


def test_what_never_arrives_is_kept(tmp_path):
    result, slept, undelivered = deliver([NetworkError("Internal Server Error")] * 3, tmp_path, attempts=3)
    assert result is None and len(slept) == 2
    [entry] = [json.loads(line) for line in undelivered.read_text().splitlines()]
    assert (entry["chat_id"], entry["text"], entry["what"]) == (5, "Hallo", "sendMessage")


def test_a_refused_request_is_not_retried_but_kept(tmp_path):
    result, slept, undelivered = deliver([BadRequest("Can't parse entities")], tmp_path)
    assert result is None and slept == [] and "parse entities" in undelivered.read_text()


def test_telegram_is_off_without_a_token_and_a_webhook_needs_a_good_secret():
    assert TelegramSettings.from_env({}) is None
    polling = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "LOKET_PORT": "6000"})
    assert polling and polling.webhook_url is None and polling.rasa_url == "http://localhost:6000"
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://a.nl/telegram"})
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://a.nl/t",
                                   "TELEGRAM_WEBHOOK_SECRET": "has spaces"})
    with pytest.raises(ValueError, match="LOKET_TELEGRAM_PORT"):
        TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "LOKET_TELEGRAM_PORT": "http"})


def test_allowed_origins():
    assert allowed_origins_from_env({}) == ()
    assert allowed_origins_from_env({"LOKET_ALLOWED_ORIGINS": "https://a.nl, http://localhost:8000"}) == (
        "https://a.nl", "http://localhost:8000")
    with pytest.raises(ValueError, match="not an origin"):
        allowed_origins_from_env({"LOKET_ALLOWED_ORIGINS": "https://a.nl/page"})


@pytest.mark.parametrize("language", ["nl", "pap"])
def test_the_widget_speaks_every_language(language):
    labels = widget_labels()[language]
    untranslated = [key for key, english in WIDGET_MESSAGES.items() if labels[key] == english and key not in
                    ("title", "bot")]
    assert untranslated == []

"""`run`, the adapter's entry point, wired as `loket telegram` wires it: real HTTP to the
fake Bot API of the end-to-end tests, and a stand-in Rasa REST channel. No model needed."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.channels.telegram import run
from bot.channels.telegram_runners import SECRET_HEADER
from bot.settings import settings
from bot.tooling.servers import free_port
from tests.e2e.fake_bot_api import FakeBotApi

SECRET = "loket-unit_secret"


def update(chat_id: int, text: str) -> dict:
    return {"update_id": chat_id, "message": {
        "message_id": 1, "date": int(time.time()), "text": text,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Annemarie", "language_code": "nl"},
        "chat": {"id": chat_id, "type": "private", "first_name": "Annemarie"}}}


async def rasa() -> tuple[TestServer, list[dict]]:
    asked: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        asked.append(await request.json())
        return web.json_response([{"recipient_id": asked[-1]["sender"], "text": "Hallo! Ik ben Loket & co."}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    server = TestServer(app)
    await server.start_server()
    return server, asked


async def until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def post(url: str, body: dict, secret: str) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", SECRET_HEADER: secret})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - localhost
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_webhook_mode_registers_its_webhook_and_answers(tmp_path: Path):
    port = free_port()

    async def main(fake: FakeBotApi) -> list[dict]:
        server, asked = await rasa()
        config = settings({"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
                           "TELEGRAM_WEBHOOK_URL": "https://loket.example/telegram",
                           "TELEGRAM_WEBHOOK_SECRET": SECRET, "LOKET_TELEGRAM_PORT": str(port),
                           "LOKET_RASA_URL": str(server.make_url("")),
                           "TELEGRAM_UNDELIVERED_FILE": str(tmp_path / "undelivered.jsonl")})
        stop = asyncio.Event()
        adapter = asyncio.create_task(run(config, stop))
        try:
            await until(lambda: fake.of("setWebhook"))
            url = f"http://127.0.0.1:{port}/telegram"
            assert await asyncio.to_thread(post, url, update(11, "Hallo"), "wrong") == 403
            assert await asyncio.to_thread(post, url, update(11, "Hallo"), SECRET) == 200
            await until(lambda: fake.of("sendMessage", 11))
        finally:
            stop.set()
            await adapter
            await server.close()
        return asked

    with FakeBotApi() as fake:
        asked = asyncio.run(main(fake))
        [webhook] = [call.params for call in fake.of("setWebhook")]
        assert webhook["url"] == "https://loket.example/telegram" and webhook["secret_token"] == SECRET
        assert webhook["allowed_updates"] == ["message", "edited_message", "channel_post", "callback_query"]
        [reply] = fake.of("sendMessage", 11)
        assert reply.params["text"] == "Hallo! Ik ben Loket &amp; co." and reply.params["parse_mode"] == "HTML"
    assert asked == [{"sender": "telegram-11", "message": "Hallo"}]


def test_polling_mode_deletes_the_webhook_and_answers(tmp_path: Path):
    async def main(fake: FakeBotApi) -> None:
        server, _ = await rasa()
        config = settings({"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
                           "LOKET_RASA_URL": str(server.make_url("")),
                           "TELEGRAM_UNDELIVERED_FILE": str(tmp_path / "undelivered.jsonl")})
        stop = asyncio.Event()
        adapter = asyncio.create_task(run(config, stop))
        try:
            await until(lambda: fake.of("sendMessage", 12))
        finally:
            stop.set()
            await adapter
            await server.close()

    with FakeBotApi() as fake:
        fake.queue_update(update(12, "Hallo"))
        asyncio.run(main(fake))
        assert [call.params["text"] for call in fake.of("sendMessage", 12)] == ["Hallo! Ik ben Loket &amp; co."]
        methods = [call.method for call in fake.calls]
        assert "deleteWebhook" in methods and methods.index("deleteWebhook") < methods.index("getUpdates")
        assert "setWebhook" not in methods

"""The Telegram adapter: a process of its own between the Bot API and Loket's Rasa server.

It takes updates by webhook (production: Telegram's secret-token header is checked)
or by polling (development), asks the assistant over Rasa's REST channel, and
delivers the replies with python-telegram-bot. Deliveries that the Bot API refuses
with 429 or 5xx are retried with backoff (429: after `retry_after`); one that still
fails is logged and written to the undelivered file, never dropped silently.

Started by `loket serve` (`make run`) when TELEGRAM_BOT_TOKEN is set, or alone with
`loket telegram`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot import DEFAULT_LANGUAGE
from bot.channels.locks import ConversationLocks
from bot.channels.messages import BotMessage, bot_messages, sender_id
from bot.channels.telegram_format import (
    Inbound,
    OutgoingMessage,
    PayloadBook,
    notice,
    outgoing_messages,
    read_update,
)
from bot.language import LanguageDetector, project_detector
from bot.servers import AssistantUnavailable
from bot.training_data import PROJECT_DIR

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_PATH = "/telegram"
logger = logging.getLogger("loket.telegram")
T = TypeVar("T")


@dataclass(frozen=True)
class TelegramSettings:
    """From the environment; see README, "Telegram"."""

    token: str
    rasa_url: str = "http://localhost:5005"
    webhook_url: str | None = None  # public https URL Telegram posts to; None: polling
    secret: str | None = None
    port: int = 8081
    api_base_url: str = "https://api.telegram.org/bot"
    undelivered: Path = PROJECT_DIR / "var" / "telegram-undelivered.jsonl"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> TelegramSettings | None:
        token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return None
        webhook_url = environ.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
        secret = environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
        if webhook_url and not (secret and SECRET_PATTERN.fullmatch(secret)):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL: "
                             "1 to 256 characters, A-Z, a-z, 0-9, _ and -")
        port = environ.get("LOKET_TELEGRAM_PORT", "8081")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"LOKET_TELEGRAM_PORT must be a port number, not {port!r}")
        return cls(
            token=token,
            rasa_url=environ.get("LOKET_RASA_URL", f"http://localhost:{environ.get('LOKET_PORT', '5005')}"),
            webhook_url=webhook_url,
            secret=secret,
            port=int(port),
            api_base_url=environ.get("TELEGRAM_API_URL", cls.api_base_url),
            undelivered=Path(environ.get("TELEGRAM_UNDELIVERED_FILE", str(cls.undelivered))),
        )


class RasaClient:
    """Loket's assistant over Rasa's REST channel."""

    def __init__(self, rasa_url: str, session: aiohttp.ClientSession) -> None:
        self._url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self._session = session

    async def ask(self, sender: str, text: str) -> list[BotMessage]:
        try:
            async with self._session.post(self._url, json={"sender": sender, "message": text},
                                          timeout=aiohttp.ClientTimeout(total=60)) as response:
                if response.status != 200:
                    raise AssistantUnavailable(f"Rasa answered {response.status}")
                return bot_messages(await response.json())
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise AssistantUnavailable(str(error)) from error


class ChatLanguages:
    """The language each chat was last answered in, read off the assistant's replies,
    so the adapter's own notices (a sticker, an edited message) use it too."""

    def __init__(self, detector: LanguageDetector, size: int = 100_000) -> None:
        self._detector = detector
        self._size = size
        self._languages: OrderedDict[int, str] = OrderedDict()

    def learn(self, chat_id: int, replies: list[BotMessage]) -> None:
        for reply in replies:
            first_paragraph = reply.text.split("\n\n", 1)[0]
            language = self._detector.detect(first_paragraph).language
            if language:
                self._languages[chat_id] = language
                self._languages.move_to_end(chat_id)
        while len(self._languages) > self._size:
            self._languages.popitem(last=False)

    def of(self, chat_id: int, hint: str | None) -> str:
        """The chat's language; else the user's Telegram language if Loket speaks it; else Dutch."""
        return self._languages.get(chat_id) or hint or DEFAULT_LANGUAGE


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Deliverer:
    """Bot API calls with retries; what cannot be delivered is logged and kept."""

    def __init__(self, undelivered: Path, attempts: int = 5, first_delay: float = 0.5, max_delay: float = 30.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.undelivered = undelivered
        self.attempts = attempts
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._sleep = sleep

    async def call(self, what: str, record: dict[str, Any], call: Callable[[], Awaitable[T]]) -> T | None:
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return await call()
            except RetryAfter as error:
                wait = _seconds(error.retry_after)
                problem: TelegramError = error
            except (BadRequest, Forbidden, InvalidToken) as error:
                self._give_up(what, record, error, attempt)
                return None
            except NetworkError as error:  # 5xx, timeouts, connection errors
                wait, delay = delay, min(delay * 2, self.max_delay)
                problem = error
            if attempt < self.attempts:
                logger.warning("%s failed (%s); attempt %d of %d again in %.1f s",
                               what, problem, attempt + 1, self.attempts, wait)
                await self._sleep(wait)
        self._give_up(what, record, problem, self.attempts)
        return None

    def _give_up(self, what: str, record: dict[str, Any], error: Exception, attempts: int) -> None:
        logger.error("%s not delivered after %d attempt(s): %s; kept in %s", what, attempts, error, self.undelivered)
        self.undelivered.parent.mkdir(parents=True, exist_ok=True)
        entry = {"time": time.time(), "what": what, "error": str(error), **record}
        with self.undelivered.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


class TelegramAdapter:
    """Handles Telegram updates: one at a time per chat, in the order they came."""

    def __init__(self, bot: Bot, rasa: RasaClient, deliverer: Deliverer, languages: ChatLanguages,
                 secret: str | None = None) -> None:
        self.bot = bot
        self.rasa = rasa
        self.deliverer = deliverer
        self.languages = languages
        self.secret = secret
        self.payloads = PayloadBook()
        self._lock = ConversationLocks()
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- receiving ----

    async def handle(self, update: Mapping[str, Any]) -> None:
        """Handle one update; never raises, so one bad update cannot stop the others."""
        try:
            inbound = read_update(update)
            if inbound.kind == "ignored" or inbound.chat_id is None:
                logger.debug("update %s has nothing to answer", update.get("update_id"))
                return
            async with self._lock(inbound.chat_id):
                await self._answer(inbound)
        except Exception:  # noqa: BLE001 - logged with the update; the next one still runs
            logger.exception("could not handle update %s", update.get("update_id"))

    def handle_later(self, update: Mapping[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self.handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def finish(self) -> None:
        """Wait for the updates being handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


    async def _answer(self, inbound: Inbound) -> None:
        chat_id = inbound.chat_id
        assert chat_id is not None
        language = self.languages.of(chat_id, inbound.language_hint)
        if inbound.kind in ("non_text", "edited", "channel"):
            await self._send(chat_id, [OutgoingMessage(notice(inbound.kind, language))])
            return
        texts = inbound.texts
        if inbound.kind == "caption":
            await self._send(chat_id, [OutgoingMessage(notice("caption", language))])
        if inbound.kind == "callback":
            payload = self.payloads.payload(inbound.callback_data)
            await self.deliverer.call(
                "answerCallbackQuery", {"chat_id": chat_id},
                lambda: self.bot.answer_callback_query(
                    inbound.callback_id or "", text=None if payload else notice("expired", language)),
            )
            if inbound.message_id is not None:
                await self.deliverer.call(
                    "editMessageReplyMarkup", {"chat_id": chat_id, "message_id": inbound.message_id},
                    lambda: self.bot.edit_message_reply_markup(chat_id, inbound.message_id, reply_markup=None),
                )
            if payload is None:
                return
            texts = (payload,)
        for text in texts:
            try:
                replies = await self.rasa.ask(sender_id("telegram", chat_id), text)
            except AssistantUnavailable as error:
                logger.error("assistant unavailable for chat %s: %s", chat_id, error)
                await self._send(chat_id, [OutgoingMessage(notice("unavailable", language))])
                return
            self.languages.learn(chat_id, replies)
            await self._send(chat_id, outgoing_messages(replies))

    # ---- sending ----

    def _keyboard(self, message: OutgoingMessage) -> InlineKeyboardMarkup | None:
        if not message.buttons:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(button.title, callback_data=self.payloads.callback_data(button.payload))]
             for button in message.buttons]
        )

    async def _send(self, chat_id: int, messages: list[OutgoingMessage]) -> None:
        for message in messages:
            await self._send_one(chat_id, message)

    async def _send_one(self, chat_id: int, message: OutgoingMessage) -> None:
        keyboard = self._keyboard(message)
        await self.deliverer.call(
            "sendMessage", {"chat_id": chat_id, "text": message.html},
            lambda: self.bot.send_message(
                chat_id, message.html, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )

    # ---- webhook ----

    def webhook_app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(WEBHOOK_PATH, self._webhook)
        app.router.add_get("/health", lambda _: web.json_response({"status": "ok"}))
        return app

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not self.secret or not hmac.compare_digest(given.encode(), self.secret.encode()):
            logger.warning("webhook call without the right secret token from %s", request.remote)
            return web.json_response({"error": "wrong or missing secret token"}, status=403)
        try:
            update = await request.json()
        except ValueError:
            return web.json_response({"error": "the body must be a JSON update"}, status=400)
        if not isinstance(update, dict):
            return web.json_response({"error": "the body must be a JSON update"}, status=400)
        self.handle_later(update)
        return web.json_response({"ok": True})


async def run(settings: TelegramSettings, stop: asyncio.Event | None = None) -> None:
    """Run the adapter until `stop` is set (or forever): webhook if a URL is set, else polling."""
    stop = stop or asyncio.Event()
    bot = Bot(settings.token, base_url=settings.api_base_url)
    async with bot, aiohttp.ClientSession() as session:
        adapter = TelegramAdapter(bot, RasaClient(settings.rasa_url, session), Deliverer(settings.undelivered),
                                  ChatLanguages(project_detector()), secret=settings.secret)
        if settings.webhook_url:
            await _serve_webhook(adapter, settings, stop)
        else:
            await _poll(adapter, stop)
        await adapter.finish()


async def _serve_webhook(adapter: TelegramAdapter, settings: TelegramSettings, stop: asyncio.Event) -> None:
    runner = web.AppRunner(adapter.webhook_app())
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", settings.port).start()  # noqa: S104 - behind the operator's proxy
    await adapter.bot.set_webhook(settings.webhook_url or "", secret_token=settings.secret,
                                  allowed_updates=["message", "edited_message", "channel_post", "callback_query"])
    logger.info("Telegram webhook on port %d for %s", settings.port, settings.webhook_url)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


async def _poll(adapter: TelegramAdapter, stop: asyncio.Event) -> None:
    await adapter.bot.delete_webhook()
    logger.info("Telegram polling")
    offset: int | None = None
    while not stop.is_set():
        try:
            updates = await adapter.bot.get_updates(offset=offset, timeout=10)
        except RetryAfter as error:
            await asyncio.sleep(_seconds(error.retry_after))
            continue
        except NetworkError as error:
            logger.warning("getUpdates failed: %s", error)
            await asyncio.sleep(2)
            continue
        for update in updates:
            offset = update.update_id + 1
            adapter.handle_later(update.to_dict())

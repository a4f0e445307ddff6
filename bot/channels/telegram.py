"""The Telegram adapter: a process of its own between the Bot API and Loket's Rasa server.

Started by `loket serve` (`make run`) when TELEGRAM_BOT_TOKEN is set, or alone with
`loket telegram`. python-telegram-bot's Application does the plumbing: its ExtBot calls
the Bot API, updates come in by webhook or by its Updater, and its handlers pass each
one to Loket's callbacks. One job a module:

- telegram_runners: the webhook server (secret token checked) and polling;
- telegram_handlers: what each kind of update gets, one update a chat at a time;
- telegram_rasa: the assistant, over Rasa's REST channel;
- telegram_delivery: the rate limiter (429s), other failed Bot API calls retried, and
  the undelivered file;
- telegram_buttons: inline keyboards and what a pressed button stands for;
- telegram_format: HTML replies split to Telegram's limit, notices, /commands.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.channels.rate_limits import RateLimits
from bot.channels.telegram_delivery import Deliverer, rate_limiter
from bot.channels.telegram_handlers import ChatLanguages, OnePerChat, TelegramHandlers
from bot.channels.telegram_rasa import RasaClient
from bot.channels.telegram_runners import poll, serve_webhook
from bot.language.detection import project_detector
from bot.settings import Settings, SettingsError


def build_application(settings: Settings, handlers: TelegramHandlers,
                      request: BaseRequest | None = None) -> Application:
    """PTB's Application with Loket's handlers; `request` replaces its HTTP client (tests)."""
    if not settings.telegram_bot_token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_url)
        .concurrent_updates(OnePerChat())
        .rate_limiter(rate_limiter())
        .job_queue(None)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.add_handlers(handlers.handlers())
    application.add_error_handler(handlers.failed)
    return application


async def run(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run the adapter until `stop` is set (or forever): webhook if a URL is set, else polling."""
    stop = stop or asyncio.Event()
    # httpx logs every request at INFO, and a Bot API URL holds the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with aiohttp.ClientSession() as session:
        handlers = TelegramHandlers(RasaClient(settings.rest_url, session, token=settings.rest_token),
                                    Deliverer(settings.telegram_undelivered_file), ChatLanguages(project_detector()),
                                    RateLimits(settings.rate_limit, flood_per_address_per_minute=0))
        application = build_application(settings, handlers)
        async with application:
            await application.start()
            try:
                if settings.telegram_webhook_url:
                    await serve_webhook(application, settings, stop)
                else:
                    await poll(application, stop)
            finally:
                await application.stop()  # after the updates being handled

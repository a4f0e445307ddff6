"""How updates reach the Application: Telegram's webhook, or polling in development.

The webhook server is aiohttp rather than PTB's own (`Updater.start_webhook`, which
needs tornado) so that it can also answer `GET /health`. It answers Telegram at once;
the Application handles the update in the background.
"""

from __future__ import annotations

import asyncio
import hmac
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY]
logger = logging.getLogger("loket.telegram")


def webhook_app(application: Application, secret: str | None) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("webhook call without the right secret token from %s", request.remote)
            return web.json_response({"error": "wrong or missing secret token"}, status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
            if update is None or not _texts_are_text(update):
                raise ValueError("not an update Loket can read")
        # Not JSON, nested too deep, not an Update, or a field PTB cannot convert (a date
        # beyond time_t): Telegram never sends these, so whoever did gets a 400.
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError, OSError):
            return web.json_response({"error": "the body must be a JSON update"}, status=400)
        await application.update_queue.put(update)
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(WEBHOOK_PATH, receive)
    app.router.add_get("/health", lambda _: web.json_response({"status": "ok"}))
    return app


def _texts_are_text(update: Update) -> bool:
    """PTB keeps whatever type a field had; Loket's handlers read text and captions as strings."""
    message = update.message or update.edited_message or update.channel_post
    if message is None:
        return True
    return all(value is None or isinstance(value, str) for value in (message.text, message.caption))


async def serve_webhook(application: Application, settings: Settings, stop: asyncio.Event) -> None:
    """Serve the webhook, then tell Telegram where it is, until `stop`."""
    runner = web.AppRunner(webhook_app(application, settings.telegram_webhook_secret))
    await runner.setup()
    try:
        await web.TCPSite(runner, "0.0.0.0", settings.telegram_port).start()  # noqa: S104 - behind the operator's proxy
        await application.bot.set_webhook(settings.telegram_webhook_url or "",
                                          secret_token=settings.telegram_webhook_secret,
                                          allowed_updates=ALLOWED_UPDATES)
        logger.info("Telegram webhook on port %d for %s", settings.telegram_port, settings.telegram_webhook_url)
        await stop.wait()
    finally:
        await runner.cleanup()


async def poll(application: Application, stop: asyncio.Event) -> None:
    """PTB's Updater: deleteWebhook, then getUpdates in a loop (it waits out 429s and network errors)."""
    updater = application.updater
    if updater is None:
        raise RuntimeError("polling needs the Application's Updater")
    await updater.start_polling(timeout=10, allowed_updates=ALLOWED_UPDATES)
    logger.info("Telegram polling")
    try:
        await stop.wait()
    finally:
        await updater.stop()

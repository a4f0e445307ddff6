"""The web widget's Rasa input channel: serves the widget and takes its messages.

Registered in credentials.yml, so the widget comes from the same origin as the
assistant (`make run`: http://localhost:5005/chat/). A thin adapter: checking a
request, the history and the resend rule live in `bot.channels.messages`.

Routes, under /chat:
  GET  /            the widget as a page of its own
  GET  /loket.js    the widget; one <script> tag embeds it in another site
  GET  /loket.css   its styles
  GET  /history     ?conversation_id=… : the conversation so far
  POST /webhook     {conversation_id, message_id, text[, shown_as]} -> {messages}
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import LANGUAGES
from bot.channels.forgetting import forget_conversation
from bot.channels.messages import (
    BadRequest,
    bot_messages,
    command_payload,
    conversation_history,
    conversation_id,
    incoming_message,
    no_reply,
    replies_to,
    sender_id,
    without_forget_mark,
)
from bot.channels.rate_limits import channel_limits, client_address
from bot.channels.rest_channel import conversation_language
from bot.channels.stored_turns import NOT_STORED, STORE_ERRORS
from bot.channels.widget_labels import widget_labels
from bot.dialogue.names import FORGET_INTENT, PRIVACY_INTENT, payload, switch_language_payload
from bot.privacy import redact_text
from bot.settings import MAX_BODY_BYTES

STATIC_DIR = Path(__file__).with_name("static")
LABELS_PLACEHOLDER = '"__LOKET_LABELS__"'
HISTORY_LIMIT = 100  # messages shown again after a reload; a slow link need not load a long past
logger = logging.getLogger(__name__)

# No framing by other sites and no scripts from anywhere but here.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def widget_script() -> str:
    """loket.js with the labels of every language and the language switch filled in."""
    config = {
        "labels": widget_labels(),
        "switch": {language: switch_language_payload(language) for language in LANGUAGES},
        "commands": {"privacy": payload(PRIVACY_INTENT), "forget": payload(FORGET_INTENT)},
    }
    script = (STATIC_DIR / "loket.js").read_text(encoding="utf-8")
    return script.replace(LABELS_PLACEHOLDER, json.dumps(config, ensure_ascii=False, separators=(",", ":")))


def _json_error(message: str, status: int) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers={"Cache-Control": "no-store"})


class WidgetInput(InputChannel):
    """Rasa input channel for the Loket web widget."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    def url_prefix(self) -> str:
        return "/chat"

    def __init__(self) -> None:
        self._files: dict[str, tuple[bytes, str]] = {
            "page": ((STATIC_DIR / "index.html").read_bytes(), "text/html; charset=utf-8"),
            "script": (widget_script().encode("utf-8"), "text/javascript; charset=utf-8"),
            "style": ((STATIC_DIR / "loket.css").read_bytes(), "text/css; charset=utf-8"),
        }
        self._limits = channel_limits()


    def _file(self, name: str) -> HTTPResponse:
        body, content_type = self._files[name]
        return response.raw(body, content_type=content_type, headers=PAGE_HEADERS)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("loket_widget", __name__)

        @widget.route("/", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return self._file("page")

        @widget.route("/loket.js", methods=["GET"])
        async def script(_: Request) -> HTTPResponse:
            return self._file("script")

        @widget.route("/loket.css", methods=["GET"])
        async def style(_: Request) -> HTTPResponse:
            return self._file("style")

        @widget.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            try:
                conversation = conversation_id(request.args.get("conversation_id"))
            except BadRequest as error:
                return _json_error(str(error), 400)
            events = await _events(request, sender_id("widget", conversation))
            entries = conversation_history(events)[-HISTORY_LIMIT:]
            return response.json({"messages": [entry.as_dict() for entry in entries]},
                                 headers={"Cache-Control": "no-store"})

        @widget.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:  # Sanic's own limit stops larger ones earlier
                return _json_error(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
            try:
                body = json.loads(request.body or b"null")
                message = incoming_message(body)
            except (BadRequest, ValueError, RecursionError) as error:  # RecursionError: JSON nested too deep
                return _json_error(str(error) if isinstance(error, BadRequest) else "the body must be JSON", 400)
            sender = sender_id("widget", message.conversation_id)
            # One message at a time per conversation, so a resent message is seen as handled,
            # under Rasa's lock store: in memory for one server, Redis for several.
            async with request.app.ctx.agent.lock_store.lock(f"{sender}:widget"):
                handled = replies_to(await _events(request, sender), message.message_id)
                if handled is not None:
                    return response.json({"messages": [reply.as_dict() for reply in handled], "repeated": True})
                # After the resend check: a resent message that was handled costs nothing.
                decision = await self._limits.allow_async(sender, client_address(self._limits, request))
                if not decision.allowed:  # the widget keeps the message and sends it again after Retry-After
                    return response.json({"error": "too many messages", "retry_after": decision.retry_after},
                                         status=429, headers={"Retry-After": decision.retry_after_header,
                                                              "Cache-Control": "no-store"})
                collector = CollectingOutputChannel()
                store = request.app.ctx.agent.tracker_store
                errors_before = STORE_ERRORS.watch(store)
                try:
                    # Personal data never reaches Rasa, so neither its store nor its logs.
                    await on_new_message(UserMessage(
                        command_payload(message.text) or redact_text(message.text), collector, sender,
                        input_channel=self.name(), message_id=message.message_id,
                        metadata={"shown_as": redact_text(message.shown_as)} if message.shown_as else None,
                    ))
                except Exception:  # noqa: BLE001 - the widget shows its error state and resends
                    logger.exception("widget message %s of %s failed", message.message_id, sender)
                    return _json_error("the assistant could not handle this message", 500)
                if not STORE_ERRORS.stored(store, sender, errors_before):  # the widget sends it again
                    return _json_error(NOT_STORED, 503)
                raw_replies, forgotten = without_forget_mark(collector.messages)
                if forgotten:  # after the turn, so Rasa does not write it back
                    forget_conversation(request.app.ctx.agent.tracker_store, sender)
                if not raw_replies:
                    raw_replies = [{"text": no_reply(await conversation_language(request, sender))}]
            replies = bot_messages(raw_replies)
            return response.json({"messages": [reply.as_dict() for reply in replies], "forgotten": forgotten},
                                 headers={"Cache-Control": "no-store"})

        return widget


async def _events(request: Request, sender: str) -> list[dict[str, Any]]:
    tracker = await request.app.ctx.agent.tracker_store.retrieve_full_tracker(sender)
    return [] if tracker is None else [event.as_dict() for event in tracker.events]

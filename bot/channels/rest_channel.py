"""Rasa's REST channel, with the checks a public service needs: a bad body gets 400
(not 500), a caller without the REST token gets a namespace of its own, and nothing
reads more than MAX_BODY_BYTES. Registered in credentials.yml in place of `rest:`,
at the same address (/webhooks/rest/webhook)."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.forgetting import forget_conversation
from bot.channels.messages import (
    BadRequest,
    command_payload,
    no_reply,
    reply_language,
    rest_message,
    without_forget_mark,
)
from bot.channels.rate_limits import channel_limits, client_address
from bot.channels.stored_turns import NOT_STORED, STORE_ERRORS
from bot.privacy import redact_text
from bot.settings import MAX_BODY_BYTES, settings

logger = logging.getLogger(__name__)


def bearer_token_matches(header: str | None, token: str | None) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())


def _error(message: str, status: int) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class WholeMessageOutputChannel(CollectingOutputChannel):
    """Rasa's collector splits a text at every blank line into separate messages; on a
    phone each is a notification of its own. One answer stays one message here, and
    each channel decides how to break a long one (Telegram above 4,096 characters)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class LoketRestInput(RestInput):
    """The REST channel (name "rest"), checked."""

    def __init__(self) -> None:
        self._token = settings().rest_token
        self._limits = channel_limits()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("loket_rest", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _error(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
            try:
                body = json.loads(request.body or b"null")
                trusted = bearer_token_matches(request.headers.get("Authorization"), self._token)
                message = rest_message(body, trusted)
            except (BadRequest, ValueError, RecursionError) as error:  # RecursionError: JSON nested too deep
                return _error(str(error) if isinstance(error, BadRequest) else "the body must be JSON", 400)
            if not trusted:  # the adapter with the token limits its own chats
                decision = await self._limits.allow_async(message.sender, client_address(self._limits, request))
                if not decision.allowed:
                    return response.json({"error": "too many messages", "retry_after": decision.retry_after},
                                         status=429, headers={"Retry-After": decision.retry_after_header})
            collector = WholeMessageOutputChannel()
            # Personal data never reaches Rasa, so neither its store nor its logs.
            text = command_payload(message.text) or redact_text(message.text)
            store = request.app.ctx.agent.tracker_store
            errors_before = STORE_ERRORS.watch(store)
            await on_new_message(UserMessage(text, collector, message.sender, input_channel=self.name()))
            if not STORE_ERRORS.stored(store, message.sender, errors_before):
                return _error(NOT_STORED, 503)
            replies, forgotten = without_forget_mark(collector.messages)
            if forgotten:  # after the turn, so Rasa does not write it back
                forget_conversation(request.app.ctx.agent.tracker_store, message.sender)
            if not replies:
                replies = [{"recipient_id": message.sender,
                            "text": no_reply(await conversation_language(request, message.sender))}]
            return response.json(replies)

        return rest


async def conversation_language(request: Request, sender: str) -> str:
    """The language of the conversation as its tracker has it; the default if unreachable."""
    try:
        tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
    except Exception:  # noqa: BLE001 - the store being down is why we ask; answer anyway
        logger.warning("could not read the language of %s", sender)
        tracker = None
    return reply_language(tracker.current_slot_values() if tracker is not None else {})

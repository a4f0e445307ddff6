"""Inline keyboards: each button carries its Rasa payload itself as callback_data.

Not PTB's arbitrary callback data (`arbitrary_callback_data`): its cache lives in one
process's memory, so after a restart, or on another adapter replica behind the proxy
(Telegram may deliver a press to any of them), every button would have "expired".
A payload as callback_data works anywhere; every payload Loket makes (`/ask_<topic>`,
its check, `/switch_language{...}`, `/out_of_scope`) fits Telegram's 64 bytes, which a
unit test holds the knowledge base to. A longer one is left out of the keyboard with
a warning: Telegram would refuse the whole message. Data that is no Loket payload
(empty, or not starting with "/") is `InvalidCallbackData`, answered as expired.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import InvalidCallbackData

from bot.channels.messages import Button
from bot.dialogue import YES_NO_QUESTIONS, payload_intent

MAX_CALLBACK_BYTES = 64  # Telegram's limit on an inline button's callback_data
logger = logging.getLogger("loket.telegram")


def fits(payload: str) -> bool:
    return 0 < len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button a row, as the widget shows them, but a yes and its no side by side ("Did
    this help?" beside "Check if I qualify"); a payload too long for Telegram is left out."""
    rows: list[list[InlineKeyboardButton]] = []
    pairs = {yes: no for yes, no in YES_NO_QUESTIONS}
    for button in buttons:
        if not fits(button.payload):
            logger.warning("button %r left out: its payload is over Telegram's %d bytes: %r",
                           button.title, MAX_CALLBACK_BYTES, button.payload)
            continue
        key = InlineKeyboardButton(button.title, callback_data=button.payload)
        previous = rows[-1][-1].callback_data if rows else None
        if isinstance(previous, str) and pairs.get(payload_intent(previous) or "") == payload_intent(button.payload):
            rows[-1].append(key)
        else:
            rows.append([key])
    return InlineKeyboardMarkup(rows) if rows else None


def payload(callback_data: str | None) -> str | InvalidCallbackData:
    """The pressed button's payload; InvalidCallbackData if the data is no Loket payload."""
    if not callback_data or not callback_data.startswith("/"):
        return InvalidCallbackData(callback_data)
    return callback_data

"""Inline keyboards: each button's payload travels as its callback_data.

A stand-in for PTB's arbitrary callback data (`ExtBot(arbitrary_callback_data=...)`,
its CallbackDataCache), which needs `python-telegram-bot[callback-data]` (cachetools),
not a dependency yet. It answers a pressed button the way that cache does, with the
payload or `InvalidCallbackData`, so the handlers stay as they are when it goes.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import InvalidCallbackData

from bot.channels.messages import Button

MAX_CALLBACK_BYTES = 64  # Telegram's limit on an inline button's callback_data


class PayloadBook:
    """A payload short enough is its own callback_data, so it still works after a
    restart; a longer one is kept here under a key, the newest `size` of them."""

    def __init__(self, size: int = 5000) -> None:
        self._size = size
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def callback_data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith("#"):
            return payload
        key = "#" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._size:
            self._payloads.popitem(last=False)
        return key

    def keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
        """One button a row, as the widget shows them."""
        if not buttons:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(button.title, callback_data=self.callback_data(button.payload))]
             for button in buttons]
        )

    def payload(self, callback_data: str | None) -> str | InvalidCallbackData:
        """The pressed button's payload; InvalidCallbackData once its key is forgotten."""
        if not callback_data:
            return InvalidCallbackData(callback_data)
        if not callback_data.startswith("#"):
            return callback_data
        payload = self._payloads.get(callback_data)
        return InvalidCallbackData(callback_data) if payload is None else payload

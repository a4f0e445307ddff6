"""Loket's assistant over Rasa's REST channel, asked asynchronously by the Telegram adapter.

Only the sender id and the text are sent: never the Telegram user's name. The REST
token lets the adapter address `telegram-<chat id>` conversations; without it Rasa
would put the sender in the `rest-` namespace.
"""

from __future__ import annotations

import asyncio

import aiohttp

from bot.channels.messages import BotMessage, bot_messages
from bot.channels.rest import AssistantUnavailable


class RasaClient:
    def __init__(self, rest_url: str, session: aiohttp.ClientSession, timeout: float = 60.0,
                 token: str | None = None) -> None:
        self._url = rest_url
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def ask(self, sender: str, text: str) -> list[BotMessage]:
        """The assistant's replies to one message; AssistantUnavailable if it gives none."""
        try:
            async with self._session.post(self._url, json={"sender": sender, "message": text},
                                          headers=self._headers, timeout=self._timeout) as response:
                if response.status != 200:
                    raise AssistantUnavailable(f"Rasa answered {response.status}")
                return bot_messages(await response.json())
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise AssistantUnavailable(str(error)) from error

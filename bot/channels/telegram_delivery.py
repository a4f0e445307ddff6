"""Bot API calls that must not get lost: retried, and kept when they still fail.

429s are PTB's: the Application's AIORateLimiter (`rate_limiter()`) keeps to Telegram's
flood limits and, on a 429, holds every call for `retry_after` and sends it again.
When it gives up, the RetryAfter reaches `Deliverer` and is final like a 400 or 403.
PTB retries nothing else, so the backoff on 5xx and network errors stays here, as
does the undelivered file: a reply Telegram would not take must be found afterwards,
never dropped silently. Both wait inside the chat's turn (OnePerChat), so a chat's
replies still arrive in order.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter

from bot.privacy import redact_text

logger = logging.getLogger("loket.telegram")
T = TypeVar("T")
RETRIES_AFTER_429 = 4  # five attempts in all, as for 5xx


def rate_limiter(max_retries: int = RETRIES_AFTER_429) -> AIORateLimiter:
    """PTB's limiter with its default flood limits, trying a call again after a 429's `retry_after`."""
    return AIORateLimiter(max_retries=max_retries)


class Deliverer:
    """5xx and network errors wait `first_delay`, doubling; `attempts` in all. A refused
    request (400, 403, ...) or a 429 the rate limiter gave up on is not tried again."""

    def __init__(self, undelivered: Path, attempts: int = 5, first_delay: float = 0.5, max_delay: float = 30.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.undelivered = undelivered
        self.attempts = attempts
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._sleep = sleep

    async def call(self, what: str, record: dict[str, Any], call: Callable[[], Awaitable[T]]) -> T | None:
        """`call()`'s result, or None once it is given up and `record` kept."""
        delay = self.first_delay
        problem: TelegramError | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                return await call()
            except BadRequest as error:  # a NetworkError in PTB, but sending it again cannot help
                self._give_up(what, record, error, attempt)
                return None
            except NetworkError as error:  # 5xx, timeouts, connection errors
                wait, problem = delay, error
                delay = min(delay * 2, self.max_delay)
            except TelegramError as error:  # 403 blocked, 401 bad token, a 429 still after the limiter's retries
                self._give_up(what, record, error, attempt)
                return None
            if attempt < self.attempts:
                logger.warning("%s failed (%s); attempt %d of %d again in %.1f s",
                               what, problem, attempt + 1, self.attempts, wait)
                await self._sleep(wait)
        assert problem is not None
        self._give_up(what, record, problem, self.attempts)
        return None

    def _give_up(self, what: str, record: dict[str, Any], error: Exception, attempts: int) -> None:
        logger.error("%s not delivered after %d attempt(s): %s; kept in %s", what, attempts, error, self.undelivered)
        self.undelivered.parent.mkdir(parents=True, exist_ok=True)
        entry = {"time": time.time(), "what": what, "error": str(error),
                 **{key: redact_text(value) if isinstance(value, str) else value for key, value in record.items()}}
        with self.undelivered.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

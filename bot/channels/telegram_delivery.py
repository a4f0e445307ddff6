"""Bot API calls that must not get lost: retried, and kept when they still fail.

PTB's AIORateLimiter (`max_retries`) would do the 429 part, waiting `retry_after`, but
it needs `python-telegram-bot[rate-limiter]` (aiolimiter), not a dependency yet; until
then the 429 wait is here too. PTB retries nothing else, so the backoff on 5xx and
network errors and the undelivered file stay Loket's own: a reply Telegram would not
take must be found afterwards, never dropped silently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

logger = logging.getLogger("loket.telegram")
T = TypeVar("T")


def seconds(value: int | float | dt.timedelta) -> float:
    """PTB 22 gives durations as numbers or timedeltas (PTB_TIMEDELTA)."""
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Deliverer:
    """A 429 waits `retry_after`; 5xx and network errors wait `first_delay`, doubling;
    `attempts` in all. A refused request (400, 403, ...) is not tried again."""

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
            except RetryAfter as error:
                wait, problem = seconds(error.retry_after), error
            except BadRequest as error:  # a NetworkError in PTB, but sending it again cannot help
                self._give_up(what, record, error, attempt)
                return None
            except NetworkError as error:  # 5xx, timeouts, connection errors
                wait, problem = delay, error
                delay = min(delay * 2, self.max_delay)
            except TelegramError as error:  # 403 blocked, 401 bad token, ...
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
        entry = {"time": time.time(), "what": what, "error": str(error), **record}
        with self.undelivered.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

"""A closed-loop load generator for a chat bot, reusable by other benchmarks.

Closed loop: each simulated user sends a message, waits for the reply and sends the
next one at once (no think time), so the offered load adapts to the server and the
number of users, not a request rate, is the knob.

    async with aiohttp.ClientSession() as session:
        send = rest_sender(session, "http://localhost:5005/webhooks/rest/webhook")
        turns = await closed_loop(send, users=20, seconds=30, scripts=[["hoi", "Wat is DigiD?"]])
        print(summarize(turns).throughput)

`send(sender, text)` does one turn and raises on any failure; everything else here is
independent of Rasa, so a scale test can pass its own `send` (several replicas, a
load balancer, another channel). `closed_loop` runs for a time in short, fresh
conversations; `play` runs given conversations once each (e.g. long ones), all at once.
`summarize` gives turns/s, p50 and p95 of one phase or of several pooled.

benchmarks/ is not a package: its scripts import this as `load`; code elsewhere puts
benchmarks/ on sys.path first.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

# One turn: (sender id, text) -> the bot's reply; raises when the turn failed.
Send = Callable[[str, str], Awaitable[Any]]


@dataclass(frozen=True)
class Turn:
    user: int
    sender: str
    number: int  # 1-based position of the message in its conversation
    started: float  # time.perf_counter() when it was sent
    seconds: float  # until the reply (or the failure)
    error: str | None = None

    @property
    def finished(self) -> float:
        return self.started + self.seconds


@dataclass(frozen=True)
class Summary:
    turns: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def throughput(self) -> float:
        """Answered turns a second."""
        return self.turns / self.seconds if self.seconds else 0.0


class TurnFailed(RuntimeError):
    """The bot answered with an error status or with nothing."""


def rest_sender(session: aiohttp.ClientSession, url: str, headers: Mapping[str, str] | None = None,
                timeout: float = 120.0, require_reply: bool = True) -> Send:
    """A `send` for Rasa's REST channel: POST {"sender", "message"}; a turn fails on a
    status other than 200 or (with `require_reply`) a reply without a message."""
    client_timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(sender: str, text: str) -> list[dict[str, Any]]:
        async with session.post(url, json={"sender": sender, "message": text}, headers=dict(headers or {}),
                                timeout=client_timeout) as response:
            body = await response.text()
            if response.status != 200:
                raise TurnFailed(f"HTTP {response.status}: {body[:200]}")
        replies = _json_list(body)
        if require_reply and not any(reply.get("text") or reply.get("buttons") for reply in replies):
            raise TurnFailed(f"no reply to {text!r}")
        return replies

    return send


def _json_list(body: str) -> list[dict[str, Any]]:
    value = json.loads(body)
    if not isinstance(value, list):
        raise TurnFailed(f"not a list of messages: {body[:200]}")
    return [item for item in value if isinstance(item, dict)]


async def _timed_turn(send: Send, user: int, sender: str, number: int, text: str) -> Turn:
    started = time.perf_counter()
    try:
        await send(sender, text)
    except Exception as error:  # noqa: BLE001 - any failure is a failed turn, recorded, not raised
        return Turn(user, sender, number, started, time.perf_counter() - started, f"{type(error).__name__}: {error}")
    return Turn(user, sender, number, started, time.perf_counter() - started)


async def closed_loop(send: Send, users: int, seconds: float, scripts: Sequence[Sequence[str]], *,
                      sender_prefix: str = "load") -> list[Turn]:
    """`users` users, each sending without pause for `seconds`, in fresh conversations:
    a user plays one script (a short conversation) from a new sender id, then the next
    script from another new sender id, and so on; users start at different scripts.

    No turn starts after the deadline; the turns running then are awaited, so a phase
    lasts `seconds` plus at most one turn. Returns every turn, failed ones included."""
    run = uuid.uuid4().hex[:8]
    deadline = time.perf_counter() + seconds

    async def user_loop(user: int) -> list[Turn]:
        done: list[Turn] = []
        for conversation in itertools.count():
            script = scripts[(user + conversation) % len(scripts)]
            sender = f"{sender_prefix}-{run}-{user}-{conversation}"
            for number, text in enumerate(script, start=1):
                if time.perf_counter() >= deadline:
                    return done
                done.append(await _timed_turn(send, user, sender, number, text))
        return done  # pragma: no cover - itertools.count() never ends

    per_user = await asyncio.gather(*(user_loop(user) for user in range(users)))
    return [turn for turns in per_user for turn in turns]


async def play(send: Send, scripts: Sequence[Sequence[str]], *, sender_prefix: str = "play") -> list[Turn]:
    """One user per script, all at once; each plays its whole script in ONE conversation
    (one sender id), without pause. For long conversations."""
    run = uuid.uuid4().hex[:8]

    async def user_loop(user: int, script: Sequence[str]) -> list[Turn]:
        sender = f"{sender_prefix}-{run}-{user}"
        return [await _timed_turn(send, user, sender, number, text) for number, text in enumerate(script, start=1)]

    per_user = await asyncio.gather(*(user_loop(user, script) for user, script in enumerate(scripts)))
    return [turn for turns in per_user for turn in turns]


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (1-99), interpolated between the values; NaN without values."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def span(turns: Sequence[Turn]) -> float:
    """Seconds from the first turn's start to the last turn's end."""
    return max(turn.finished for turn in turns) - min(turn.started for turn in turns) if turns else 0.0


def summarize(*phases: Sequence[Turn]) -> Summary:
    """Throughput and latency of one or more phases (each the turns `closed_loop`
    returned), pooled: answered turns over the phases' total span. The span includes
    the last turns that ran past the deadline, so no work done is left out."""
    latencies = [turn.seconds * 1000 for turns in phases for turn in turns if turn.error is None]
    errors = sum(1 for turns in phases for turn in turns if turn.error is not None)
    return Summary(len(latencies), errors, sum(span(turns) for turns in phases),
                   percentile(latencies, 50), percentile(latencies, 95))

"""Residents for the scale tests: conversations over REST and the widget, closed loop
(each sends its next message when the last one was answered), against 127.0.0.1 only.

A widget conversation resends a message that got no answer, with the same message id,
as the widget does; a REST conversation (Rasa's protocol has no message id) counts the
turn as failed and goes on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import aiohttp
from sqlalchemy import create_engine, text

QUESTIONS = (
    "Wat is huurtoeslag?", "What is the Warmtefonds?", "Kiko ta DigiD?", "Hoe vraag ik DigiD aan?",
    "What is a Regiodeal?", "Wat doet de Huurcommissie?", "Kiko ta huurtoeslag?", "How do I vote?",
)
WIDGET_RESENDS = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Conversation:
    channel: Literal["rest", "widget"]
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    acknowledged: list[str] = field(default_factory=list)  # the texts, in the order answered
    failed: list[str] = field(default_factory=list)  # texts that never got an answer (REST)
    replies: list[str] = field(default_factory=list)  # the first reply of each acknowledged turn
    latencies: list[float] = field(default_factory=list)
    resent: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def sender(self) -> str:
        """The tracker's sender id (an untrusted REST caller gets the `rest-` namespace)."""
        return f"{self.channel}-{self.key}"

    async def turn(self, session: aiohttp.ClientSession, base_url: str, message: str) -> bool:
        started = time.monotonic()
        reply = await (self._rest(session, base_url, message) if self.channel == "rest"
                       else self._widget(session, base_url, message))
        if reply is None:
            self.failed.append(message)
            return False
        self.latencies.append(time.monotonic() - started)
        self.acknowledged.append(message)
        self.replies.append(reply)
        return True

    async def _rest(self, session: aiohttp.ClientSession, base_url: str, message: str) -> str | None:
        try:
            async with session.post(f"{base_url}/webhooks/rest/webhook",
                                    json={"sender": self.key, "message": message}) as response:
                body = await response.json(content_type=None) if response.status == 200 else None
                if response.status != 200:
                    self.errors.append(f"REST {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            self.errors.append(f"REST {type(error).__name__}")
            return None
        texts = [str(reply.get("text") or "") for reply in body or [] if isinstance(reply, dict)]
        return texts[0] if texts and texts[0] else None

    async def _widget(self, session: aiohttp.ClientSession, base_url: str, message: str) -> str | None:
        body = {"conversation_id": self.key, "message_id": str(uuid.uuid4()), "text": message}
        for attempt in range(WIDGET_RESENDS):
            if attempt:
                self.resent += 1
                await asyncio.sleep(min(0.5 * 2 ** (attempt - 1), 4.0))
            try:
                async with session.post(f"{base_url}/chat/webhook", json=body) as response:
                    if response.status != 200:
                        self.errors.append(f"widget {response.status}")
                        continue
                    answer = await response.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                self.errors.append(f"widget {type(error).__name__}")
                continue
            texts = [str(reply.get("text") or "") for reply in answer.get("messages") or []]
            if texts and texts[0]:
                return texts[0]
            self.errors.append("widget: empty reply")
        return None


async def run_conversations(base_url: str, conversations: list[Conversation], seconds: float,
                            timeout: float = 30.0) -> float:
    """Every conversation talks until `seconds` have passed; the turns per second of all."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    limits = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=limits, timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def talk(conversation: Conversation, offset: int) -> None:
            for message in itertools.islice(itertools.cycle(QUESTIONS), offset, None):
                if time.monotonic() >= deadline:
                    return
                await conversation.turn(session, base_url, message)

        await asyncio.gather(*(talk(conversation, index) for index, conversation in enumerate(conversations)))
    elapsed = time.monotonic() - started
    return sum(len(conversation.acknowledged) for conversation in conversations) / elapsed


def stored_turns(database_url: str, sender: str) -> list[tuple[str, int]]:
    """The user messages of a conversation as the tracker store has them, in order, each
    with the number of bot replies that follow it before the next user message."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT type_name, data FROM events WHERE sender_id = :sender "
                                           "ORDER BY id"), {"sender": sender}).all()
    finally:
        engine.dispose()
    turns: list[tuple[str, int]] = []
    for type_name, data in rows:
        if type_name == "user":
            turns.append((str(json.loads(data).get("text") or ""), 0))
        elif type_name == "bot" and turns:
            turns[-1] = (turns[-1][0], turns[-1][1] + 1)
    return turns


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def pids_of(program: str) -> list[int]:
    """The processes whose command starts with `program` (postgres, redis-server, nginx)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            continue
        if os.path.basename(command.split()[0] if command else "").startswith(program):
            found.append(int(entry))
    return found

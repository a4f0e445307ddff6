"""Handovers: what a resident agreed to share with a desk, found by a short code.

Made only after the resident said yes. Everything is copied in at that moment (the
question, the topics, a check's answers and outcome, the redacted conversation), so
conversation retention cannot empty it; it is deleted when staff mark it handled, when
the resident withdraws it, or when it expires (`LOKET_HANDOVER_DAYS`).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.desk.store import handovers
from bot.privacy import redact_text

# No 0/O, 1/I: a code read out at a desk or typed from a phone cannot be mistaken.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
SECONDS_PER_DAY = 86_400
TRANSCRIPT_LIMIT = 60  # the last messages of the conversation; a desk needs the gist, not a long past
_SEPARATORS = re.compile(r"[\s\-–—_.]+")


class BadCode(ValueError):
    """Not a handover code; the message says what one looks like."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """ABCDEF -> ABC-DEF, as residents and staff see it."""
    return f"{code[:3]}-{code[3:]}"


def parse_code(text: str) -> str:
    """What someone typed ("abc-def", "ABC DEF", " abcdef ") as a stored code; BadCode if it cannot be one."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        raise BadCode(f"a code has {CODE_LENGTH} letters and digits, such as {shown('ABC234')} "
                      f"(no 0, O, 1 or I)")
    return code


@dataclass(frozen=True)
class Line:
    who: str  # user | bot
    text: str


@dataclass(frozen=True)
class Outcome:
    """A check's outcome, with its reasons written out in each language staff or the resident read."""

    scheme: str
    eligible: bool | None  # None: can't tell yet
    text: Mapping[str, str]  # language -> the outcome and reasons as the resident saw them


@dataclass(frozen=True)
class Draft:
    """What the resident agreed to share, before it is stored."""

    language: str
    channel: str
    question: str
    topics: Sequence[str] = ()
    place: str | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    outcome: Outcome | None = None
    transcript: Sequence[Line] = ()


@dataclass(frozen=True)
class Handover:
    code: str
    created_at: float
    expires_at: float
    language: str
    channel: str
    place: str | None
    topics: list[str]
    question: str
    answers: dict[str, str]
    outcome: dict[str, Any] | None
    summary: dict[str, str]
    transcript: list[dict[str, str]]

    @property
    def shown_code(self) -> str:
        return shown(self.code)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "code": self.shown_code}


def _redacted(draft: Draft) -> Draft:
    """Channels redact before Rasa sees a message; redacting again costs little and covers any path."""
    return Draft(
        language=draft.language, channel=draft.channel, question=redact_text(draft.question),
        topics=tuple(draft.topics), place=draft.place,
        answers={name: redact_text(str(value)) for name, value in draft.answers.items()},
        outcome=draft.outcome,
        transcript=tuple(Line(line.who, redact_text(line.text)) for line in draft.transcript[-TRANSCRIPT_LIMIT:]),
    )


class Handovers:
    """The handovers in the desk database."""

    def __init__(self, engine: Engine, days: int, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._days = days
        self._clock = clock

    def create(self, draft: Draft, summary: Mapping[str, str]) -> Handover:
        """Store a handover under a new, unused code. `summary`: language -> a summary for staff."""
        draft = _redacted(draft)
        now = self._clock()
        row = {
            "created_at": now, "expires_at": now + self._days * SECONDS_PER_DAY,
            "language": draft.language, "channel": draft.channel, "place": draft.place,
            "topics": list(draft.topics), "question": draft.question, "answers": dict(draft.answers),
            "outcome": None if draft.outcome is None else {
                "scheme": draft.outcome.scheme, "eligible": draft.outcome.eligible, "text": dict(draft.outcome.text)},
            "summary": {language: redact_text(text) for language, text in summary.items()},
            "transcript": [asdict(line) for line in draft.transcript],
        }
        for _ in range(10):  # 32^6 codes: a clash is rare, but a code must never open someone else's
            code = new_code()
            try:
                with self._engine.begin() as connection:
                    connection.execute(insert(handovers).values(code=code, **row))
                return Handover(code=code, **row)  # type: ignore[arg-type]
            except IntegrityError:
                continue
        raise RuntimeError("could not find an unused handover code")

    def get(self, code: str) -> Handover | None:
        """The handover with this code (any spelling parse_code takes), unless it expired."""
        code = parse_code(code)
        with self._engine.connect() as connection:
            row = connection.execute(select(handovers).where(handovers.c.code == code)).mappings().first()
        if row is None or row["expires_at"] <= self._clock():
            return None
        return Handover(**dict(row))

    def open(self) -> list[Handover]:
        """Every handover not yet expired, newest first."""
        query = select(handovers).where(handovers.c.expires_at > self._clock()).order_by(handovers.c.created_at.desc())
        with self._engine.connect() as connection:
            return [Handover(**dict(row)) for row in connection.execute(query).mappings()]

    def delete(self, codes: str | Sequence[str]) -> int:
        """Handled or withdrawn: delete; the number deleted. Codes that are not codes are skipped."""
        wanted = []
        for code in [codes] if isinstance(codes, str) else codes:
            try:
                wanted.append(parse_code(code))
            except BadCode:
                continue
        if not wanted:
            return 0
        with self._engine.begin() as connection:
            return connection.execute(delete(handovers).where(handovers.c.code.in_(wanted))).rowcount or 0

    def purge(self) -> int:
        """Delete expired handovers; the number deleted."""
        with self._engine.begin() as connection:
            return connection.execute(delete(handovers).where(handovers.c.expires_at <= self._clock())).rowcount or 0

"""Residents' "did this help?" and the questions Loket could not answer.

Both are stored redacted, with a topic and a language and no user identifier, and
deleted after `LOKET_FEEDBACK_DAYS`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from bot.desk.gaps import Group, Question, group_questions
from bot.desk.store import feedback, gaps
from bot.privacy import redact_text

SECONDS_PER_DAY = 86_400
GAP_REASONS = ("fallback", "out_of_scope", "not_helpful")
MAX_TEXT_CHARS = 500  # one sentence is asked for; a pasted letter is cut
COMMENTS_SHOWN = 20


@dataclass(frozen=True)
class TopicFeedback:
    topic: str
    helpful: int
    not_helpful: int
    comments: tuple[str, ...]  # newest first

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def share_helpful(self) -> float:
        return self.helpful / self.total if self.total else 0.0


def _clean(text: str) -> str:
    return redact_text(" ".join(text.split()))[:MAX_TEXT_CHARS]


class Feedback:
    def __init__(self, engine: Engine, days: int, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._days = days
        self._clock = clock

    def _day(self) -> float:
        """Now, to the day: exact times would match a conversation's events."""
        return self._clock() // SECONDS_PER_DAY * SECONDS_PER_DAY

    def rate(self, topic: str, language: str, helpful: bool) -> str | None:
        """One "yes" or "no" on an answer about `topic`. After a no, a one-time token for its
        comment (the conversation holds it, never the row's id); None after a yes."""
        token = None if helpful else secrets.token_urlsafe(16)
        with self._engine.begin() as connection:
            connection.execute(insert(feedback).values(at=self._day(), topic=topic, language=language,
                                                       helpful=helpful, comment_token=token))
        return token

    def comment(self, token: str, text: str) -> bool:
        """The optional sentence after a "no"; False for an unknown or used token. The token goes."""
        text = _clean(text)
        if not text or not token:
            return False
        with self._engine.begin() as connection:
            changed = connection.execute(update(feedback).where(feedback.c.comment_token == token)
                                         .values(comment=text, comment_token=None)).rowcount
        return bool(changed)

    def per_topic(self) -> list[TopicFeedback]:
        """Every rated topic, the least helpful first."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(feedback).order_by(feedback.c.at.desc())).mappings().all()
        topics: dict[str, dict[str, object]] = {}
        for row in rows:
            entry = topics.setdefault(row["topic"], {"yes": 0, "no": 0, "comments": []})
            entry["yes" if row["helpful"] else "no"] += 1  # type: ignore[operator]
            if row["comment"] and len(entry["comments"]) < COMMENTS_SHOWN:  # type: ignore[arg-type]
                entry["comments"].append(row["comment"])  # type: ignore[union-attr]
        found = [TopicFeedback(topic, int(entry["yes"]), int(entry["no"]), tuple(entry["comments"]))  # type: ignore[arg-type]
                 for topic, entry in topics.items()]
        return sorted(found, key=lambda item: (item.share_helpful, -item.total, item.topic))

    def gap(self, text: str, language: str, reason: str, topic: str | None = None) -> None:
        """A question Loket could not answer (reason: fallback, out_of_scope or not_helpful)."""
        if reason not in GAP_REASONS:
            raise ValueError(f"reason must be one of {', '.join(GAP_REASONS)}, not {reason!r}")
        text = _clean(text)
        if not text or text.startswith("/"):  # a button's payload is no question
            return
        with self._engine.begin() as connection:
            connection.execute(insert(gaps).values(at=self._day(), language=language, reason=reason,
                                                   topic=topic, text=text))

    def gap_groups(self, include_added: bool = False) -> list[Group]:
        """The unanswered questions grouped by similar wording, biggest groups first."""
        query = select(gaps.c.id, gaps.c.text, gaps.c.language, gaps.c.at)
        if not include_added:
            query = query.where(gaps.c.added_at.is_(None))
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return group_questions(Question(id=row.id, text=row.text, language=row.language, at=row.at) for row in rows)

    def mark_added(self, ids: Sequence[int]) -> int:
        """Staff added the answer to the knowledge base: the group leaves the list."""
        if not ids:
            return 0
        with self._engine.begin() as connection:
            return connection.execute(update(gaps).where(gaps.c.id.in_(list(ids)), gaps.c.added_at.is_(None))
                                      .values(added_at=self._clock())).rowcount or 0

    def purge(self) -> int:
        """Delete feedback and questions older than the retention period; the rows deleted."""
        cutoff = self._clock() - self._days * SECONDS_PER_DAY
        with self._engine.begin() as connection:
            removed = connection.execute(delete(feedback).where(feedback.c.at < cutoff)).rowcount or 0
            removed += connection.execute(delete(gaps).where(gaps.c.at < cutoff)).rowcount or 0
        return removed

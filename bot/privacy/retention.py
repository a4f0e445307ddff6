"""How long conversations are kept: deleting old ones (retention) and one on request
(forgetting), in Rasa's SQL tracker store.

Plain SQLAlchemy over the `events` table that Rasa's SQLTrackerStore writes (one row
per event, with the conversation's `sender_id` and a unix `timestamp`), so it works
on SQLite and PostgreSQL alike and needs no Rasa import.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, func, inspect, select
from sqlalchemy.engine import Engine

SECONDS_PER_DAY = 86_400

_metadata = MetaData()
# The columns of Rasa's table that retention needs; Rasa creates and owns the table.
events = Table(
    "events", _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class Removed:
    conversations: int
    events: int


def purge(engine: Engine, older_than_days: float, now: float | None = None) -> Removed:
    """Delete every conversation whose last event is older than `older_than_days`."""
    if not inspect(engine).has_table("events"):
        return Removed(0, 0)
    cutoff = (time.time() if now is None else now) - older_than_days * SECONDS_PER_DAY
    last_event = func.max(events.c.timestamp)
    old = select(events.c.sender_id).group_by(events.c.sender_id).having(last_event < cutoff)
    with engine.begin() as connection:
        senders = list(connection.execute(old).scalars())
        removed = 0
        for start in range(0, len(senders), 500):  # bounded IN lists
            batch = senders[start:start + 500]
            removed += connection.execute(delete(events).where(events.c.sender_id.in_(batch))).rowcount or 0
    return Removed(len(senders), removed)


def forget(engine: Engine, sender_id: str) -> int:
    """Delete one conversation; the number of events removed."""
    if not inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        return connection.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount or 0


def count_events(engine: Engine, sender_id: str | None = None) -> int:
    if not inspect(engine).has_table("events"):
        return 0
    query = select(func.count()).select_from(events)
    if sender_id is not None:
        query = query.where(events.c.sender_id == sender_id)
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())

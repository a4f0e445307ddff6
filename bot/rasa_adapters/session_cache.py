"""Rasa's SQL tracker store, reading back only what it has not read before.

Rasa reads a conversation's whole session from the database on every turn: each row
through the ORM, `json.loads` and `Event.from_parameters`. At turn 100 that is ~700 rows
a turn, and it made a long conversation's turns ever slower (issue 13). This store keeps,
per conversation, the session's events as Rasa parsed them and the id of the last row.
A later read asks the database for the rows after that id only, parses those, and
builds the tracker from all events the way Rasa's own `from_dict` does
(`DialogueStateTracker.from_events`), so Rasa gets a new tracker every time.

`save` is Rasa's own, except that it learns from the kept session how many of the
tracker's events are stored already (Rasa counts the session's rows again).

The database stays the only truth, so several replicas can share it: every read goes
to the database, and a conversation whose earlier rows changed (deleted on request or by
the purge: fewer rows up to the remembered id) or that started a new session is read in
full, as Rasa reads it. Events are never mutated once
made (Rasa deep-copies one before changing it), so sharing them between trackers is safe.

What is kept is bounded in number and time (bot/rasa_adapters/recent.py); the text in
it is what the tracker already holds (redacted before Rasa).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_adapters import prior_states
from bot.rasa_adapters.recent import Recent


@dataclass
class _Session:
    events: list[Event]  # the session's events, oldest first
    last_id: int  # id of the last row read
    rows_through_last_id: int  # rows of this sender (all sessions) with id <= last_id


class CachingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with each conversation's current session kept between turns.
    Configured in the endpoints as `type: bot.rasa_adapters.session_cache.CachingSQLTrackerStore`
    with the same keys as Rasa's `type: SQL`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sessions: Recent[_Session] = Recent()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions or not self.domain:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            found = self._read_on_kept(session, sender_id) or self._read_session(session, sender_id)
        if found is None:
            self._sessions.pop(sender_id)
            return None
        self._sessions.put(sender_id, found)
        return DialogueStateTracker.from_events(sender_id, found.events, self.domain.slots)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events `save` must write. Rasa counts the session's stored rows for that
        (a query over all of them); the kept session gives the count from the rows after it."""
        found = self._read_on_kept(session, tracker.sender_id)
        if found is None:
            return super()._additional_events(session, tracker)
        self._sessions.put(tracker.sender_id, found)
        return itertools.islice(tracker.events, len(found.events), len(tracker.events))

    def evict(self, sender_id: str) -> None:
        """Forget what is kept of a conversation (its rows were deleted), here and in the
        policies' states."""
        self._sessions.pop(sender_id)
        prior_states.forget(sender_id)

    def _read_session(self, session: Any, sender_id: str) -> _Session | None:
        """The session as Rasa reads it, plus where it ends."""
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        if not rows:
            return None
        last_id = rows[-1].id
        return _Session([Event.from_parameters(json.loads(row.data)) for row in rows], last_id,
                        self._rows_through(session, sender_id, last_id))

    def _read_on_kept(self, session: Any, sender_id: str) -> _Session | None:
        """The kept session with the rows stored since; None when none is kept or it must be
        read in full."""
        cached = self._sessions.get(sender_id)
        if cached is None or self._rows_through(session, sender_id, cached.last_id) != cached.rows_through_last_id:
            return None
        event = self.SQLEvent
        rows = session.execute(
            sa.select(event.id, event.type_name, event.data)
            .where(event.sender_id == sender_id, event.id > cached.last_id)
            .order_by(event.id)).all()
        if any(row.type_name == SessionStarted.type_name for row in rows):
            return None
        if not rows:
            return cached
        return _Session(cached.events + [Event.from_parameters(json.loads(row.data)) for row in rows],
                        rows[-1].id, cached.rows_through_last_id + len(rows))

    def _rows_through(self, session: Any, sender_id: str, last_id: int) -> int:
        event = self.SQLEvent
        return session.execute(sa.select(sa.func.count(event.id))
                               .where(event.sender_id == sender_id, event.id <= last_id)).scalar_one()

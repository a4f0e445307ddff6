"""A turn that Rasa's tracker store did not store is not acknowledged (issue 13)."""

from __future__ import annotations

import asyncio

from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.stored_turns import StoreErrors


class Unreachable(InMemoryTrackerStore):
    """A database that is down."""

    def __init__(self) -> None:
        super().__init__(Domain.empty())
        self.down = False

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.down:
            raise ConnectionError("the database is restarting")
        await super().save(tracker)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if self.down:
            raise ConnectionError("the database is restarting")
        return await super().retrieve(sender_id)


def turn(store: FailSafeTrackerStore, sender: str) -> None:
    async def handle() -> None:  # as Rasa's processor does: read, then write
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
        tracker.update_with_events([], Domain.empty())
        await store.save(tracker)

    asyncio.run(handle())


def test_a_turn_is_acknowledged_only_when_the_store_took_it():
    primary = Unreachable()
    store = FailSafeTrackerStore(primary)
    errors = StoreErrors()

    before = errors.watch(store)
    turn(store, "widget-1")
    assert errors.stored(store, "widget-1", before)

    primary.down = True
    before = errors.watch(store)
    turn(store, "widget-1")
    assert not errors.stored(store, "widget-1", before)
    assert "widget-1" not in store.fallback_tracker_store.store  # Rasa's in-memory copy is not kept

    primary.down = False
    before = errors.watch(store)
    turn(store, "widget-1")
    assert errors.stored(store, "widget-1", before)


def test_only_rasas_fail_safe_store_is_watched():
    errors = StoreErrors()
    plain = InMemoryTrackerStore(Domain.empty())
    assert errors.watch(plain) == 0 and errors.stored(plain, "x", 0)

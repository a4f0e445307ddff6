"""Whether Rasa's tracker store failed while a turn ran.

Rasa wraps the tracker store in its FailSafeTrackerStore: a read that fails gives the
turn a new, empty conversation, and a write that fails is kept in memory only. The turn
is answered but not stored, so a channel must not acknowledge it (issue 13: a
PostgreSQL restart lost answered messages). The channels answer 503 instead; the widget
sends the message again, and a resent message that was stored after all is answered
from the tracker, never handled twice.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)


class StoreErrors:
    """Counts the tracker store's errors in this process (one callback slot, so one counter
    for all channels)."""

    def __init__(self) -> None:
        self.count = 0

    def watch(self, tracker_store: Any) -> int:
        """Start counting this store's errors (once), and return the count so far."""
        if isinstance(tracker_store, FailSafeTrackerStore) and tracker_store._on_tracker_store_error is None:
            tracker_store._on_tracker_store_error = self._failed
        return self.count

    def _failed(self, error: Exception) -> None:
        self.count += 1
        logger.error("the conversation store failed; the turn is not acknowledged: %s", error)

    def stored(self, tracker_store: Any, sender: str, before: int) -> bool:
        """No store error since `before`: the turn is in the store. An error in another
        conversation at the same moment also counts (only during an outage), which costs
        that turn a resend, never a loss."""
        fallback = getattr(tracker_store, "_fallback_tracker_store", None)
        if fallback is not None:  # Rasa's in-memory copy of an unsaved turn: not kept
            fallback.store.pop(sender, None)
        return self.count == before


STORE_ERRORS = StoreErrors()
NOT_STORED = "the conversation could not be stored just now; send the message again"

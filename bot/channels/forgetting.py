"""Deleting a conversation when its user asks, once Rasa has saved the turn.

Rasa writes a turn's events when the turn ends, so a deletion inside an action would
be written back. action_forget only adds a mark to its reply; the channel that
carried the message deletes the conversation after `on_new_message` has returned.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.privacy.retention import forget

logger = logging.getLogger(__name__)


def _unwrapped(store: Any) -> Any:
    """Rasa wraps its tracker store (fail-safe, awaitable); the store that holds the rows."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def forget_conversation(tracker_store: Any, sender: str) -> int:
    """Delete every event of `sender`; the number deleted (SQL and in-memory stores)."""
    store = _unwrapped(tracker_store)
    if hasattr(store, "engine"):  # Rasa's SQLTrackerStore
        removed = forget(store.engine, sender)
        if hasattr(store, "evict"):  # and what bot.rasa_adapters.session_cache kept of it
            store.evict(sender)
    elif isinstance(getattr(store, "store", None), dict):  # InMemoryTrackerStore
        removed = 1 if store.store.pop(sender, None) is not None else 0
    else:
        raise TypeError(f"cannot delete conversations from {type(store).__name__}")
    logger.info("deleted a conversation on its user's request (%d event rows)", removed)
    return removed

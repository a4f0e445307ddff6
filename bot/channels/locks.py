"""One asyncio lock per conversation, so a channel handles a conversation's messages
one at a time and in order; a lock nobody holds or waits for is forgotten."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable


class ConversationLocks:
    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = weakref.WeakValueDictionary()

    def __call__(self, conversation: Hashable) -> asyncio.Lock:
        lock = self._locks.get(conversation)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conversation] = lock
        return lock

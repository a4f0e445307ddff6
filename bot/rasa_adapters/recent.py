"""What the Rasa adapters keep of recent conversations, bounded in number and in time."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

Value = TypeVar("Value")

# A conversation's turns come seconds apart; one idle for ten minutes is read afresh.
MAX_CONVERSATIONS = 500
IDLE_SECONDS = 600.0


class Recent(Generic[Value]):
    """At most `MAX_CONVERSATIONS` values, each dropped `IDLE_SECONDS` after it was last
    put or got; the least recently used goes first."""

    def __init__(self) -> None:
        self._values: OrderedDict[object, tuple[float, Value]] = OrderedDict()

    def get(self, key: object) -> Value | None:
        self._drop_idle()
        found = self._values.get(key)
        if found is None:
            return None
        self._values[key] = (time.monotonic(), found[1])
        self._values.move_to_end(key)
        return found[1]

    def put(self, key: object, value: Value) -> None:
        self._values[key] = (time.monotonic(), value)
        self._values.move_to_end(key)
        while len(self._values) > MAX_CONVERSATIONS:
            self._values.popitem(last=False)

    def pop(self, key: object) -> None:
        self._values.pop(key, None)

    def keys(self) -> list[object]:
        return list(self._values)

    def _drop_idle(self) -> None:
        cutoff = time.monotonic() - IDLE_SECONDS
        while self._values:
            key, (used, _) = next(iter(self._values.items()))
            if used >= cutoff:
                return
            del self._values[key]

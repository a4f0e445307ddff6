"""Rasa with stage timers, for benchmarks only.

    python benchmarks/rasa_timing.py OUTFILE.json run --model ...   (any `rasa` arguments)

Wraps a few Rasa 3.6 methods in timers, then runs Rasa's own `main()` in this process
with the remaining arguments. Every second a thread writes, to OUTFILE, the total
seconds and call count of each stage since the start:

    turn      MessageProcessor.handle_message (one user message, all of it)
    parse     MessageProcessor.parse_message (the NLU pipeline)
    policies  MessageProcessor._predict_next_with_tracker (the policies, once per action)
    actions   RemoteAction.run (custom actions: the HTTP round trip to the action server
              and the check of its answer)
    tracker   retrieve / retrieve_full_tracker / save of the SQL and in-memory tracker stores

A reader takes the difference of two snapshots. A stage called inside itself (a store
method calling another) is timed once, at the outer call. The wrappers only measure:
arguments, results and exceptions pass through unchanged.

Times are wall clock. At one user a stage's time is its own; with many users in one
event loop, a stage that awaits (actions, turn) also holds the time other turns ran.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = ("turn", "parse", "policies", "actions", "tracker")
_totals: dict[str, list[float]] = {stage: [0.0, 0] for stage in STAGES}  # stage -> [seconds, calls]
_lock = threading.Lock()
# Stages running in this task (or thread): a nested call to the same stage is not timed again.
_active: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("rasa_timing_active", default=frozenset())


def _add(stage: str, seconds: float) -> None:
    with _lock:
        _totals[stage][0] += seconds
        _totals[stage][1] += 1


def timed(stage: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` (sync or async) with its time added to `stage`."""
    if inspect.iscoroutinefunction(method):
        @functools.wraps(method)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            active = _active.get()
            if stage in active:
                return await method(*args, **kwargs)
            token = _active.set(active | {stage})
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                _add(stage, time.perf_counter() - started)
                _active.reset(token)
        return async_wrapper

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        active = _active.get()
        if stage in active:
            return method(*args, **kwargs)
        token = _active.set(active | {stage})
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            _add(stage, time.perf_counter() - started)
            _active.reset(token)
    return wrapper


def _wrap(owner: type, name: str, stage: str) -> None:
    if name not in vars(owner):  # inherited: wrapped where it is defined, or not at all
        raise AttributeError(f"{owner.__qualname__}.{name} is not there: is this Rasa 3.6?")
    setattr(owner, name, timed(stage, vars(owner)[name]))


def install() -> None:
    """Wrap the methods; at class level, so every instance Rasa makes is timed."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore

    _wrap(MessageProcessor, "handle_message", "turn")
    _wrap(MessageProcessor, "parse_message", "parse")
    _wrap(MessageProcessor, "_predict_next_with_tracker", "policies")
    _wrap(RemoteAction, "run", "actions")
    # The stores themselves, not Rasa's AwaitableTrackerStore / FailSafeTrackerStore
    # wrappers around them, so the time is the store's own.
    for store in (SQLTrackerStore, InMemoryTrackerStore):
        for name in ("retrieve", "retrieve_full_tracker", "save"):
            _wrap(store, name, "tracker")


def snapshot() -> dict[str, Any]:
    with _lock:
        stages = {stage: {"seconds": seconds, "calls": int(calls)} for stage, (seconds, calls) in _totals.items()}
    return {"pid": os.getpid(), "written_at": time.time(), "stages": stages}


def _write_forever(path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    while True:
        partial.write_text(json.dumps(snapshot()), encoding="utf-8")
        os.replace(partial, path)  # a reader never sees half a file
        time.sleep(1.0)


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: python benchmarks/rasa_timing.py OUTFILE.json run [rasa arguments ...]")
    out = Path(sys.argv[1]).resolve()
    # This script's directory first on sys.path would shadow modules (channels.py).
    script_dir = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(script_dir)]
    install()
    threading.Thread(target=_write_forever, args=(out,), name="rasa-timing", daemon=True).start()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[2:]]
    rasa_main()


if __name__ == "__main__":
    main()

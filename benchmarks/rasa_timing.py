"""Rasa with stage timers, for benchmarks only.

    python benchmarks/rasa_timing.py OUTFILE.json [--without CHANGE] run --model ...   (any `rasa` arguments)

Wraps a few Rasa 3.6 methods in timers, then runs Rasa's own `main()` in this process
with the remaining arguments. Every second a thread writes, to OUTFILE, the total
seconds and call count of each stage since the start:

    turn      MessageProcessor.handle_message (one user message, all of it)
    parse     MessageProcessor.parse_message (the NLU pipeline)
    policies  MessageProcessor._predict_next_with_tracker (the policies, once per action)
    actions   RemoteAction.run (custom actions: the HTTP round trip to the action server
              and the check of its answer)
    tracker   retrieve / retrieve_full_tracker / save of the SQL and in-memory tracker stores

`--without CHANGE` switches one of Loket's speed-ups off in this server (one of
`CHANGES`), for the benchmark's before-and-after rows: the change's code is put back to
Rasa's own before Rasa starts.

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


def _without_schema_cache() -> None:
    import jsonschema

    from bot.rasa_adapters import speedups
    jsonschema.validate = speedups._ORIGINAL_VALIDATE


def _without_event_classes() -> None:
    from rasa.shared.core.events import Event

    from bot.rasa_adapters import speedups
    Event.resolve_by_type = staticmethod(speedups._ORIGINAL_RESOLVE)


def _without_session_cache() -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    from bot.rasa_adapters.session_cache import CachingSQLTrackerStore
    CachingSQLTrackerStore._retrieve = SQLTrackerStore._retrieve
    CachingSQLTrackerStore._additional_events = SQLTrackerStore._additional_events


def _without_prior_states() -> None:
    from rasa.shared.core.domain import Domain

    from bot.rasa_adapters import prior_states
    Domain.states_for_tracker_history = prior_states._ORIGINAL


def _without_recent_events() -> None:
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_adapters import action_payload
    RemoteAction._action_call_format = action_payload._ORIGINAL


def _without_wal() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from bot.rasa_adapters import sqlite_tuning
    event.remove(Engine, "connect", sqlite_tuning._tune)


# A change -> what puts Rasa's own code back (after bot.rasa_adapters installed Loket's).
CHANGES: dict[str, Callable[[], None]] = {
    "schema-cache": _without_schema_cache,
    "event-classes": _without_event_classes,
    "session-cache": _without_session_cache,
    "prior-states": _without_prior_states,
    "recent-events": _without_recent_events,
    "wal": _without_wal,
}


def switch_off(change: str) -> None:
    import bot.rasa_adapters

    bot.rasa_adapters.install()  # every change, now; Rasa's later import of the package changes nothing
    CHANGES[change]()


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
        sys.exit("usage: python benchmarks/rasa_timing.py OUTFILE.json [--without CHANGE] run [rasa arguments ...]")
    out = Path(sys.argv[1]).resolve()
    rasa_arguments = sys.argv[2:]
    without = None
    if rasa_arguments[:1] == ["--without"]:
        without, rasa_arguments = rasa_arguments[1], rasa_arguments[2:]
        if without not in CHANGES:
            sys.exit(f"--without: one of {', '.join(CHANGES)}")
    # This script's directory first on sys.path would shadow modules (channels.py).
    script_dir = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(script_dir)]
    install()
    if without:
        switch_off(without)
    threading.Thread(target=_write_forever, args=(out,), name="rasa-timing", daemon=True).start()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *rasa_arguments]
    rasa_main()


if __name__ == "__main__":
    main()

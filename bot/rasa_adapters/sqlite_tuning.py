"""SQLite as Rasa's tracker store, tuned once per connection.

Rasa's SQLTrackerStore commits after every turn. In SQLite's default rollback-journal
mode with full sync, each commit syncs the journal and the database several times; in
WAL mode with `synchronous=NORMAL` a commit appends to the log, readers do not block the
writer, and the database cannot be corrupted by a crash (a power cut may undo the last
turns, never more). The busy timeout lets the purge and the server write side by side.
PostgreSQL connections are left alone.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _tune(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()


def install() -> None:
    """Every SQLite connection this process opens from now on (Rasa's engine included)."""
    if not event.contains(Engine, "connect", _tune):
        event.listen(Engine, "connect", _tune)

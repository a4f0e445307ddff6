"""The desk's own database: handovers, staff, sessions, the audit log, feedback and
the questions Loket could not answer.

Apart from the knowledge database that `loket build` rebuilds and from Rasa's
conversation store, so neither a rebuild, a retraining nor conversation retention
ever touches it (`LOKET_DESK_DATABASE_URL`, SQLite in var/ by default, PostgreSQL by
URL). Plain SQLAlchemy Core; every table is created when first used.
"""

from __future__ import annotations

import threading

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

from bot.settings import settings

metadata = MetaData()

# A resident's handover, made only with their consent; deleted when handled, withdrawn or expired.
handovers = Table(
    "desk_handovers", metadata,
    Column("code", String(6), primary_key=True),  # without the dash
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("language", String(3), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("place", String(32)),  # an island, or None (European Netherlands or not said)
    Column("topics", JSON, nullable=False),
    Column("question", Text, nullable=False),  # the open question in the resident's words, redacted
    Column("answers", JSON, nullable=False),  # a check's answers {question name: value}
    Column("outcome", JSON),  # {"scheme", "outcome", "reasons": {language: [...]}} or None
    Column("summary", JSON, nullable=False),  # {"nl": ..., "en": ...}: for staff, made at consent time
    Column("transcript", JSON, nullable=False),  # [{"who": "user"|"bot", "text": ...}], redacted
)

staff = Table(
    "desk_staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),  # argon2
    Column("must_change_password", Boolean, nullable=False, default=True),
    Column("totp_secret", String(64)),  # None until the second factor is set up
    Column("totp_last_step", Integer, nullable=False, default=0),  # a code is accepted once
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0.0),
    Column("created_at", Float, nullable=False),
)

# Browser sessions of the console, in the database so that several servers agree. The
# cookie holds a random token; only its hash is stored.
sessions = Table(
    "desk_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("desk_staff.id", ondelete="CASCADE")),  # None before login
    Column("stage", String(16), nullable=False),  # anonymous, password, ok
    Column("csrf_token", String(64), nullable=False),
    Column("pending_secret", String(64)),  # a second factor being set up, until its first code
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False, index=True),
)

audit_log = Table(
    "desk_audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("staff_name", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # login, opened, handled, deleted, staff_added, ...
    Column("code", String(6)),
    Column("detail", Text),
)

# Residents' "did this help?": no user identifier, the comment redacted, the time to the day.
feedback = Table(
    "desk_feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("topic", String(64), nullable=False),
    Column("language", String(3), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("comment", Text),
    # Random, kept in the conversation until its one comment arrives, then cleared: the
    # row's id there would tie the feedback to the conversation for as long as both exist.
    Column("comment_token", String(32), index=True),
)

# "Wat Loket niet wist": questions the assistant could not answer, redacted, no user identifier.
gaps = Table(
    "desk_gaps", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("language", String(3), nullable=False),
    Column("reason", String(16), nullable=False),  # fallback, out_of_scope, not_helpful
    Column("topic", String(64)),
    Column("text", Text, nullable=False),
    Column("added_at", Float),  # staff marked its group "added to the knowledge base"
)

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def desk_engine(url: str | None = None) -> Engine:
    """The engine for the desk database (one per URL and process), its tables created."""
    url = url or settings().desk_database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = create_engine(url, future=True, pool_pre_ping=True)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            metadata.create_all(engine)
            _engines[url] = engine
    return engine


def _sqlite_pragmas(connection: object, _: object) -> None:
    # The action server and the Rasa server (console) write from two processes.
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def dispose_engines() -> None:
    """Close every pooled connection (tests, and a process about to exit)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()

"""Pytest plugin: the project's local PostgreSQL (scripts/postgres), and a fresh empty
database on each storage backend.

Registered with `pytest_plugins = ["tests.postgres"]` in tests/conftest.py (or `-p tests.postgres`).

- `postgres_url` (session): starts the server with `scripts/postgres start`, yields the URL
  of its `loket_test` database, and stops it at the end if a test session started it and
  no other test session (another engineer's, in the same tree) still uses it. When the
  server cannot start, every test that needs it fails with the script's message.
- `database_backend_url`: parametrized over sqlite and postgresql; a new empty database
  for each test (a file in tmp_path; a uniquely named PostgreSQL database, dropped after).
  The postgresql case carries the `postgres` marker, so `-m "not postgres"` runs SQLite only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.settings import PROJECT_DIR, VAR_DIR

SCRIPT = PROJECT_DIR / "scripts" / "postgres"
STATE_DIR = VAR_DIR / "postgres"
SESSIONS_DIR = STATE_DIR / "sessions"
# Present while a server that a test session started runs: the last session out stops it.
STARTED_BY_TESTS = SESSIONS_DIR / "started-by-tests"
SCRIPT_TIMEOUT_SECONDS = 900  # the first start may install Debian's package


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the local PostgreSQL server (scripts/postgres)")


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own script
        ["bash", str(SCRIPT), *args], cwd=PROJECT_DIR, capture_output=True, text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS, check=False,
    )


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())


@contextlib.contextmanager
def _sessions_lock() -> Iterator[None]:
    SESSIONS_DIR.mkdir(parents=True, exist_ok=True)
    with (SESSIONS_DIR / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _other_live_sessions(own: Path) -> list[Path]:
    live = []
    for lease in SESSIONS_DIR.glob("[0-9]*"):
        if lease == own:
            continue
        if lease.name.isdigit() and _alive(int(lease.name)):
            live.append(lease)
        else:
            lease.unlink(missing_ok=True)  # left by a session that died
    return live


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of the local server's `loket_test` database; starts the server when needed."""
    lease = SESSIONS_DIR / str(os.getpid())
    with _sessions_lock():
        if _script("status").returncode != 0:
            started = _script("start")
            if started.returncode != 0:
                pytest.fail(f"scripts/postgres start failed (exit {started.returncode}):\n{_output(started)}",
                            pytrace=False)
            STARTED_BY_TESTS.touch()
        url = _script("url")
        if url.returncode != 0:
            pytest.fail(f"scripts/postgres url failed (exit {url.returncode}):\n{_output(url)}", pytrace=False)
        lease.touch()
    try:
        yield url.stdout.strip()
    finally:
        with _sessions_lock():
            lease.unlink(missing_ok=True)
            if STARTED_BY_TESTS.exists() and not _other_live_sessions(lease):
                stopped = _script("stop")
                STARTED_BY_TESTS.unlink(missing_ok=True)
                if stopped.returncode != 0:
                    pytest.fail(f"scripts/postgres stop failed:\n{_output(stopped)}", pytrace=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of a new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = make_url(request.getfixturevalue("postgres_url"))
    name = f"loket_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # FORCE ends connections a test's engine may still hold in its pool.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

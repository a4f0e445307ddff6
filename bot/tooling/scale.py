"""Rasa's production stack on one machine: `make scale`, and the scale tests.

PostgreSQL (the tracker store, the knowledge base and the desk's data, one database),
Redis (Rasa's lock store, so several Rasa servers can serve one conversation in turn),
LOKET_REPLICAS Rasa servers each with its action server, and nginx in front: one
address. PostgreSQL, Redis and nginx are Debian's, run by scripts/postgres,
scripts/redis and scripts/nginx as this project's own processes with their data in
var/; what this stack started, it stops.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.knowledge import read_knowledge
from bot.knowledge.store import save_knowledge
from bot.settings import PROJECT_DIR, settings
from bot.tooling.servers import Servers, free_port

SCRIPTS = PROJECT_DIR / "scripts"
logger = logging.getLogger("loket.scale")


class ServiceError(RuntimeError):
    """A script of scripts/ failed; the message holds what it said."""


def script(name: str, *args: str) -> str:
    """Run scripts/NAME with ARGS; its standard output, stripped."""
    done = subprocess.run(["bash", str(SCRIPTS / name), *args], cwd=PROJECT_DIR,  # noqa: S603 - our scripts
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServiceError(f"scripts/{name} {' '.join(args)} failed: {(done.stderr or done.stdout).strip()}")
    return done.stdout.strip()


def running(name: str) -> bool:
    return subprocess.run(["bash", str(SCRIPTS / name), "status"], cwd=PROJECT_DIR,  # noqa: S603
                          capture_output=True, check=False).returncode == 0


def create_database(server_url: str, name: str) -> str:
    """The URL of database NAME on the server of SERVER_URL, created when missing."""
    engine = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.first() is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    engine = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@dataclass
class Stack:
    replicas: int = field(default_factory=lambda: settings().replicas)
    port: int = field(default_factory=lambda: settings().port)  # nginx, the one address
    database: str = "loket"
    telegram: bool = False
    drop_database_on_stop: bool = False  # a throwaway database (the tests)
    # Extra environment for every Loket process (the tests raise the rate limits).
    environment: dict[str, str] = field(default_factory=dict)
    servers: list[Servers] = field(default_factory=list)
    database_url: str = ""
    lock_store_url: str = ""
    postgres_port: int = 0
    _started: list[str] = field(default_factory=list)
    _saved_environment: dict[str, str | None] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._start_service("postgres")
        server_url = script("postgres", "url")
        self.postgres_port = int(make_url(server_url).port or 5432)
        self.database_url = create_database(server_url, self.database)
        self._start_service("redis")
        self.lock_store_url = script("redis", "url")
        # Every process of the stack, and this one, uses the same stores.
        self._set_environment({"DATABASE_URL": self.database_url, "LOKET_DESK_DATABASE_URL": self.database_url,
                               "TRACKER_DATABASE_URL": self.database_url, "LOCK_STORE_URL": self.lock_store_url,
                               **self.environment})
        knowledge, problems = read_knowledge()
        if problems:
            raise ServiceError(f"the knowledge base has {len(problems)} problem(s): run `loket validate`")
        save_knowledge(create_engine(self.database_url, future=True), knowledge)
        config = settings()  # one token of each kind for the whole stack
        token = config.rest_token or secrets.token_urlsafe(32)
        actions_token = config.actions_token or secrets.token_urlsafe(32)
        for index in range(self.replicas):
            self.servers.append(Servers(
                rasa_port=free_port(), actions_port=free_port(), tracker_url=self.database_url,
                lock_store_url=self.lock_store_url, rest_token=token, actions_token=actions_token,
                purging=index == 0, telegram=self.telegram and index == 0, telegram_rasa_url=self.url,
            ))
        for server in self.servers:  # all at once: each loads the model for half a minute
            server.start()
        for server in self.servers:
            server.wait_until_ready()
        self.route_to(len(self.servers))
        self._started.append("nginx")
        first = self.servers[0]
        first.start_telegram()
        first.start_purging()

    def route_to(self, count: int) -> None:
        """nginx in front of the first `count` Rasa servers (the scaling measurement uses 1)."""
        if running("nginx"):
            script("nginx", "stop")
        script("nginx", "start", str(self.port), *(str(server.rasa_port) for server in self.servers[:count]))

    def _start_service(self, name: str) -> None:
        if running(name):
            return  # someone else's (the tests'); theirs to stop
        script(name, "start")
        self._started.append(name)

    def _set_environment(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_environment.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def raise_if_exited(self) -> None:
        for server in self.servers:
            server.raise_if_exited()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.drop_database_on_stop and self.database_url:
            try:
                drop_database(script("postgres", "url"), self.database)
            except (ServiceError, SQLAlchemyError) as error:
                logger.warning("could not drop %s: %s", self.database, error)
        for name in reversed(self._started):
            try:
                script(name, "stop")
            except ServiceError as error:
                logger.warning("%s", error)
        self._started.clear()
        for key, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_environment.clear()

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def postgres_down(stack: Stack) -> Iterator[None]:
    """PostgreSQL stopped for the duration of the block, then started on its port again."""
    script("postgres", "stop")
    try:
        yield
    finally:
        script("postgres", "start", str(stack.postgres_port))

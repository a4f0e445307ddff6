"""Start and stop the action server and the Rasa server together.

Used by `make run` (`loket serve`), `make chat` and the end-to-end tests, so the
assistant a test talks to is started exactly the way a user's is.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from actions.conversation import RECENT_EVENTS_ACTIONS
from bot.desk import purge_desk
from bot.privacy.retention import purge
from bot.settings import LOG_DIR, MAX_BODY_BYTES, MODELS_DIR, PROJECT_DIR, VAR_DIR, settings

STARTUP_TIMEOUT_SECONDS = 240.0
logger = logging.getLogger("loket.servers")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Rasa's SQL tracker store that reads back only the rows it has not read (same keys as `type: SQL`).
TRACKER_STORE_TYPE = "bot.rasa_adapters.session_cache.CachingSQLTrackerStore"
# Rasa reads the tracker database's password from this variable of its own process
# (endpoints.yml substitutes ${...}), so no password is ever written to disk.
TRACKER_PASSWORD_VARIABLE = "LOKET_TRACKER_DB_PASSWORD"
LOCK_STORE_PASSWORD_VARIABLE = "LOKET_LOCK_STORE_PASSWORD"


class PortTaken(RuntimeError):
    """Another process listens on a port Loket needs."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """No program listens on `port` (connections left waiting to close do not count,
    as they do not stop a server that sets SO_REUSEADDR, as Sanic and aiohttp do)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def tracker_store_config(url: str | None) -> dict[str, object]:
    """Rasa's SQL tracker store settings for a SQLAlchemy URL (default: SQLite in var/);
    a password becomes a reference to TRACKER_PASSWORD_VARIABLE."""
    if not url:
        return {"type": TRACKER_STORE_TYPE, "dialect": "sqlite", "db": str(VAR_DIR / "tracker.db")}
    parsed = make_url(url)
    config: dict[str, object] = {"type": TRACKER_STORE_TYPE, "dialect": parsed.drivername, "db": parsed.database}
    for key, value in (("url", parsed.host), ("port", parsed.port), ("username", parsed.username)):
        if value is not None:
            config[key] = value
    if parsed.password is not None:
        config["password"] = "${" + TRACKER_PASSWORD_VARIABLE + "}"
    return config


def lock_store_config(url: str) -> dict[str, object]:
    """Rasa's Redis lock store settings for a redis://[:password@]host:port/db URL; a
    password becomes a reference to LOCK_STORE_PASSWORD_VARIABLE."""
    parsed = urlsplit(url)
    if parsed.scheme != "redis" or not parsed.hostname:
        raise ValueError(f"the lock store URL must look like redis://host:port/0, not {url!r}")
    config: dict[str, object] = {"type": "redis", "url": parsed.hostname, "port": parsed.port or 6379,
                                 "db": int(parsed.path.strip("/") or 0), "key_prefix": "loket"}
    if parsed.password:
        config["password"] = "${" + LOCK_STORE_PASSWORD_VARIABLE + "}"
    return config


@dataclass
class Servers:
    rasa_port: int = 5005
    actions_port: int = 5055
    model: Path = MODELS_DIR
    tracker_url: str | None = None
    # Rasa's Redis lock store (redis://host:port/db), so several Rasa servers can share
    # conversations; None: the in-memory lock store of a single server.
    lock_store_url: str | None = field(default_factory=lambda: settings().lock_store_url)
    log_dir: Path = LOG_DIR
    # Sites allowed to embed the widget; the widget's own page needs none.
    allowed_origins: tuple[str, ...] = field(default_factory=lambda: settings().allowed_origins)
    # Start the Telegram adapter too (`make run` does when TELEGRAM_BOT_TOKEN is set).
    telegram: bool = False
    telegram_port: int = field(default_factory=lambda: settings().telegram_port)
    # Where the adapter sends messages: this Rasa server, or a proxy in front of several.
    telegram_rasa_url: str | None = None
    # The tokens the processes share: from the settings, else random for this run.
    rest_token: str = field(default_factory=lambda: settings().rest_token or secrets.token_urlsafe(32))
    actions_token: str = field(default_factory=lambda: settings().actions_token or secrets.token_urlsafe(32))
    # Conversations older than this are deleted while the servers run, checked this often.
    retention_days: float = field(default_factory=lambda: settings().retention_days)
    purge_interval: float = field(default_factory=lambda: settings().purge_interval_seconds)
    # Of several replicas, one purges; the others leave it to that one.
    purging: bool = True
    # The command that starts Rasa, before its `run ...` arguments (a benchmark wraps it).
    rasa_command: tuple[str, ...] = ()
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _named: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _purging: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def rest_url(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def _endpoints_file(self) -> Path:
        with (PROJECT_DIR / "endpoints.yml").open(encoding="utf-8") as handle:
            endpoints = yaml.safe_load(handle) or {}
        endpoints["action_endpoint"] = {
            "url": f"http://127.0.0.1:{self.actions_port}/webhook",
            "headers": {"Authorization": "Bearer ${LOKET_ACTIONS_TOKEN}"},  # from the environment, not the file
            # The domain only to actions that ask for it (`send_domain` in the domain), not on every call.
            "enable_selective_domain": True,
            # These get the last two user turns, the others the whole session
            # (bot.rasa_adapters.action_payload.RECENT_EVENTS_KEY: importing it would load TensorFlow).
            "recent_events_actions": list(RECENT_EVENTS_ACTIONS),
        }
        endpoints["tracker_store"] = tracker_store_config(self.tracker_url)
        if self.lock_store_url:
            endpoints["lock_store"] = lock_store_config(self.lock_store_url)
        path = VAR_DIR / f"endpoints.{self.rasa_port}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
        return path

    @property
    def widget_url(self) -> str:
        return f"{self.url}/chat/"

    def _environment(self) -> dict[str, str]:
        """What every process is given: the shared tokens, the tracker password, and
        Sanic's body limit (Sanic reads SANIC_* itself)."""
        env = {**os.environ, "LOKET_REST_TOKEN": self.rest_token, "LOKET_ACTIONS_TOKEN": self.actions_token,
               "SANIC_REQUEST_MAX_SIZE": str(MAX_BODY_BYTES),
               # Rasa reads it itself; its own default (60 s) would stall a stopped replica's conversations.
               "TICKET_LOCK_LIFETIME": str(settings().lock_lifetime_seconds)}
        password = make_url(self.tracker_url).password if self.tracker_url else None
        if password is not None:
            env[TRACKER_PASSWORD_VARIABLE] = str(password)
        if self.lock_store_url and urlsplit(self.lock_store_url).password:
            env[LOCK_STORE_PASSWORD_VARIABLE] = str(urlsplit(self.lock_store_url).password)
        return env

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.{self.rasa_port}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**self._environment(), **(env or {})},
        )
        self._processes.append(process)
        self._named[name] = process

    def check_ports(self) -> None:
        """Refuse to start next to another server: it would answer in Loket's place."""
        ports = {"LOKET_PORT": self.rasa_port, "LOKET_ACTIONS_PORT": self.actions_port}
        if self.telegram:
            ports["LOKET_TELEGRAM_PORT"] = self.telegram_port
        for name, port in ports.items():
            if not port_is_free(port):
                raise PortTaken(f"port {port} is already in use by another program; stop it, or choose another "
                                f"port with {name}")

    def start(self) -> None:
        self.check_ports()
        bin_dir = Path(sys.executable).parent
        self._spawn(
            "actions",
            [str(bin_dir / "python"), "-m", "bot.rasa_adapters.action_server", "--port", str(self.actions_port)],
        )
        self._spawn(
            "rasa",
            [
                *(self.rasa_command or (str(bin_dir / "rasa"),)), "run",
                "--model", str(self.model), "--port", str(self.rasa_port),
                "--endpoints", str(self._endpoints_file()), "--credentials", str(PROJECT_DIR / "credentials.yml"),
            ] + (["--cors", *self.allowed_origins] if self.allowed_origins else []),
        )

    def start_telegram(self) -> None:
        """The Telegram adapter, once the assistant answers (it has nobody to ask before)."""
        if self.telegram:
            loket = Path(sys.executable).parent / "loket"
            self._spawn("telegram", [str(loket), "telegram"],
                        {"LOKET_RASA_URL": self.telegram_rasa_url or self.url,
                         "LOKET_TELEGRAM_PORT": str(self.telegram_port)})

    def wait_until_ready(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        checks = [f"http://127.0.0.1:{self.actions_port}/health", f"{self.url}/webhooks/rest/"]
        for check in checks:
            while not _answers(check):
                self.raise_if_exited()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{check} did not answer within {timeout:.0f} s; see {self.log_dir}")
                time.sleep(0.5)

    def raise_if_exited(self) -> None:
        for process in self._processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with {process.returncode}; see logs in {self.log_dir}")

    @property
    def tracker_database(self) -> str:
        return self.tracker_url or f"sqlite:///{VAR_DIR / 'tracker.db'}"

    def start_purging(self) -> None:
        """Delete old conversations now and every `purge_interval` seconds, until stop()."""
        self._purging.clear()
        threading.Thread(target=self._purge_loop, name="loket-purge", daemon=True).start()

    def _purge_loop(self) -> None:
        engine = create_engine(self.tracker_database, future=True)
        try:
            while not self._purging.is_set():
                try:
                    removed = purge(engine, self.retention_days)
                    if removed.conversations:
                        logger.info("deleted %d conversation(s), %d event(s) older than %s days",
                                    removed.conversations, removed.events, self.retention_days)
                except SQLAlchemyError as error:  # the store may be busy or not there yet: next time
                    logger.warning("could not delete old conversations: %s", error)
                try:  # the desk's own periods: handovers, feedback, sessions, the audit log
                    purge_desk()
                except SQLAlchemyError as error:
                    logger.warning("could not delete the desk's expired data: %s", error)
                self._purging.wait(self.purge_interval)
        finally:
            engine.dispose()

    def pid(self, name: str) -> int:
        """The process id of "rasa", "actions" or "telegram"."""
        return self._named[name].pid

    def kill(self, name: str) -> None:
        """SIGKILL "rasa" or "actions", as a crash would (the fault tests)."""
        process = self._named[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        self._purging.set()
        stop_processes(self._processes)
        self._processes.clear()
        self._named.clear()

    def __enter__(self) -> Servers:
        self.start()
        try:
            self.wait_until_ready()
            self.start_telegram()
            if self.purging:
                self.start_purging()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_processes(processes: list[subprocess.Popen[bytes]], grace_seconds: float = 15.0) -> None:
    """SIGTERM each process group that still runs, then SIGKILL what has not stopped in time."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost only
            return 200 <= response.status < 300
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False

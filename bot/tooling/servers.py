"""Start and stop the action server and the Rasa server together.

Used by `make run` (`loket serve`), `make chat` and the end-to-end tests, so the
assistant a test talks to is started exactly the way a user's is.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

from bot.settings import LOG_DIR, MODELS_DIR, PROJECT_DIR, VAR_DIR, settings

STARTUP_TIMEOUT_SECONDS = 240.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tracker_store_config(url: str | None) -> dict[str, object]:
    """Rasa's SQL tracker store settings for a SQLAlchemy URL (default: SQLite in var/)."""
    if not url:
        return {"type": "SQL", "dialect": "sqlite", "db": str(VAR_DIR / "tracker.db")}
    parsed = make_url(url)
    config: dict[str, object] = {"type": "SQL", "dialect": parsed.drivername, "db": parsed.database}
    for key, value in (("url", parsed.host), ("port", parsed.port), ("username", parsed.username),
                       ("password", parsed.password)):
        if value is not None:
            config[key] = value
    return config


@dataclass
class Servers:
    rasa_port: int = 5005
    actions_port: int = 5055
    model: Path = MODELS_DIR
    tracker_url: str | None = None
    log_dir: Path = LOG_DIR
    # Sites allowed to embed the widget; the widget's own page needs none.
    allowed_origins: tuple[str, ...] = field(default_factory=lambda: settings().allowed_origins)
    # Start the Telegram adapter too (`make run` does when TELEGRAM_BOT_TOKEN is set).
    telegram: bool = False
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def rest_url(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def _endpoints_file(self) -> Path:
        with (PROJECT_DIR / "endpoints.yml").open(encoding="utf-8") as handle:
            endpoints = yaml.safe_load(handle) or {}
        endpoints["action_endpoint"] = {"url": f"http://localhost:{self.actions_port}/webhook"}
        endpoints["tracker_store"] = tracker_store_config(self.tracker_url)
        path = VAR_DIR / f"endpoints.{self.rasa_port}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
        return path

    @property
    def widget_url(self) -> str:
        return f"{self.url}/chat/"

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.{self.rasa_port}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        self._processes.append(process)

    def start(self) -> None:
        bin_dir = Path(sys.executable).parent
        self._spawn(
            "actions",
            [str(bin_dir / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.actions_port)],
        )
        self._spawn(
            "rasa",
            [
                str(bin_dir / "rasa"), "run", "--model", str(self.model), "--port", str(self.rasa_port),
                "--endpoints", str(self._endpoints_file()), "--credentials", str(PROJECT_DIR / "credentials.yml"),
            ] + (["--cors", *self.allowed_origins] if self.allowed_origins else []),
        )

    def start_telegram(self) -> None:
        """The Telegram adapter, once the assistant answers (it has nobody to ask before)."""
        if self.telegram:
            loket = Path(sys.executable).parent / "loket"
            self._spawn("telegram", [str(loket), "telegram"], {"LOKET_RASA_URL": self.url})

    def wait_until_ready(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        checks = [f"http://localhost:{self.actions_port}/health", f"{self.url}/webhooks/rest/"]
        for check in checks:
            while not _answers(check):
                self._raise_if_exited()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{check} did not answer within {timeout:.0f} s; see {self.log_dir}")
                time.sleep(0.5)

    def _raise_if_exited(self) -> None:
        for process in self._processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with {process.returncode}; see logs in {self.log_dir}")

    def stop(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._processes.clear()

    def __enter__(self) -> Servers:
        self.start()
        try:
            self.wait_until_ready()
            self.start_telegram()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost only
            return 200 <= response.status < 300
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False

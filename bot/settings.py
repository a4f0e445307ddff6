"""The project's paths, and every setting Loket reads from the environment.

This is the only module that reads environment variables. Each one is declared once
in `VARIABLES`, with its default and its check; the README's configuration table
lists the same names (a unit test keeps the two equal).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = PROJECT_DIR / "knowledge"
NLU_DIR = PROJECT_DIR / "nlu_data"
HELD_OUT_NLU_DIR = PROJECT_DIR / "tests" / "nlu"
DOMAIN_DIR = PROJECT_DIR / "domain"
DATA_DIR = PROJECT_DIR / "data"
MODELS_DIR = PROJECT_DIR / "models"
MODEL_FILE = MODELS_DIR / "loket.tar.gz"
REPORTS_DIR = PROJECT_DIR / "reports"
VAR_DIR = PROJECT_DIR / "var"
LOG_DIR = VAR_DIR / "log"

MAX_BODY_BYTES = 1024 * 1024  # no endpoint of Loket's reads a larger request body
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(ValueError):
    """A variable with a value Loket cannot use; the message names it and says why."""


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as the README shows it; "" means none
    help: str


VARIABLES: tuple[Variable, ...] = (
    Variable("DATABASE_URL", "sqlite:///var/loket.db",
             "knowledge database, any SQLAlchemy URL (`postgresql://user:pw@host/loket`)"),
    Variable("TRACKER_DATABASE_URL", "sqlite:///var/tracker.db", "Rasa's conversation store, a SQLAlchemy URL"),
    Variable("LOKET_RETENTION_DAYS", "30",
             "conversations whose last message is older are deleted while the server runs (and by `loket purge`)"),
    Variable("LOKET_DESK_DATABASE_URL", "sqlite:///var/desk.db",
             "the desk's own store (handovers, staff, sessions, audit log, feedback), never rebuilt by `loket build`"),
    Variable("LOKET_HANDOVER_DAYS", "14", "a handover code is valid this long, then it and its summary are deleted"),
    Variable("LOKET_FEEDBACK_DAYS", "365",
             "residents' feedback and the questions Loket could not answer are kept this long"),
    Variable("LOKET_AUDIT_DAYS", "365",
             "the desk's audit log (who opened, handled or deleted a handover) is kept this long"),
    Variable("LOKET_REPLICAS", "2", "Rasa servers (each with its action server) that `make scale` starts"),
    Variable("LOCK_STORE_URL", "",
             "Rasa's Redis lock store (`redis://host:6379/0`), needed when several Rasa servers share conversations"),
    Variable("TICKET_LOCK_LIFETIME", "10",
             "seconds Rasa holds a conversation's lock; a stopped server's conversations wait at most this long"),
    Variable("LOKET_PURGE_INTERVAL_SECONDS", "3600", "how often `loket serve` deletes old conversations"),
    Variable("LOKET_PORT", "5005", "Rasa server (REST channel at `/webhooks/rest/webhook`, widget at `/chat/`)"),
    Variable("LOKET_ACTIONS_PORT", "5055", "action server"),
    Variable("LOKET_ACTIONS_HOST", "127.0.0.1",
             "the address the action server listens on; only the Rasa server calls it, with a token"),
    Variable("LOKET_ACTIONS_TOKEN", "",
             "the token the Rasa server sends the action server; `loket serve` makes a random one when unset"),
    Variable("LOKET_REST_TOKEN", "",
             "random when unset; a bearer token that lets a caller (the Telegram adapter, `loket chat`) address "
             "any conversation over REST; without it a REST sender id gets a `rest-` namespace of its own"),
    Variable("LOKET_RATE_LIMIT", "20",
             "messages a minute per conversation (widget, Telegram chat, REST sender); 0 turns it off"),
    Variable("LOKET_FLOOD_LIMIT", "600", "requests a minute per client address to the widget and REST; 0 turns it off"),
    Variable("LOKET_TRUSTED_PROXIES", "",
             "addresses or networks of the proxy in front (nginx), the only ones whose X-Forwarded-For is believed"),
    Variable("LOKET_ALLOWED_ORIGINS", "",
             "sites allowed to embed the widget (CORS), e.g. `https://www.gemeente.nl https://bibliotheek.nl`; "
             "`*` allows all"),
    Variable("LOKET_RASA_URL", "http://localhost:$LOKET_PORT",
             "where the Telegram adapter and `loket ask` find the Rasa server"),
    Variable("TELEGRAM_BOT_TOKEN", "", "turns the Telegram adapter on (from @BotFather)"),
    Variable("TELEGRAM_WEBHOOK_URL", "", "public https URL Telegram posts to; without it the adapter polls"),
    Variable("TELEGRAM_WEBHOOK_SECRET", "", "required with a webhook URL: 1–256 of `A-Z a-z 0-9 _ -`"),
    Variable("LOKET_TELEGRAM_PORT", "8081", "the adapter's webhook server (`POST /telegram`, `GET /health`)"),
    Variable("TELEGRAM_API_URL", "https://api.telegram.org/bot",
             "the Bot API's base URL; the tests point it at a fake Bot API on localhost"),
    Variable("TELEGRAM_UNDELIVERED_FILE", "var/telegram-undelivered.jsonl",
             "replies Telegram would not take after all retries"),
)


@dataclass(frozen=True)
class Settings:
    database_url: str
    tracker_database_url: str | None  # None: SQLite in var/
    retention_days: int
    desk_database_url: str
    handover_days: int
    feedback_days: int
    audit_days: int
    purge_interval_seconds: int
    replicas: int
    lock_store_url: str | None
    lock_lifetime_seconds: int
    port: int
    actions_port: int
    actions_host: str
    actions_token: str | None  # None: `loket serve` makes one for the processes it starts
    rest_token: str | None  # None: likewise
    allowed_origins: tuple[str, ...]
    rate_limit: int
    flood_limit: int
    trusted_proxies: tuple[str, ...]
    rasa_url: str
    telegram_bot_token: str | None
    telegram_webhook_url: str | None
    telegram_webhook_secret: str | None
    telegram_port: int
    telegram_api_url: str
    telegram_undelivered_file: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every variable; a bad value raises SettingsError naming it."""
        env = os.environ if environ is None else environ

        def get(name: str, parse: Callable[[str, str], object] | None = None) -> object:
            raw = env.get(name, "").strip()
            value = raw or _default(name)
            return parse(name, value) if parse and value else value

        port = get("LOKET_PORT", _port)
        token = str(get("TELEGRAM_BOT_TOKEN")) or None
        webhook_url = str(get("TELEGRAM_WEBHOOK_URL")) or None
        secret = str(get("TELEGRAM_WEBHOOK_SECRET")) or None
        if token and webhook_url and not (secret and _SECRET.fullmatch(secret)):
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL: "
                                "1 to 256 characters, A-Z, a-z, 0-9, _ and -")
        undelivered = Path(str(get("TELEGRAM_UNDELIVERED_FILE")))
        return cls(
            database_url=_in_var(str(get("DATABASE_URL"))),
            tracker_database_url=env.get("TRACKER_DATABASE_URL", "").strip() or None,
            retention_days=get("LOKET_RETENTION_DAYS", _positive),  # type: ignore[arg-type]
            desk_database_url=_in_var(str(get("LOKET_DESK_DATABASE_URL"))),
            handover_days=get("LOKET_HANDOVER_DAYS", _positive),  # type: ignore[arg-type]
            feedback_days=get("LOKET_FEEDBACK_DAYS", _positive),  # type: ignore[arg-type]
            audit_days=get("LOKET_AUDIT_DAYS", _positive),  # type: ignore[arg-type]
            purge_interval_seconds=get("LOKET_PURGE_INTERVAL_SECONDS", _positive),  # type: ignore[arg-type]
            replicas=get("LOKET_REPLICAS", _positive),  # type: ignore[arg-type]
            lock_store_url=str(get("LOCK_STORE_URL")) or None,
            lock_lifetime_seconds=get("TICKET_LOCK_LIFETIME", _positive),  # type: ignore[arg-type]
            port=port,  # type: ignore[arg-type]
            actions_port=get("LOKET_ACTIONS_PORT", _port),  # type: ignore[arg-type]
            actions_host=str(get("LOKET_ACTIONS_HOST")),
            actions_token=get("LOKET_ACTIONS_TOKEN", _token) or None,  # type: ignore[arg-type]
            rest_token=get("LOKET_REST_TOKEN", _token) or None,  # type: ignore[arg-type]
            allowed_origins=get("LOKET_ALLOWED_ORIGINS", _origins) or (),  # type: ignore[arg-type]
            rate_limit=get("LOKET_RATE_LIMIT", _count),  # type: ignore[arg-type]
            flood_limit=get("LOKET_FLOOD_LIMIT", _count),  # type: ignore[arg-type]
            trusted_proxies=get("LOKET_TRUSTED_PROXIES", _addresses) or (),  # type: ignore[arg-type]
            rasa_url=str(get("LOKET_RASA_URL")).replace("$LOKET_PORT", str(port)).rstrip("/"),
            telegram_bot_token=token,
            telegram_webhook_url=webhook_url,
            telegram_webhook_secret=secret,
            telegram_port=get("LOKET_TELEGRAM_PORT", _port),  # type: ignore[arg-type]
            telegram_api_url=str(get("TELEGRAM_API_URL")),
            telegram_undelivered_file=undelivered if undelivered.is_absolute() else PROJECT_DIR / undelivered,
        )

    @property
    def tracker_url(self) -> str:
        """The conversation store as a SQLAlchemy URL (SQLite in var/ unless set)."""
        return self.tracker_database_url or f"sqlite:///{VAR_DIR / 'tracker.db'}"

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def _in_var(url: str) -> str:
    """A default SQLite file in var/ resolved against the project, wherever Loket runs from."""
    return url.replace("sqlite:///var/", f"sqlite:///{VAR_DIR}/", 1)


def _default(name: str) -> str:
    return next(variable.default for variable in VARIABLES if variable.name == name)


def _token(name: str, raw: str) -> str | None:
    if not _SECRET.fullmatch(raw) or len(raw) < 16:
        raise SettingsError(f"{name} must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -")
    return raw


def _count(name: str, raw: str) -> int:
    if not raw.isdigit():
        raise SettingsError(f"{name} must be a whole number (0 turns it off), not {raw!r}")
    return int(raw)


def _addresses(name: str, raw: str) -> tuple[str, ...]:
    found = tuple(part for part in raw.replace(",", " ").split() if part)
    for address in found:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError as error:
            raise SettingsError(f"{name}: {address!r} is not an address or network such as 10.0.0.5 or "
                                "172.18.0.0/16") from error
    return found


def _positive(name: str, raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def _port(name: str, raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number from 1 to 65535, not {raw!r}")
    return int(raw)


def _origins(name: str, raw: str) -> tuple[str, ...]:
    """Sites (scheme://host[:port]) separated by spaces or commas; "*" allows every site."""
    origins = tuple(part for part in raw.replace(",", " ").split() if part)
    for origin in origins:
        if origin != "*" and not (origin.startswith(("http://", "https://")) and origin.count("/") == 2):
            raise SettingsError(f"{name}: {origin!r} is not an origin such as https://www.example.nl")
    return origins


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in force now (read afresh: tests and `loket` set variables per call)."""
    return Settings.from_env(environ)

"""Staff of the desk console: accounts, logging in, sessions and the audit log.

An account has an argon2 password and a TOTP second factor. Logging in goes through
stages (password, then a password change and the second factor's setup the first
time, then a code), each held by a session in the desk database, so that several
servers agree. The cookie holds a random token; only its sha256 is stored, and the
token changes whenever the stage does. Plain SQLAlchemy Core; no web framework.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.desk.store import audit_log, sessions, staff

IDLE_SECONDS = 8 * 3600  # a session idle this long is gone
ANONYMOUS_SECONDS = 3600  # a session that never logged in lasts this long
MAX_FAILURES = 5  # failed logins (password or code) in a row ...
LOCK_SECONDS = 15 * 60  # ... lock the account this long
MIN_PASSWORD_LENGTH = 12
SECONDS_PER_DAY = 86_400
TOTP_ISSUER = "Loket desk"
TOTP_STEP = 30

Stage = Literal["anonymous", "password", "ok"]
NextStep = Literal["login", "change_password", "setup_totp", "totp", "done"]

_NAME = re.compile(r"[A-Za-z0-9._-]{2,64}")
# Lower case and digits without look-alikes (no i, l, o, 0, 1): read off a screen or a note.
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"
_UNKNOWN = "(unknown)"  # audit name for a login with an unknown name; never the typed text, which may be a password


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    is_admin: bool
    must_change_password: bool
    has_totp: bool


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value
    csrf_token: str
    stage: Stage
    account: Account | None

    @property
    def next_step(self) -> NextStep:
        if self.stage == "ok":
            return "done"
        if self.stage == "anonymous" or self.account is None:
            return "login"
        if self.account.must_change_password:
            return "change_password"
        if not self.account.has_totp:
            return "setup_totp"
        return "totp"


@dataclass(frozen=True)
class AuditEntry:
    at: float
    staff_name: str
    action: str
    code: str | None
    detail: str | None


class LoginFailed(Exception):
    """A wrong name, password or code; the same message for each, so names are not revealed."""

    def __init__(self) -> None:
        super().__init__("Wrong name, password or code.")


class Locked(Exception):
    """Too many failed logins in a row; the account is locked until `until` (unix time)."""

    def __init__(self, until: float) -> None:
        super().__init__("The account is locked after too many failed logins; try again later.")
        self.until = until


class WeakPassword(ValueError):
    """A new password refused; the message says why."""


_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


class Staff:
    """Accounts, sessions and the audit log in the desk database."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time, audit_days: int = 365,
                 *, hasher: PasswordHasher | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._audit_days = audit_days
        self._hasher = hasher or PasswordHasher()

    # Accounts

    def add(self, name: str, admin: bool = False, by: str = "cli") -> str:
        """Create an account; its one-time password, to be changed at the first login."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"A name is 2 to 64 letters, digits, dots, dashes or underscores, not {name!r}.")
        password = _one_time_password()
        password_hash = self._hasher.hash(password)
        now = self._clock()
        try:
            with self._engine.begin() as connection:
                if _staff_row(connection, name) is not None:
                    raise ValueError(f"The name {name!r} is taken.")
                connection.execute(insert(staff).values(
                    name=name, password_hash=password_hash, must_change_password=True,
                    totp_secret=None, totp_last_step=0, is_admin=admin, failed_logins=0, locked_until=0.0,
                    created_at=now))
                _record(connection, now, by, "staff_added", detail=f"{name} (admin)" if admin else name)
        except IntegrityError as error:  # added at the same moment elsewhere
            raise ValueError(f"The name {name!r} is taken.") from error
        return password

    def remove(self, name: str, by: str = "cli") -> bool:
        """Delete an account and end its sessions; False if there is none."""
        now = self._clock()
        with self._engine.begin() as connection:
            row = _staff_row(connection, name)
            if row is None:
                return False
            connection.execute(delete(sessions).where(sessions.c.staff_id == row.id))
            connection.execute(delete(staff).where(staff.c.id == row.id))
            _record(connection, now, by, "staff_removed", detail=row.name)
        return True

    def accounts(self) -> list[Account]:
        with self._engine.connect() as connection:
            return [_account(row) for row in connection.execute(select(staff).order_by(staff.c.name))]

    def account(self, name: str) -> Account | None:
        with self._engine.connect() as connection:
            row = _staff_row(connection, name)
        return None if row is None else _account(row)

    # Sessions

    def start_session(self) -> Session:
        """A new anonymous session, for the login form and its CSRF token."""
        with self._engine.begin() as connection:
            return _new_session(connection, self._clock(), "anonymous", None)

    def session(self, token: str | None) -> Session | None:
        """The session of a cookie, or None if unknown or expired; marks it as used."""
        if not token:
            return None
        now = self._clock()
        token_hash = _hash(token)
        with self._engine.begin() as connection:
            row = connection.execute(select(sessions).where(sessions.c.token_hash == token_hash)).first()
            if row is None:
                return None
            account_row = None
            if row.staff_id is not None:
                account_row = connection.execute(select(staff).where(staff.c.id == row.staff_id)).first()
            if _expired(row, now) or (row.staff_id is not None and account_row is None):
                connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash))
                return None
            connection.execute(update(sessions).where(sessions.c.token_hash == token_hash).values(last_seen=now))
        return Session(token, row.csrf_token, row.stage, None if account_row is None else _account(account_row))

    def csrf_ok(self, session: Session, submitted: str | None) -> bool:
        if not submitted:
            return False
        return hmac.compare_digest(session.csrf_token.encode(), submitted.encode())

    def end_session(self, token: str) -> None:
        """Log out."""
        if not token:
            return
        now = self._clock()
        with self._engine.begin() as connection:
            row = connection.execute(
                select(sessions.c.staff_id, staff.c.name)
                .select_from(sessions.outerjoin(staff, staff.c.id == sessions.c.staff_id))
                .where(sessions.c.token_hash == _hash(token))).first()
            if row is None:
                return
            connection.execute(delete(sessions).where(sessions.c.token_hash == _hash(token)))
            if row.name is not None:
                _record(connection, now, row.name, "logout")

    def check_password(self, session: Session, name: str, password: str) -> Session:
        """The login form: a right name and password move an anonymous session to the password stage."""
        now = self._clock()
        with self._engine.begin() as connection:
            _current(connection, session, now, "anonymous")
            row = _staff_row(connection, name) if _NAME.fullmatch(name) else None
        if row is None:
            self._verify(self._dummy_hash(), password)  # as slow as a known name
            with self._engine.begin() as connection:
                _record(connection, now, _UNKNOWN, "login_failed", detail="password")
            raise LoginFailed()
        if row.locked_until > now:
            raise Locked(row.locked_until)  # before verifying: a locked account tells nothing about the password
        if not self._verify(row.password_hash, password):
            raise self._failure(row.id, row.name, now, "password")
        with self._engine.begin() as connection:
            # Locked by another server meanwhile: the lock wins. The count of failures is reset
            # only by the second factor, so a known password cannot reset it between guessed codes.
            unlocked = and_(staff.c.id == row.id, staff.c.locked_until <= now)
            if not connection.execute(select(staff.c.id).where(unlocked)).first():
                raise Locked(self._locked_until(connection, row.id, now))
            if self._hasher.check_needs_rehash(row.password_hash):
                connection.execute(update(staff).where(staff.c.id == row.id)
                                   .values(password_hash=self._hasher.hash(password)))
            return _rotate(connection, session, now, "password", row.id)

    def change_password(self, session: Session, new_password: str) -> Session:
        """Replace the one-time password; the session stays in the password stage, with a new token."""
        now = self._clock()
        with self._engine.begin() as connection:
            _, row = _current(connection, session, now, "password")
            if not row.must_change_password:
                raise PermissionError("The password need not be changed now.")
        if len(new_password) < MIN_PASSWORD_LENGTH:
            raise WeakPassword(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
        if new_password.casefold() == row.name.casefold():
            raise WeakPassword("The password is equal to the name.")
        if self._verify(row.password_hash, new_password):
            raise WeakPassword("The password is the same as the one-time password.")
        new_hash = self._hasher.hash(new_password)
        with self._engine.begin() as connection:
            connection.execute(update(staff).where(staff.c.id == row.id)
                               .values(password_hash=new_hash, must_change_password=False))
            _record(connection, now, row.name, "password_changed")
            return _rotate(connection, session, now, "password", row.id)

    def totp_setup(self, session: Session) -> tuple[str, str]:
        """The second factor's secret and its provisioning URI (for a QR code), kept in the session until confirmed."""
        now = self._clock()
        with self._engine.begin() as connection:
            current, row = _current(connection, session, now, "password")
            if row.must_change_password or row.totp_secret is not None:
                raise PermissionError("The second factor cannot be set up now.")
            secret = current.pending_secret
            if secret is None:
                secret = pyotp.random_base32()
                connection.execute(update(sessions).where(sessions.c.token_hash == current.token_hash)
                                   .values(pending_secret=secret, last_seen=now))
        return secret, pyotp.TOTP(secret).provisioning_uri(name=row.name, issuer_name=TOTP_ISSUER)

    def confirm_totp(self, session: Session, code: str) -> Session:
        """The first code from a new second factor: stores it and logs in."""
        now = self._clock()
        with self._engine.begin() as connection:
            current, row = _current(connection, session, now, "password")
            if row.must_change_password or row.totp_secret is not None or current.pending_secret is None:
                raise PermissionError("There is no second factor to confirm.")
            if row.locked_until > now:
                raise Locked(row.locked_until)
            step = _matching_step(current.pending_secret, code, now)
            if step is not None:
                # Set up by another session meanwhile: keep that one.
                free = and_(staff.c.id == row.id, staff.c.totp_secret.is_(None), staff.c.locked_until <= now)
                stored = connection.execute(update(staff).where(free).values(
                    totp_secret=current.pending_secret, totp_last_step=step, failed_logins=0)).rowcount
                if stored:
                    _record(connection, now, row.name, "totp_set_up")
                    _record(connection, now, row.name, "login")
                    return _rotate(connection, session, now, "ok", row.id)
        raise self._failure(row.id, row.name, now, "code")

    def check_totp(self, session: Session, code: str) -> Session:
        """The code of the second factor: logs in. Each code is accepted once."""
        now = self._clock()
        with self._engine.begin() as connection:
            _, row = _current(connection, session, now, "password")
            if row.must_change_password or row.totp_secret is None:
                raise PermissionError("No code is due now.")
            if row.locked_until > now:
                raise Locked(row.locked_until)
            step = _matching_step(row.totp_secret, code, now)
            if step is not None:
                # Only a step later than the last accepted one, so a code (even an earlier one) is not replayed.
                fresh = and_(staff.c.id == row.id, staff.c.totp_last_step < step, staff.c.locked_until <= now)
                if connection.execute(update(staff).where(fresh)
                                      .values(totp_last_step=step, failed_logins=0)).rowcount:
                    _record(connection, now, row.name, "login")
                    return _rotate(connection, session, now, "ok", row.id)
        raise self._failure(row.id, row.name, now, "code")

    # Audit

    def record(self, staff_name: str, action: str, code: str | None = None, detail: str | None = None) -> None:
        with self._engine.begin() as connection:
            _record(connection, self._clock(), staff_name, action, code, detail)

    def audit_entries(self, limit: int = 200) -> list[AuditEntry]:
        """The latest entries, newest first."""
        query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
        with self._engine.connect() as connection:
            return [AuditEntry(row.at, row.staff_name, row.action, row.code, row.detail)
                    for row in connection.execute(query)]

    def purge(self) -> int:
        """Delete expired sessions and audit entries older than `audit_days`; the number of rows removed."""
        now = self._clock()
        expired = or_(
            sessions.c.last_seen < now - IDLE_SECONDS,
            and_(sessions.c.stage != "ok", sessions.c.created_at < now - ANONYMOUS_SECONDS),
        )
        old = audit_log.c.at < now - self._audit_days * SECONDS_PER_DAY
        with self._engine.begin() as connection:
            removed = connection.execute(delete(sessions).where(expired)).rowcount or 0
            removed += connection.execute(delete(audit_log).where(old)).rowcount or 0
        return removed

    # Helpers

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _dummy_hash(self) -> str:
        # Made once per process and cost: a new Staff per request must not make an unknown
        # name slower (a hash and a verify) than a known one (a verify).
        parameters = (self._hasher.time_cost, self._hasher.memory_cost, self._hasher.parallelism)
        if parameters not in _DUMMY_HASHES:
            _DUMMY_HASHES[parameters] = self._hasher.hash(secrets.token_urlsafe(16))
        return _DUMMY_HASHES[parameters]

    def _failure(self, staff_id: int, name: str, now: float, factor: str) -> Exception:
        """Count a failed login, locking the account at the MAX_FAILURES-th in a row; the exception to raise."""
        with self._engine.begin() as connection:
            # Counted in the database, so that failures on several servers add up.
            counted = connection.execute(update(staff).where(staff.c.id == staff_id)
                                         .values(failed_logins=staff.c.failed_logins + 1)).rowcount
            if not counted:  # removed meanwhile
                return LoginFailed()
            _record(connection, now, name, "login_failed", detail=factor)
            lock = and_(staff.c.id == staff_id, staff.c.failed_logins >= MAX_FAILURES)
            until = now + LOCK_SECONDS
            if connection.execute(update(staff).where(lock).values(failed_logins=0, locked_until=until)).rowcount:
                _record(connection, now, name, "locked", detail=f"{MAX_FAILURES} failed logins in a row")
                return Locked(until)
        return LoginFailed()

    def _locked_until(self, connection: Connection, staff_id: int, now: float) -> float:
        until = connection.execute(select(staff.c.locked_until).where(staff.c.id == staff_id)).scalar()
        return float(until) if until is not None else now


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _one_time_password() -> str:
    # 20 characters of 31: about 99 bits; in groups of four for reading aloud.
    groups = ("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(5))
    return "-".join(groups)


def _staff_row(connection: Connection, name: str) -> Any:
    # Names are unique regardless of case, so "Anna" and "anna" are one person.
    return connection.execute(select(staff).where(func.lower(staff.c.name) == name.lower())).first()


def _account(row: Any) -> Account:
    return Account(id=row.id, name=row.name, is_admin=bool(row.is_admin),
                   must_change_password=bool(row.must_change_password), has_totp=row.totp_secret is not None)


def _expired(row: Any, now: float) -> bool:
    if now - row.last_seen > IDLE_SECONDS:
        return True
    # A session that has not logged in yet (anonymous, or halfway) lasts an hour from its creation.
    return row.stage != "ok" and now - row.created_at > ANONYMOUS_SECONDS


def _current(connection: Connection, session: Session, now: float, stage: Stage) -> tuple[Any, Any]:
    """The session's row and its account's, from the database rather than the caller's copy,
    so that a replaced, expired or ended session cannot take a step."""
    row = connection.execute(select(sessions).where(sessions.c.token_hash == _hash(session.token))).first()
    if row is None or _expired(row, now) or row.stage != stage:
        raise PermissionError("This step is not due in this session.")
    if stage == "anonymous":
        return row, None
    account_row = connection.execute(select(staff).where(staff.c.id == row.staff_id)).first()
    if account_row is None:
        raise PermissionError("The account is gone.")
    return row, account_row


def _new_session(connection: Connection, now: float, stage: Stage, staff_id: int | None) -> Session:
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    connection.execute(insert(sessions).values(
        token_hash=_hash(token), staff_id=staff_id, stage=stage, csrf_token=csrf_token, pending_secret=None,
        created_at=now, last_seen=now))
    account = None
    if staff_id is not None:
        account = _account(connection.execute(select(staff).where(staff.c.id == staff_id)).one())
    return Session(token, csrf_token, stage, account)


def _rotate(connection: Connection, session: Session, now: float, stage: Stage, staff_id: int) -> Session:
    """Replace a session by a new one (new token and CSRF token), so a token seen before a step is useless after it."""
    gone = connection.execute(delete(sessions).where(sessions.c.token_hash == _hash(session.token))).rowcount
    if not gone:  # taken by a concurrent request; the caller's transaction rolls back
        raise PermissionError("This session was replaced meanwhile.")
    return _new_session(connection, now, stage, staff_id)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code `code` is (this one, the one before or after), or None."""
    code = "".join(code.split())  # "123 456" as typed from an app
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    step = int(now // TOTP_STEP)
    for candidate in (step, step - 1, step + 1):  # valid_window=1: a clock a step off
        # By step number rather than totp.at(time), which goes through local time and trips on DST changes.
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _record(connection: Connection, now: float, staff_name: str, action: str,
            code: str | None = None, detail: str | None = None) -> None:
    connection.execute(insert(audit_log).values(
        at=now, staff_name=staff_name, action=action, code=code, detail=detail))

"""The desk console's staff: accounts, the login stages with a TOTP second factor,
sessions, lockout and the audit log, on a SQLite desk database and a fake clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

import bot.desk.staff as staff_module
from bot.desk.staff import (
    ANONYMOUS_SECONDS,
    IDLE_SECONDS,
    LOCK_SECONDS,
    MAX_FAILURES,
    Locked,
    LoginFailed,
    Session,
    Staff,
    WeakPassword,
)
from bot.desk.store import audit_log, sessions, staff
from tests.conftest import FakeClock

# Cheap parameters keep the tests fast; production uses argon2's defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
NEW_PASSWORD = "correct horse battery"


@pytest.fixture
def engine(desk_db):
    return desk_db


@pytest.fixture
def desk(engine, clock) -> Staff:
    return Staff(engine, clock, hasher=FAST)


def code(secret: str, clock: FakeClock, offset: float = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now + offset)


def first_login(desk: Staff, clock: FakeClock, name: str = "anna") -> tuple[Session, str]:
    """A new account through every first-time step; the logged-in session and its TOTP secret."""
    one_time = desk.add(name)
    session = desk.check_password(desk.start_session(), name, one_time)
    session = desk.change_password(session, NEW_PASSWORD)
    secret, _ = desk.totp_setup(session)
    return desk.confirm_totp(session, code(secret, clock)), secret


def at_code_stage(desk: Staff, name: str = "anna") -> Session:
    return desk.check_password(desk.start_session(), name, NEW_PASSWORD)


def actions(desk: Staff) -> list[tuple[str, str]]:
    return [(entry.staff_name, entry.action) for entry in desk.audit_entries()]


# Accounts


def test_add_returns_a_one_time_password_that_logs_in(desk):
    one_time = desk.add("anna")
    assert len(one_time) >= 16
    session = desk.check_password(desk.start_session(), "anna", one_time)
    assert session.stage == "password"
    assert session.account is not None and session.account.name == "anna"
    assert session.next_step == "change_password"


def test_one_time_passwords_differ(desk):
    assert desk.add("anna") != desk.add("bram")


@pytest.mark.parametrize("name", ["anna", "ANNA", "Anna"])
def test_a_taken_name_is_refused_whatever_its_case(desk, name):
    desk.add("anna")
    with pytest.raises(ValueError, match="taken"):
        desk.add(name)
    assert len(desk.accounts()) == 1


@pytest.mark.parametrize("name", ["", "a", "x" * 65, "anna bakker", "anna@loket", "änna", "anna\n"])
def test_an_invalid_name_is_refused(desk, name):
    with pytest.raises(ValueError, match="2 to 64"):
        desk.add(name)
    assert desk.accounts() == []


def test_names_of_2_and_64_allowed_characters_are_accepted(desk):
    desk.add("a.")
    desk.add("A-b_c.9" + "x" * 57)
    assert [account.name for account in desk.accounts()] == ["A-b_c.9" + "x" * 57, "a."]


def test_the_stored_hash_is_argon2_and_never_the_password(desk, engine):
    one_time = desk.add("anna")
    with engine.connect() as connection:
        stored = connection.execute(select(staff.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2")
    assert one_time not in stored


def test_a_new_account_must_change_its_password_and_has_no_second_factor(desk):
    desk.add("anna", admin=True)
    account = desk.account("anna")
    assert account is not None
    assert (account.is_admin, account.must_change_password, account.has_totp) == (True, True, False)
    assert desk.account("bram") is None


# Logging in


def test_the_first_login_goes_through_password_change_and_totp_setup(desk, clock):
    one_time = desk.add("anna")
    session = desk.check_password(desk.start_session(), "anna", one_time)
    assert session.next_step == "change_password"
    session = desk.change_password(session, NEW_PASSWORD)
    assert (session.stage, session.next_step) == ("password", "setup_totp")
    secret, uri = desk.totp_setup(session)
    assert uri.startswith("otpauth://totp/") and "issuer=Loket%20desk" in uri and f"secret={secret}" in uri
    session = desk.confirm_totp(session, code(secret, clock))
    assert (session.stage, session.next_step) == ("ok", "done")
    account = desk.account("anna")
    assert account is not None and (account.must_change_password, account.has_totp) == (False, True)
    assert desk.session(session.token) == session


@pytest.mark.parametrize(("new_password", "reason"), [
    ("short pass", "too short"),
    ("Anna.Bakker-1", "equal to the name"),
    (None, "one-time password"),
])
def test_a_weak_new_password_is_refused_with_the_reason(desk, new_password, reason):
    one_time = desk.add("Anna.Bakker-1")
    session = desk.check_password(desk.start_session(), "Anna.Bakker-1", one_time)
    with pytest.raises(WeakPassword, match=reason):
        desk.change_password(session, new_password or one_time)
    assert desk.session(session.token).next_step == "change_password"  # still due, same session


def test_the_name_compared_without_case_is_refused_as_a_password(desk):
    one_time = desk.add("anna.bakker.1")
    session = desk.check_password(desk.start_session(), "anna.bakker.1", one_time)
    with pytest.raises(WeakPassword, match="equal to the name"):
        desk.change_password(session, "ANNA.BAKKER.1")


def test_the_one_time_password_no_longer_works_after_the_change(desk, clock):
    one_time = desk.add("anna")
    session = desk.check_password(desk.start_session(), "anna", one_time)
    desk.change_password(session, NEW_PASSWORD)
    with pytest.raises(LoginFailed):
        desk.check_password(desk.start_session(), "anna", one_time)


def test_totp_setup_reuses_the_pending_secret_in_the_session(desk):
    one_time = desk.add("anna")
    session = desk.change_password(desk.check_password(desk.start_session(), "anna", one_time), NEW_PASSWORD)
    first, _ = desk.totp_setup(session)
    assert desk.totp_setup(session)[0] == first
    assert len(first) >= 16 and pyotp.TOTP(first).now()  # base32


def test_a_wrong_first_code_does_not_set_up_the_second_factor(desk, clock):
    one_time = desk.add("anna")
    session = desk.change_password(desk.check_password(desk.start_session(), "anna", one_time), NEW_PASSWORD)
    secret, _ = desk.totp_setup(session)
    with pytest.raises(LoginFailed):
        desk.confirm_totp(session, code(secret, clock, offset=300))
    assert not desk.account("anna").has_totp
    assert desk.session(session.token).next_step == "setup_totp"


def test_a_later_login_needs_the_code(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(60)
    session = at_code_stage(desk)
    assert (session.stage, session.next_step) == ("password", "totp")
    session = desk.check_totp(session, code(secret, clock))
    assert (session.stage, session.next_step) == ("ok", "done")


def test_a_wrong_code_fails(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(60)
    session = at_code_stage(desk)
    right = code(secret, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(LoginFailed):
        desk.check_totp(session, wrong)
    assert desk.session(session.token).stage == "password"


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_a_code_that_is_not_six_digits_fails(desk, clock, typed):
    first_login(desk, clock)
    clock.advance(60)
    with pytest.raises(LoginFailed):
        desk.check_totp(at_code_stage(desk), typed)


def test_a_used_code_cannot_be_used_again(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(60)
    used = code(secret, clock)
    desk.check_totp(at_code_stage(desk), used)
    clock.advance(5)  # the same 30-second step
    with pytest.raises(LoginFailed):
        desk.check_totp(at_code_stage(desk), used)


def test_the_setup_code_cannot_be_used_again_to_log_in(desk, clock):
    _, secret = first_login(desk, clock)
    with pytest.raises(LoginFailed):
        desk.check_totp(at_code_stage(desk), code(secret, clock))


def test_an_earlier_code_is_refused_after_a_later_one_was_used(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(90)
    earlier = code(secret, clock, offset=-30)  # still within the window
    desk.check_totp(at_code_stage(desk), code(secret, clock))
    with pytest.raises(LoginFailed):
        desk.check_totp(at_code_stage(desk), earlier)


@pytest.mark.parametrize("offset", [-30, 30])
def test_a_code_one_step_off_is_accepted(desk, clock, offset):
    _, secret = first_login(desk, clock)
    clock.advance(90)
    assert desk.check_totp(at_code_stage(desk), code(secret, clock, offset)).stage == "ok"


def test_a_code_two_steps_off_is_refused(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(120)
    with pytest.raises(LoginFailed):
        desk.check_totp(at_code_stage(desk), code(secret, clock, offset=-60))


def test_a_code_typed_with_spaces_is_accepted(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(60)
    right = code(secret, clock)
    assert desk.check_totp(at_code_stage(desk), f" {right[:3]} {right[3:]} ").stage == "ok"


def test_an_unknown_name_fails_like_a_wrong_password(desk):
    desk.add("anna")
    with pytest.raises(LoginFailed) as wrong_password:
        desk.check_password(desk.start_session(), "anna", "not the password")
    with pytest.raises(LoginFailed) as unknown_name:
        desk.check_password(desk.start_session(), "nobody", "not the password")
    assert str(unknown_name.value) == str(wrong_password.value)


def test_an_unknown_name_spends_an_argon2_verification(engine, clock):
    class Counting(PasswordHasher):
        verified = 0

        def verify(self, hash, password):
            Counting.verified += 1
            return super().verify(hash, password)

    desk = Staff(engine, clock, hasher=Counting(time_cost=1, memory_cost=8, parallelism=1))
    with pytest.raises(LoginFailed):
        desk.check_password(desk.start_session(), "nobody", "whatever")
    assert Counting.verified == 1


def test_a_login_name_is_matched_without_case(desk):
    one_time = desk.add("Anna")
    assert desk.check_password(desk.start_session(), "anna", one_time).account.name == "Anna"


# Lockout


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(desk, clock):
    one_time = desk.add("anna")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            desk.check_password(desk.start_session(), "anna", "wrong password")
    with pytest.raises(Locked) as locked:
        desk.check_password(desk.start_session(), "anna", "wrong password")
    assert locked.value.until == clock.now + LOCK_SECONDS == clock.now + 15 * 60
    clock.advance(LOCK_SECONDS - 1)
    with pytest.raises(Locked):
        desk.check_password(desk.start_session(), "anna", one_time)  # even the right password
    clock.advance(1)
    assert desk.check_password(desk.start_session(), "anna", one_time).stage == "password"


def test_a_wrong_password_while_locked_does_not_lengthen_the_lock(desk, clock):
    desk.add("anna")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            desk.check_password(desk.start_session(), "anna", "wrong password")
    with pytest.raises(Locked) as locked:
        desk.check_password(desk.start_session(), "anna", "wrong password")
    clock.advance(60)
    with pytest.raises(Locked) as again:
        desk.check_password(desk.start_session(), "anna", "wrong password")
    assert again.value.until == locked.value.until


def test_after_the_lock_the_count_starts_again(desk, clock):
    desk.add("anna")
    for _ in range(MAX_FAILURES):
        with pytest.raises((LoginFailed, Locked)):
            desk.check_password(desk.start_session(), "anna", "wrong password")
    clock.advance(LOCK_SECONDS)
    with pytest.raises(LoginFailed):  # the first of a new series, not a new lock
        desk.check_password(desk.start_session(), "anna", "wrong password")


def test_only_the_second_factor_resets_the_failures(desk, clock):
    # A known password must not reset the count between guessed codes.
    _, secret = first_login(desk, clock)
    clock.advance(60)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            desk.check_totp(at_code_stage(desk), "000000")
    with pytest.raises(Locked):
        desk.check_totp(at_code_stage(desk), "000000")
    clock.advance(LOCK_SECONDS + 1)
    desk.check_totp(at_code_stage(desk), code(secret, clock))
    for _ in range(MAX_FAILURES - 1):  # after a full login the count starts again
        with pytest.raises(LoginFailed):
            desk.check_password(desk.start_session(), "anna", "wrong password")


def test_wrong_codes_count_toward_the_lockout(desk, clock):
    _, secret = first_login(desk, clock)
    clock.advance(60)
    session = at_code_stage(desk)
    with pytest.raises(LoginFailed):
        desk.check_password(desk.start_session(), "anna", "wrong password")
    for _ in range(MAX_FAILURES - 2):
        with pytest.raises(LoginFailed):
            desk.check_totp(session, "000000" if code(secret, clock) != "000000" else "111111")
    with pytest.raises(Locked):
        desk.check_totp(session, "000000" if code(secret, clock) != "000000" else "111111")
    with pytest.raises(Locked):
        desk.check_totp(session, code(secret, clock))  # the right code, while locked


def test_wrong_setup_codes_count_toward_the_lockout(desk, clock):
    one_time = desk.add("anna")
    session = desk.change_password(desk.check_password(desk.start_session(), "anna", one_time), NEW_PASSWORD)
    secret, _ = desk.totp_setup(session)
    wrong = code(secret, clock, offset=600)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            desk.confirm_totp(session, wrong)
    with pytest.raises(Locked):
        desk.confirm_totp(session, wrong)


# Sessions


def test_a_new_session_is_anonymous_with_a_csrf_token(desk):
    session = desk.start_session()
    assert (session.stage, session.account, session.next_step) == ("anonymous", None, "login")
    assert len(session.token) >= 32 and len(session.csrf_token) >= 32 and session.token != session.csrf_token
    assert desk.session(session.token) == session


def test_only_the_hash_of_the_token_is_stored(desk, engine):
    session = desk.start_session()
    with engine.connect() as connection:
        stored = connection.execute(select(sessions.c.token_hash)).scalar_one()
    assert session.token not in stored and len(stored) == 64


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_no_session_for_an_empty_or_unknown_token(desk, token):
    desk.start_session()
    assert desk.session(token) is None


def test_a_session_expires_after_eight_hours_idle_but_not_when_used_at_seven(desk, clock):
    session, _ = first_login(desk, clock)
    clock.advance(7 * 3600)
    assert desk.session(session.token) is not None
    clock.advance(3600 + 1)
    assert desk.session(session.token) is not None  # over eight hours old, but used an hour ago
    clock.advance(IDLE_SECONDS + 1)
    assert desk.session(session.token) is None
    clock.advance(-10)
    assert desk.session(session.token) is None  # deleted, not merely hidden


def test_an_anonymous_session_expires_after_an_hour_even_when_used(desk, clock):
    session = desk.start_session()
    clock.advance(ANONYMOUS_SECONDS - 60)
    assert desk.session(session.token) is not None
    clock.advance(61)
    assert desk.session(session.token) is None


def test_a_session_halfway_through_login_expires_after_an_hour(desk, clock):
    one_time = desk.add("anna")
    session = desk.check_password(desk.start_session(), "anna", one_time)
    clock.advance(ANONYMOUS_SECONDS + 1)
    with pytest.raises(PermissionError):
        desk.change_password(session, NEW_PASSWORD)
    assert desk.session(session.token) is None


def test_each_step_replaces_the_token(desk, clock):
    one_time = desk.add("anna")
    tokens = [desk.start_session()]
    tokens.append(desk.check_password(tokens[-1], "anna", one_time))
    tokens.append(desk.change_password(tokens[-1], NEW_PASSWORD))
    secret, _ = desk.totp_setup(tokens[-1])
    tokens.append(desk.confirm_totp(tokens[-1], code(secret, clock)))
    assert len({session.token for session in tokens}) == len(tokens)
    assert [desk.session(session.token) is None for session in tokens] == [True, True, True, False]


def test_a_replaced_session_cannot_take_a_step(desk):
    one_time = desk.add("anna")
    anonymous = desk.start_session()
    desk.check_password(anonymous, "anna", one_time)
    with pytest.raises(PermissionError):
        desk.check_password(anonymous, "anna", one_time)


def test_csrf_ok_only_for_the_sessions_own_token(desk):
    session, other = desk.start_session(), desk.start_session()
    assert desk.csrf_ok(session, session.csrf_token)
    assert not desk.csrf_ok(session, other.csrf_token)
    assert not desk.csrf_ok(session, None)
    assert not desk.csrf_ok(session, "")


def test_the_csrf_token_changes_at_login(desk):
    one_time = desk.add("anna")
    anonymous = desk.start_session()
    session = desk.check_password(anonymous, "anna", one_time)
    assert not desk.csrf_ok(session, anonymous.csrf_token)


def test_ending_a_session_logs_out(desk, clock):
    session, _ = first_login(desk, clock)
    desk.end_session(session.token)
    assert desk.session(session.token) is None
    assert actions(desk)[0] == ("anna", "logout")


def test_ending_an_anonymous_session_records_nothing(desk):
    session = desk.start_session()
    desk.end_session(session.token)
    assert desk.session(session.token) is None
    assert desk.audit_entries() == []


def test_removing_an_account_ends_its_sessions(desk, clock, engine):
    session, _ = first_login(desk, clock)
    other = desk.start_session()
    assert desk.remove("anna", by="bram")
    assert desk.session(session.token) is None
    assert desk.session(other.token) is not None
    assert desk.account("anna") is None
    assert actions(desk)[0] == ("bram", "staff_removed")
    assert not desk.remove("anna")


@pytest.mark.parametrize("step", ["change_password", "totp_setup", "confirm_totp", "check_totp"])
def test_an_anonymous_session_cannot_skip_the_password(desk, step):
    desk.add("anna")
    session = desk.start_session()
    call = {
        "change_password": lambda: desk.change_password(session, NEW_PASSWORD),
        "totp_setup": lambda: desk.totp_setup(session),
        "confirm_totp": lambda: desk.confirm_totp(session, "123456"),
        "check_totp": lambda: desk.check_totp(session, "123456"),
    }[step]
    with pytest.raises(PermissionError):
        call()


@pytest.mark.parametrize("step", ["totp_setup", "confirm_totp", "check_totp"])
def test_the_password_change_cannot_be_skipped(desk, step):
    one_time = desk.add("anna")
    session = desk.check_password(desk.start_session(), "anna", one_time)
    call = {
        "totp_setup": lambda: desk.totp_setup(session),
        "confirm_totp": lambda: desk.confirm_totp(session, "123456"),
        "check_totp": lambda: desk.check_totp(session, "123456"),
    }[step]
    with pytest.raises(PermissionError):
        call()


def test_the_code_cannot_be_confirmed_before_the_setup(desk):
    one_time = desk.add("anna")
    session = desk.change_password(desk.check_password(desk.start_session(), "anna", one_time), NEW_PASSWORD)
    with pytest.raises(PermissionError):
        desk.confirm_totp(session, "123456")
    with pytest.raises(PermissionError):
        desk.check_totp(session, "123456")  # no second factor yet


@pytest.mark.parametrize("step", ["check_password", "change_password", "totp_setup", "confirm_totp", "check_totp"])
def test_a_logged_in_session_takes_no_login_step(desk, clock, step):
    session, _ = first_login(desk, clock)
    call = {
        "check_password": lambda: desk.check_password(session, "anna", NEW_PASSWORD),
        "change_password": lambda: desk.change_password(session, "another long password"),
        "totp_setup": lambda: desk.totp_setup(session),
        "confirm_totp": lambda: desk.confirm_totp(session, "123456"),
        "check_totp": lambda: desk.check_totp(session, "123456"),
    }[step]
    with pytest.raises(PermissionError):
        call()


def test_an_account_with_totp_cannot_set_up_another(desk, clock):
    first_login(desk, clock)
    session = at_code_stage(desk)
    with pytest.raises(PermissionError):
        desk.totp_setup(session)
    with pytest.raises(PermissionError):
        desk.change_password(session, "another long password")


# The audit log


def test_the_audit_log_records_logins_locks_and_logouts_newest_first(desk, clock):
    session, secret = first_login(desk, clock)
    clock.advance(10)
    desk.end_session(session.token)
    for _ in range(MAX_FAILURES):
        clock.advance(1)
        with pytest.raises((LoginFailed, Locked)):
            desk.check_password(desk.start_session(), "anna", "wrong password")
    entries = desk.audit_entries()
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert actions(desk)[:2] == [("anna", "locked"), ("anna", "login_failed")]
    assert ("anna", "logout") in actions(desk) and ("anna", "login") in actions(desk)
    assert actions(desk)[-4:] == [("anna", "login"), ("anna", "totp_set_up"),
                                  ("anna", "password_changed"), ("cli", "staff_added")]


def test_an_unknown_name_is_audited_without_the_typed_text(desk):
    with pytest.raises(LoginFailed):
        desk.check_password(desk.start_session(), "Secret.Password1", "whatever")
    [entry] = desk.audit_entries()
    assert entry.action == "login_failed"
    assert "Secret" not in f"{entry.staff_name} {entry.detail}"


def test_record_and_audit_entries_keep_order_and_fields(desk, clock):
    desk.record("anna", "opened", code="K7M2Q9", detail="first")
    desk.record("anna", "handled", code="K7M2Q9")  # the same second: newest by insertion
    clock.advance(1)
    desk.record("bram", "deleted")
    entries = desk.audit_entries()
    assert [(e.staff_name, e.action, e.code) for e in entries] == [
        ("bram", "deleted", None), ("anna", "handled", "K7M2Q9"), ("anna", "opened", "K7M2Q9")]
    assert entries[-1].detail == "first" and entries[-1].at == clock.now - 1
    assert len(desk.audit_entries(limit=2)) == 2


def test_purge_removes_old_audit_entries_and_expired_sessions(engine, clock):
    desk = Staff(engine, clock, audit_days=30, hasher=FAST)
    session, _ = first_login(desk, clock)  # logged in; four audit entries
    old_anonymous = desk.start_session()
    clock.advance(ANONYMOUS_SECONDS + 1)
    fresh = desk.start_session()
    assert desk.purge() == 1  # the old anonymous session only
    clock.advance(31 * 86_400)
    desk.record("anna", "opened")
    assert desk.purge() == 1 + 1 + 4  # the idle and the stale anonymous sessions, the old entries
    assert [entry.action for entry in desk.audit_entries()] == ["opened"]
    with engine.connect() as connection:
        assert connection.execute(select(sessions)).all() == []
    assert desk.session(session.token) is None and desk.session(fresh.token) is None
    assert desk.session(old_anonymous.token) is None


def test_purge_keeps_live_sessions(desk, clock, engine):
    session, _ = first_login(desk, clock)
    clock.advance(IDLE_SECONDS - 60)
    assert desk.purge() == 0
    assert desk.session(session.token) is not None
    with engine.connect() as connection:
        assert len(connection.execute(select(audit_log)).all()) == 4


# Several servers, one database


def test_two_staff_objects_on_one_database_agree(engine, clock):
    one, two = Staff(engine, clock, hasher=FAST), Staff(engine, clock, hasher=FAST)
    session, secret = first_login(one, clock)
    assert two.session(session.token) == session
    clock.advance(60)
    half = two.check_password(two.start_session(), "anna", NEW_PASSWORD)
    assert one.check_totp(half, code(secret, clock)).stage == "ok"  # the step on the other server
    assert two.session(half.token) is None


def test_failures_on_two_servers_add_up_to_a_lock(engine, clock):
    one, two = Staff(engine, clock, hasher=FAST), Staff(engine, clock, hasher=FAST)
    one.add("anna")
    for attempt in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            (one, two)[attempt % 2].check_password(one.start_session(), "anna", "wrong password")
    with pytest.raises(Locked):
        two.check_password(two.start_session(), "anna", "wrong password")


def test_a_hash_with_old_parameters_is_replaced_at_login(engine, clock):
    old = Staff(engine, clock, hasher=FAST)
    one_time = old.add("anna")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    Staff(engine, clock, hasher=stronger).check_password(old.start_session(), "anna", one_time)
    with engine.connect() as connection:
        stored = connection.execute(select(staff.c.password_hash)).scalar_one()
    assert not stronger.check_needs_rehash(stored)
    assert stronger.verify(stored, one_time)


def test_the_module_is_plain_domain_code():
    tree = ast.parse(Path(staff_module.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"rasa", "rasa_sdk", "sanic", "telegram"}

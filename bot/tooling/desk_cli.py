"""`loket` commands for the desk: staff accounts, handovers, unanswered questions, feedback.

    loket staff add NAME [--admin]       an account; prints a one-time password
    loket staff remove NAME              remove an account and end its sessions
    loket staff list [--json]            the accounts
    loket handovers [--json]             open handovers: code, created, language, channel, topics
    loket handover CODE [--json] [--lang nl|en]   one handover: the summary and the conversation
    loket gaps [--json]                  questions Loket could not answer, grouped, with counts
    loket feedback [--json]              "Did this help?" per topic, with comments

Exit codes: 0 found, 1 not found or a bad code, 2 the desk database cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps

from sqlalchemy.exc import SQLAlchemyError

from bot.desk import (
    BadCode,
    feedback_store,
    handover_store,
    parse_code,
    shown,
    staff_store,
    staff_time,
)

EXIT_OK, EXIT_NOT_FOUND, EXIT_UNAVAILABLE = 0, 1, 2
Command = Callable[[argparse.Namespace], int]


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _desk_database(command: Command) -> Command:
    """A database that cannot be reached is a clear message and exit code 2, not a traceback."""
    @wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except SQLAlchemyError as error:
            print(f"could not reach the desk database (LOKET_DESK_DATABASE_URL): {error.__class__.__name__}",
                  file=sys.stderr)
            return EXIT_UNAVAILABLE
    return run


@_desk_database
def cmd_staff(args: argparse.Namespace) -> int:
    staff = staff_store()
    if args.action == "add":
        try:
            password = staff.add(args.name, admin=args.admin)
        except ValueError as error:
            print(error, file=sys.stderr)
            return EXIT_NOT_FOUND
        print(f"account {args.name!r} created{' (admin)' if args.admin else ''}.\n"
              f"one-time password: {password}\n"
              "At the first login at /desk/ it must be changed, and a second factor (an authenticator app) set up.")
        return EXIT_OK
    if args.action == "remove":
        if staff.remove(args.name):
            print(f"account {args.name!r} removed")
            return EXIT_OK
        print(f"no account {args.name!r}", file=sys.stderr)
        return EXIT_NOT_FOUND
    accounts = [asdict(account) for account in staff.accounts()]
    if args.json:
        _print_json(accounts)
    else:
        for account in accounts:
            print(f"{account['name']:<24} {'admin' if account['is_admin'] else 'staff'}"
                  f"{'' if account['has_totp'] else '  (first login pending)'}")
    return EXIT_OK


@_desk_database
def cmd_handovers(args: argparse.Namespace) -> int:
    # The codes of every open handover: for the deployment's operator, and in the audit log.
    staff_store().record("cli", "listed", detail="loket handovers")
    rows = [{"code": handover.shown_code, "created": staff_time(handover.created_at),
             "expires": staff_time(handover.expires_at), "language": handover.language,
             "channel": handover.channel, "topics": handover.topics} for handover in handover_store().open()]
    if args.json:
        _print_json(rows)
    elif not rows:
        print("no open handovers")
    else:
        for row in rows:
            print(f"{row['code']}  {row['created']}  {row['language']:<3} {row['channel']:<8} "
                  f"{', '.join(row['topics']) or '-'}")  # type: ignore[arg-type]
    return EXIT_OK


@_desk_database
def cmd_handover(args: argparse.Namespace) -> int:
    try:
        code = parse_code(args.code)
    except BadCode as error:
        print(f"{args.code!r} is not a handover code: {error}", file=sys.stderr)
        return EXIT_NOT_FOUND
    handover = handover_store().get(code)
    if handover is None:
        print(f"no open handover {shown(code)}: it may have expired, been withdrawn or handled", file=sys.stderr)
        return EXIT_NOT_FOUND
    staff_store().record("cli", "opened", handover.code)
    if args.json:
        _print_json({**handover.as_json(), "created": staff_time(handover.created_at),
                     "expires": staff_time(handover.expires_at)})
        return EXIT_OK
    print(f"{handover.shown_code}\n\n{handover.summary.get(args.lang) or handover.summary.get('nl', '')}\n")
    for line in handover.transcript:
        print(f"{'>' if line['who'] == 'user' else ' '} {line['text']}")
    return EXIT_OK


@_desk_database
def cmd_gaps(args: argparse.Namespace) -> int:
    groups = [{"label": group.label, "count": group.count, "languages": group.languages, "weeks": group.weeks,
               "examples": list(group.examples), "ids": list(group.ids)} for group in feedback_store().gap_groups()]
    if args.json:
        _print_json(groups)
    elif not groups:
        print("no unanswered questions")
    else:
        for group in groups:
            languages = ", ".join(f"{language} {count}" for language, count in group["languages"].items())  # type: ignore[attr-defined]
            print(f"{group['count']:>4}×  {group['label']}  ({languages})")
    return EXIT_OK


@_desk_database
def cmd_feedback(args: argparse.Namespace) -> int:
    rows = [{"topic": item.topic, "helpful": item.helpful, "not_helpful": item.not_helpful, "total": item.total,
             "share_helpful": round(item.share_helpful, 3), "comments": list(item.comments)}
            for item in feedback_store().per_topic()]
    if args.json:
        _print_json(rows)
    elif not rows:
        print("no feedback yet")
    else:
        for row in rows:
            print(f"{row['topic']:<28} {row['share_helpful']:>6.0%} helpful of {row['total']}")
    return EXIT_OK


def add_desk_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = sub.add_parser("staff", help="desk staff accounts: add, remove, list")
    actions = staff.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account; prints a one-time password")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may read the audit log")
    actions.add_parser("remove", help="remove an account and end its sessions").add_argument("name")
    listing = actions.add_parser("list", help="the accounts")
    listing.add_argument("--json", action="store_true")
    staff.set_defaults(func=cmd_staff, json=False, admin=False)

    listed = sub.add_parser("handovers", help="open handovers: code, created, language, channel, topics")
    listed.add_argument("--json", action="store_true")
    listed.set_defaults(func=cmd_handovers)

    one = sub.add_parser("handover", help="one handover by its code (ABC-234)")
    one.add_argument("code")
    one.add_argument("--json", action="store_true")
    one.add_argument("--lang", choices=("nl", "en"), default="nl", help="the summary's language")
    one.set_defaults(func=cmd_handover)

    gaps = sub.add_parser("gaps", help="questions Loket could not answer, grouped by similar wording")
    gaps.add_argument("--json", action="store_true")
    gaps.set_defaults(func=cmd_gaps)

    rated = sub.add_parser("feedback", help='"Did this help?" per topic, with comments')
    rated.add_argument("--json", action="store_true")
    rated.set_defaults(func=cmd_feedback)

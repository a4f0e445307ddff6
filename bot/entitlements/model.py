"""What a check returns: an outcome, every reason with its rule and source, and the
changes between years."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from bot.i18n import format_day, format_money, gettext

PASS, FAIL, MISSING, INFO = "pass", "fail", "missing", "info"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "EUR"


Value = Money | dt.date | int | str


@dataclass(frozen=True)
class Source:
    key: str  # a reference (S3) or budget section (bzk_2024#Betaalbaar Wonen)
    title: str
    url: str | None
    official: bool
    year: int | None = None  # of a budget document
    section: str | None = None


@dataclass(frozen=True)
class Reason:
    rule: str
    outcome: str  # pass | fail | missing | info
    message: str  # English msgid with {placeholders}
    values: dict[str, Value]
    source: Source

    def text(self, language: str) -> str:
        return gettext(language, self.message, **{k: format_value(v, language) for k, v in self.values.items()})


@dataclass(frozen=True)
class Message:
    """Something to tell the user: an English msgid and the values for its placeholders."""

    message: str
    values: dict[str, Value] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return gettext(language, self.message, **{k: format_value(v, language) for k, v in self.values.items()})


@dataclass(frozen=True)
class Change:
    """A rule that says something else for the same person in a later year."""

    rule: str
    from_year: int
    to_year: int
    before: Reason
    after: Reason


@dataclass
class CheckResult:
    scheme: str
    eligible: bool | None
    reasons: list[Reason]
    year: int | None = None
    changes: list[Change] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [reason.rule for reason in self.reasons if reason.outcome == MISSING]

    @property
    def sources(self) -> list[Source]:
        unique: dict[str, Source] = {}
        for reason in self.reasons:
            unique.setdefault(reason.source.key, reason.source)
        return list(unique.values())


def outcome_of(reasons: list[Reason]) -> bool | None:
    """Not eligible if any condition fails; can't tell while one is missing."""
    if any(reason.outcome == FAIL for reason in reasons):
        return False
    if any(reason.outcome == MISSING for reason in reasons):
        return None
    return True


def format_value(value: Value, language: str) -> str:
    if isinstance(value, Money):
        return format_money(float(value.amount), value.currency, language)
    if isinstance(value, dt.date):
        return format_day(value, language)
    return str(value)

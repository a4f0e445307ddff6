"""Answers that are possible but unlikely ("ik ben 7", "mijn huur is 50 euro") are
confirmed before a check uses them: "Did you mean 7 years old? (yes or no)".

The table is data: per question name, else per kind of question (questions.KINDS).
Outside the range a value is asked back, not refused: yes keeps it, no asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.entitlements.model import Message, Money
from bot.entitlements.questions import Question
from bot.i18n import N_


@dataclass(frozen=True)
class Plausible:
    low: Decimal
    high: Decimal
    confirm: str  # English msgid with {value}: asked when an answer is outside low..high
    money: bool = False  # the value is an amount in euros

    def holds(self, value: Decimal | int) -> bool:
        return self.low <= Decimal(value) <= self.high


# question name, or else kind -> the answers used without asking back
PLAUSIBLE: dict[str, Plausible] = {
    "age": Plausible(Decimal(16), Decimal(110), N_("Did you mean {value} years old? (yes or no)")),
    "rent": Plausible(Decimal(100), Decimal(5000), N_("Did you mean a rent of {value} a month? (yes or no)"),
                      money=True),
}


def plausible_range(question: Question) -> Plausible | None:
    return PLAUSIBLE.get(question.name) or PLAUSIBLE.get(question.kind)


def needs_confirming(question: Question, value: Any) -> bool:
    """A number outside the question's range: ask "Did you mean ...?" before using it."""
    allowed = plausible_range(question)
    if allowed is None or isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return False
    return not allowed.holds(value)


def confirm_message(question: Question, value: Decimal | int) -> Message:
    allowed = plausible_range(question)
    if allowed is None:
        raise ValueError(f"no plausible range for {question.name}")
    shown = Money(Decimal(value)) if allowed.money else int(value)
    return Message(allowed.confirm, {"value": shown})

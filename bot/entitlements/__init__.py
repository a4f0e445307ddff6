"""Entitlement checks (huurtoeslag, Warmtefonds): plain Python rules over sourced,
per-year parameters and questions in knowledge/rules/, used by the chat forms and
`loket check`. This module is the public interface; the rest is internal."""

from bot.entitlements.answer_reader import AnswerReader, Understood, asks_for_check
from bot.entitlements.checks import (
    SCHEMES,
    Checks,
    InvalidAnswer,
    find_island,
    result_json,
    result_text,
)
from bot.entitlements.model import CheckResult
from bot.entitlements.questions import UNKNOWN, Question, still_to_ask

__all__ = [
    "SCHEMES",
    "UNKNOWN",
    "AnswerReader",
    "CheckResult",
    "Checks",
    "InvalidAnswer",
    "Question",
    "Understood",
    "asks_for_check",
    "find_island",
    "result_json",
    "result_text",
    "still_to_ask",
]

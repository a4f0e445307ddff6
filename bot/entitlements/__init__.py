"""Entitlement checks (huurtoeslag, Warmtefonds): plain Python rules over sourced,
per-year parameters and questions in knowledge/rules/, used by the chat forms and
`loket check`. This module is the public interface; the rest is internal.

`read_yes_no` is the one reader of a yes or no ("jawel", "ja hoor", "sí", "yes
please"), and `read_answer` of any typed answer, for the chat, the CLI and the tests.
"""

from bot.entitlements.answer_reader import AnswerReader, Pending, Understood, asks_for_check, read_answer
from bot.entitlements.checks import (
    SCHEMES,
    Checks,
    InvalidAnswer,
    find_island,
    outcome_line,
    outcome_summary,
    parse_yes_no,
    result_json,
    result_text,
)
from bot.entitlements.model import CheckResult, Message
from bot.entitlements.plausibility import PLAUSIBLE, Plausible
from bot.entitlements.questions import UNKNOWN, Question, still_to_ask
from bot.language.replies import read_yes_no

__all__ = [
    "PLAUSIBLE",
    "SCHEMES",
    "UNKNOWN",
    "AnswerReader",
    "CheckResult",
    "Checks",
    "InvalidAnswer",
    "Message",
    "Pending",
    "Plausible",
    "Question",
    "Understood",
    "asks_for_check",
    "find_island",
    "outcome_line",
    "outcome_summary",
    "parse_yes_no",
    "read_answer",
    "read_yes_no",
    "result_json",
    "result_text",
    "still_to_ask",
]

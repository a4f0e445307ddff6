"""Understanding answers in an entitlement check, in Dutch, Papiamentu and English.

"twintig", "mi tin 22 aña", "1.200,50", "$750", "about 30k a year", "weet ik niet",
"nee, 650 euro" (a correction) and "stop" are all read here, without Rasa, so the
chat form and the tests share one interpretation. Which question an answer belongs
to, and how to read it, comes from the scheme's questions (knowledge/rules/).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.entitlements.questions import UNKNOWN, Question
from bot.language.entities import AGE, AMOUNT, EntityFinder
from bot.language.numbers import read_age, read_amount
from bot.language.replies import after_leading_no, read_yes_no, says_dont_know, says_stop
from bot.language.text import strip_accents

_PARTNER_YES = re.compile(r"\b(partner|samenwon\w*|getrouwd|married|pareha|kasá|kasa|mi esposa|mi kasá)\b", re.I)
_PARTNER_NO = re.compile(r"\b(alleen|alleenstaand|single|alone|on my own|mi so|bo so|sin pareha)\b", re.I)
# Volunteered amounts are tied to a question by words this close to them.
_CONTEXT_CHARS = 30


@dataclass
class Understood:
    values: dict[str, Any] = field(default_factory=dict)  # slot -> value
    corrected: str | None = None  # the earlier answer this message corrects
    stop: bool = False
    unreadable: str | None = None  # the asked slot, when its answer could not be read


def read_partner(text: str) -> bool | None:
    if _PARTNER_NO.search(text):
        return False
    if _PARTNER_YES.search(text):
        return read_yes_no(text) is not False  # "mi no tin pareha" has a "no" in it
    return read_yes_no(text)


def read_answer(kind: str, text: str) -> Any:
    """One answer of the given kind (see questions.KINDS), or None when it cannot be read."""
    if kind == "age":
        return read_age(text)
    if kind == "money":
        return read_amount(text)
    if kind == "yes_no":
        return read_yes_no(text)
    if kind == "partner":
        return read_partner(text)
    if kind == "place":
        return text.strip() or None
    raise ValueError(f"unknown kind of answer: {kind}")


class AnswerReader:
    """Reads one message of a check, given what was asked and what was answered last."""

    def __init__(self, finder: EntityFinder, questions: Sequence[Question]):
        self._finder = finder
        self._questions = {question.slot: question for question in questions}

    def read(self, text: str, asked: str | None, last_answered: str | None = None) -> Understood:
        understood = Understood()
        if says_stop(text):
            understood.stop = True
            return understood
        rest = after_leading_no(text)
        if rest is not None and last_answered in self._questions and last_answered != asked:
            value = read_answer(self._questions[last_answered].kind, rest)
            if value is not None:
                understood.values[last_answered] = value
                understood.corrected = last_answered
                return understood
        if asked in self._questions:
            if says_dont_know(text):
                understood.values[asked] = UNKNOWN
            else:
                value = read_answer(self._questions[asked].kind, text)
                if value is None:
                    understood.unreadable = asked
                else:
                    understood.values[asked] = value
        for slot, value in self._volunteered(text).items():
            understood.values.setdefault(slot, value)
        return understood

    def _volunteered(self, text: str) -> dict[str, Any]:
        """Values given without being asked: "ik ben 22 en betaal 600 euro huur"."""
        values: dict[str, Any] = {}
        entities = self._finder.find(text)
        for question in self._questions.values():
            if question.kind == "age":
                ages = [e for e in entities if e.name == AGE]
                if ages:
                    values[question.slot] = int(ages[0].value)
            elif question.kind == "partner" and (_PARTNER_NO.search(text) or _PARTNER_YES.search(text)):
                values[question.slot] = not _PARTNER_NO.search(text)
        for entity in (e for e in entities if e.name == AMOUNT):
            nearby = text[max(0, entity.start - _CONTEXT_CHARS): entity.end + _CONTEXT_CHARS]
            for question in self._questions.values():
                if question.context and question.slot not in values and question.context.search(nearby):
                    values[question.slot] = Decimal(entity.value)
                    break
        return values


def asks_for_check(text: str) -> bool:
    """ "Heb ik recht op huurtoeslag?", "Mi tin derecho riba...?", "Am I eligible...?" """
    return bool(_PERSONAL_CHECK.search(strip_accents(text.lower())))


_PERSONAL_CHECK = re.compile(
    r"(recht op|kom ik in aanmerking|krijg ik|kan ik .*krijgen|mag ik|check of ik|"
    r"tin derecho|tin derechi|mi por haña|mi por haya|ta pa mi|"
    r"am i eligible|eligible|do i qualify|can i get|could i get|entitled|check if i)"
)

"""The questions of a check, read from its rules file (knowledge/rules/<scheme>.yml).

The chat form, `loket check` and the generated Rasa form all come from this one list,
so adding a question is data only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "unknown"  # the person does not know; the check says what is then missing
KINDS = ("age", "money", "yes_no", "partner", "place")


@dataclass(frozen=True)
class Question:
    name: str  # the answer's key, as `loket check --<name>` and the case tables use it
    slot: str  # the Rasa slot that holds the answer
    kind: str  # how an answer is read: one of KINDS
    ask: str  # English msgid, translated in bot/i18n/locale
    when: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # asked only after these answers
    context: re.Pattern[str] | None = None  # words that tie an amount in a longer message to this question

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return all(answers.get(name) in allowed for name, allowed in self.when.items())


def read_questions(rules: Mapping[str, Any], scheme: str) -> tuple[Question, ...]:
    """The `questions:` of a rules file; a malformed entry raises ValueError naming it."""
    questions = []
    for position, raw in enumerate(rules.get("questions") or []):
        where = f"knowledge/rules/{scheme}.yml questions[{position}]"
        try:
            kind = raw["kind"]
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
            words = "|".join(re.escape(str(word)) for word in raw.get("context") or [])
            questions.append(Question(
                name=str(raw["name"]), slot=str(raw["slot"]), kind=kind, ask=str(raw["ask"]),
                when={str(name): tuple(allowed) for name, allowed in (raw.get("when") or {}).items()},
                context=re.compile(rf"\b(?:{words})", re.IGNORECASE) if words else None,
            ))
        except (KeyError, TypeError) as error:
            raise ValueError(f"{where}: needs name, slot, kind and ask ({error})") from error
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from error
    return tuple(questions)


def still_to_ask(questions: Sequence[Question], answers: Mapping[str, Any], on_island: bool) -> list[str]:
    """The slots the form goes through now: every question whose `when` holds, or only
    the place once it turns out to be an island, where these schemes do not apply."""
    if on_island:
        return [question.slot for question in questions if question.kind == "place"]
    return [question.slot for question in questions if question.applies(answers)]

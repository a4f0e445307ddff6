"""Short replies in a check: yes, no, stop and "I don't know", in three languages.

The words are data (replies.yml beside this file), read by the chat forms and by
`loket check` alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.language.text import strip_accents

REPLIES_FILE = Path(__file__).with_name("replies.yml")
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class _Replies:
    yes: frozenset[str]
    no: frozenset[str]
    stop: re.Pattern[str]
    dont_know: re.Pattern[str]
    negation_start: re.Pattern[str]


def _normal(text: str) -> str:
    return strip_accents(text.lower())


def _phrases(entries: list[str]) -> str:
    return "|".join(re.escape(_normal(str(entry))) for entry in sorted(entries, key=len, reverse=True))


@cache
def _replies() -> _Replies:
    raw = yaml.safe_load(REPLIES_FILE.read_text(encoding="utf-8"))
    return _Replies(
        yes=frozenset(_normal(str(word)) for word in raw["yes"]),
        no=frozenset(_normal(str(word)) for word in raw["no"]),
        stop=re.compile(rf"^\s*({_phrases(raw['stop'])})\b"),
        dont_know=re.compile(rf"\b({_phrases(raw['dont_know'])})\b"),
        negation_start=re.compile(rf"^\s*({_phrases(raw['no'])})\b[\s,!.:-]*"),
    )


def read_yes_no(text: str) -> bool | None:
    """True or False when the answer says one of them, None when it says neither or both."""
    found = set(_WORD.findall(_normal(text)))
    yes, no = bool(found & _replies().yes), bool(found & _replies().no)
    return yes if yes != no else None


def says_stop(text: str) -> bool:
    return bool(_replies().stop.search(_normal(text)))


def says_dont_know(text: str) -> bool:
    return bool(_replies().dont_know.search(_normal(text)))


def after_leading_no(text: str) -> str | None:
    """What follows a leading "nee," / "no," (a correction such as "nee, 650 euro"), else None."""
    match = _replies().negation_start.match(_normal(text))
    return text[match.end():] if match else None

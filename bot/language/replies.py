"""Short replies in a check: yes, no, stop and "I don't know", in three languages,
and the words that tie a number in an answer to a question ("30 jaar", "€ 600").

The words are data (replies.yml beside this file), read by the chat forms and by
`loket check` alike: `read_yes_no` is the one reader of a yes or no.
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


@dataclass(frozen=True)
class NumberWords:
    """Words around a number (replies.yml `numbers:`), lowercase and without accents."""

    age_after: frozenset[str]
    age_before: frozenset[str]
    age_words: frozenset[str]
    money: frozenset[str]
    year_before: frozenset[str]
    months: frozenset[str]
    alternatives: frozenset[str]
    between: frozenset[str]
    fillers: frozenset[str]
    small: frozenset[str]


def _normal(text: str) -> str:
    return strip_accents(text.lower())


def _phrases(entries: list[str]) -> str:
    return "|".join(re.escape(_normal(str(entry))) for entry in sorted(entries, key=len, reverse=True))


@cache
def _raw() -> dict[str, object]:
    return yaml.safe_load(REPLIES_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def number_words() -> NumberWords:
    raw: dict[str, list[object]] = _raw()["numbers"]  # type: ignore[assignment]
    return NumberWords(**{name: frozenset(_normal(str(word)) for word in words) for name, words in raw.items()})


def normal(text: str) -> str:
    """Lowercase without accents, as the words of replies.yml are compared."""
    return _normal(text)


@cache
def _replies() -> _Replies:
    raw: dict[str, list[str]] = _raw()  # type: ignore[assignment]
    return _Replies(
        yes=frozenset(_normal(str(word)) for word in raw["yes"]),
        no=frozenset(_normal(str(word)) for word in raw["no"]),
        stop=re.compile(rf"^\s*({_phrases(raw['stop'])})\b"),
        dont_know=re.compile(rf"\b({_phrases(raw['dont_know'])})\b"),
        negation_start=re.compile(rf"^\s*({_phrases(raw['no'])})\b[\s,!.:-]*"),
    )


def read_yes_no(text: str) -> bool | None:
    """True or False when the answer says one of them, None when it says neither or both:
    "ja", "jawel", "ja hoor", "sí", "yes please", "nee", "no thanks", "nò". The chat,
    `loket check` and the tests all read a yes or no with this one function."""
    found = set(_WORD.findall(_normal(text)))
    yes, no = bool(found & _replies().yes), bool(found & _replies().no)
    return yes if yes != no else None


BARE_REPLY_WORDS = 4


def bare_yes_no(text: str) -> bool | None:
    """True or False when a message says nothing but yes or no ("ja graag", "no thanks",
    "sí"), so that it answers the question before it; None for anything more, and for
    thanks without a plain yes or no ("dank je wel": "wel" is no yes here)."""
    words = _WORD.findall(_normal(text))
    if not words or len(words) > BARE_REPLY_WORDS or any(character.isdigit() for character in text):
        return None
    raw = _raw()
    courtesy, thanks, plain = (frozenset(_normal(str(word)) for word in raw[key])  # type: ignore[union-attr]
                               for key in ("courtesy", "thanks", "plain_yes_no"))
    if any(word not in _replies().yes | _replies().no | courtesy | thanks for word in words):
        return None
    if thanks & set(words) and not plain & set(words):
        return None
    return read_yes_no(" ".join(word for word in words if word not in thanks))


def says_stop(text: str) -> bool:
    return bool(_replies().stop.search(_normal(text)))


def says_dont_know(text: str) -> bool:
    return bool(_replies().dont_know.search(_normal(text)))


def after_leading_no(text: str) -> str | None:
    """What follows a leading "nee," / "no," (a correction such as "nee, 650 euro"), else None."""
    match = _replies().negation_start.match(_normal(text))
    return text[match.end():] if match else None

"""Find what a message names: programmes, islands, amounts of money, ages and years.

Programme and island names come from the knowledge base (through the generated
lookup tables), so a synonym added to a topic file is understood at once. Matching
ignores case and accents ("supsidio di hur" finds "supsidio di hür").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.language.numbers import NUMBER_PATTERN, parse_number

PROGRAMME, ISLAND, AMOUNT, CURRENCY, AGE, YEAR = "programme", "island", "amount", "currency", "age", "year"

_MONEY = re.compile(
    rf"(?P<pre>€|\$|eur\b|euro\b|usd\b|us\$)?\s*(?P<number>{NUMBER_PATTERN})\s*(?P<k>k\b)?\s*"
    r"(?P<post>€|euro'?s?\b|eur\b|\$|dollars?\b|usd\b|doller\b|dola\b)?",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"(?:(?:ik\s+ben|mi\s+tin|i\s*'?\s*m|i\s+am|ben\s+ik)\s+(?P<a>\d{1,3})\b)"
    r"|(?:\b(?P<b>\d{1,3})\s*(?:jaar|jr|aña|ana|anja|years?|yrs?|y/o)\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class Entity:
    name: str
    value: str
    start: int
    end: int


def _fold_char(char: str) -> str:
    """Lowercase without accents, one character for one, so offsets stay valid."""
    base = unicodedata.normalize("NFKD", char.lower())[:1]
    return base or char


def _fold_same_length(text: str) -> str:
    return "".join(_fold_char(char) for char in text)


class EntityFinder:
    """Finds entities in text, given name -> canonical value for programmes and islands."""

    def __init__(self, programme_names: Mapping[str, str], island_names: Mapping[str, str]):
        self._names: list[tuple[re.Pattern[str], str, str]] = []
        for entity, names in ((PROGRAMME, programme_names), (ISLAND, island_names)):
            for name, value in names.items():
                folded = _fold_same_length(name.strip())
                if folded:
                    pattern = re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")
                    self._names.append((pattern, entity, value))
        # Longest names first, so "Sint Eustatius" wins over "Eustatius".
        self._names.sort(key=lambda item: -len(item[0].pattern))

    def find(self, text: str) -> list[Entity]:
        folded = _fold_same_length(text)
        found: list[Entity] = []
        taken: list[range] = []

        def free(start: int, end: int) -> bool:
            return all(end <= span.start or start >= span.stop for span in taken)

        def add(entity: Entity) -> None:
            found.append(entity)
            taken.append(range(entity.start, entity.end))

        for pattern, entity, value in self._names:
            for match in pattern.finditer(folded):
                if free(match.start(), match.end()):
                    add(Entity(entity, value, match.start(), match.end()))
        for match in _AGE.finditer(text):
            group = "a" if match.group("a") else "b"
            if free(match.start(group), match.end(group)):
                add(Entity(AGE, match.group(group), match.start(group), match.end(group)))
        for match in _MONEY.finditer(text):
            if not (match.group("pre") or match.group("post") or match.group("k")):
                continue
            number = parse_number(match.group("number"))
            start, end = match.span("number")
            if number is None or not free(start, end):
                continue
            if match.group("k"):
                number *= 1000
            add(Entity(AMOUNT, _plain(number), start, end))
            marker = (match.group("pre") or match.group("post") or "").lower()
            if marker:
                currency = "USD" if "$" in marker or "usd" in marker or "dol" in marker else "EUR"
                add(Entity(CURRENCY, currency, *match.span("pre" if match.group("pre") else "post")))
        for match in _YEAR.finditer(text):
            if free(match.start(), match.end()):
                add(Entity(YEAR, match.group(), match.start(), match.end()))
        return sorted(found, key=lambda entity: entity.start)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")

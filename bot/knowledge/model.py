"""The knowledge base as plain, immutable Python objects.

The same objects come out of the YAML files (`files.py`) and out of the database
(`store.py`), so lookup and rendering never care where the data was read from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

Language = str  # "nl", "pap" or "en"
Texts = Mapping[Language, str]
FigureValue = float | int | str | dt.date

FIGURE_UNITS: frozenset[str] = frozenset(
    {"EUR", "USD", "count", "percent", "age", "years", "months", "points", "number", "date", "phone"}
)
REGIONS: frozenset[str] = frozenset({"europees_nederland", "caribisch_nederland"})


@dataclass(frozen=True)
class Figure:
    name: str
    value: FigureValue
    unit: str


@dataclass(frozen=True)
class Status:
    """Where a fact stands: planned in a budget, or in force since a date."""

    planned_in_budget: int | None = None
    planned_for: int | None = None
    in_force_since: dt.date | None = None
    until: dt.date | None = None

    @property
    def is_planned(self) -> bool:
        return self.planned_in_budget is not None


@dataclass(frozen=True)
class SourceRef:
    """What a fact cites: a budget document's section, or a reference with a URL."""

    doc: str | None = None
    section: str | None = None
    ref: str | None = None

    @property
    def key(self) -> str:
        return self.ref if self.ref else f"{self.doc}#{self.section}"


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    publisher: str
    year: int
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    url: str
    official: bool


@dataclass(frozen=True)
class Fact:
    id: str
    text: Texts
    status: Status
    source: SourceRef
    figures: tuple[Figure, ...] = ()
    main: bool = False


@dataclass(frozen=True)
class Topic:
    key: str
    category: str
    applies_in: tuple[str, ...]
    names: Mapping[Language, tuple[str, ...]]
    answer: Texts
    facts: tuple[Fact, ...]
    contact: Texts = field(default_factory=dict)
    # Where this topic does not apply, the topic that does: {region: topic key}.
    instead_in: Mapping[str, str] = field(default_factory=dict)

    def name(self, language: Language) -> str:
        return self.names[language][0]

    @property
    def figures(self) -> dict[str, Figure]:
        return {figure.name: figure for fact in self.facts for figure in fact.figures}

    @property
    def main_facts(self) -> tuple[Fact, ...]:
        return tuple(fact for fact in self.facts if fact.main)


@dataclass(frozen=True)
class Place:
    """A region (europees_nederland, caribisch_nederland) or an island in one."""

    key: str
    kind: str  # "region" or "island"
    region: str  # a region's own key for a region
    display: Texts
    names: tuple[str, ...] = ()
    currency: str | None = None


@dataclass(frozen=True)
class Sources:
    documents: Mapping[str, Document]
    references: Mapping[str, Reference]


@dataclass(frozen=True)
class KnowledgeBase:
    topics: Mapping[str, Topic]
    sources: Sources
    categories: Mapping[str, Texts]
    places: Mapping[str, Place] = field(default_factory=dict)

    def topic(self, key: str) -> Topic:
        return self.topics[key]

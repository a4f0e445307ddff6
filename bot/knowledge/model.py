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
    {"EUR", "USD", "count", "percent", "age", "years", "months", "points", "number", "date", "day", "phone"}
)
REGIONS: frozenset[str] = frozenset({"europees_nederland", "caribisch_nederland"})


@dataclass(frozen=True)
class Figure:
    name: str
    value: FigureValue
    unit: str


@dataclass(frozen=True)
class Status:
    """Where a fact stands. Exactly one kind applies:

    planned (a budget's plan), in force since a date the source states, applies now
    (the source gives no start date), a figure as of a date, or a target for a year.
    """

    planned_in_budget: int | None = None
    planned_for: int | None = None
    in_force_since: dt.date | None = None
    until: dt.date | None = None
    applies: bool = False
    as_of: dt.date | None = None
    target_for: int | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        present = {
            "planned": self.planned_in_budget is not None,
            "in_force": self.in_force_since is not None,
            "applies": self.applies,
            "figure": self.as_of is not None,
            "target": self.target_for is not None,
        }
        return tuple(kind for kind, there in present.items() if there)

    @property
    def kind(self) -> str | None:
        kinds = self.kinds
        return kinds[0] if len(kinds) == 1 else None

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
    publisher: str = ""
    checked: dt.date | None = None  # when the page was last read; None: never


@dataclass(frozen=True)
class Fact:
    id: str
    text: Texts
    status: Status
    source: SourceRef
    figures: tuple[Figure, ...] = ()
    main: bool = False
    updates: str | None = None  # the planned fact (same topic) whose outcome this fact states


@dataclass(frozen=True)
class Act:
    """What a resident can do now: how to apply or act, where, until when, and the page."""

    text: Texts
    where: Texts = field(default_factory=dict)
    deadline: Texts = field(default_factory=dict)
    url: str | None = None
    source: SourceRef | None = None
    figures: tuple[Figure, ...] = ()
    nothing_to_apply: bool = False


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
    act: Act | None = None

    def name(self, language: Language) -> str:
        return self.names[language][0]

    @property
    def figures(self) -> dict[str, Figure]:
        own = [figure for fact in self.facts for figure in fact.figures]
        if self.act is not None:
            own.extend(self.act.figures)
        return {figure.name: figure for figure in own}

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
class Task:
    """Something people come to an organisation for, with the words they use for it."""

    key: str
    words: Mapping[Language, tuple[str, ...]]
    do: Texts
    url: str
    source: SourceRef


@dataclass(frozen=True)
class Organisation:
    """An entry of the directory: who handles what, for which part of the country."""

    key: str
    name: Texts
    serves: tuple[str, ...]  # place keys: regions or islands
    handles: Texts
    website: str
    source: SourceRef
    tasks: tuple[Task, ...]
    contact: Texts = field(default_factory=dict)
    contact_source: SourceRef | None = None
    figures: tuple[Figure, ...] = ()

    def task(self, key: str) -> Task:
        return next(task for task in self.tasks if task.key == key)


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
    organisations: Mapping[str, Organisation] = field(default_factory=dict)

    def topic(self, key: str) -> Topic:
        return self.topics[key]

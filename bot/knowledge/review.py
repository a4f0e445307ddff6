"""What an editor must look at again: unofficial sources, passed plans, unread pages.

Not errors (`validate` has those) but a to-do list: `loket validate` prints the
unofficial citations, `loket stale --json` the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from bot.knowledge.model import KnowledgeBase, SourceRef

MAX_SOURCE_AGE = dt.timedelta(days=365)


@dataclass(frozen=True)
class Citation:
    where: str  # "huurtoeslag:plan_2024", "huurtoeslag:act", "directory/svb:aow"
    ref: str


@dataclass(frozen=True)
class StaleItem:
    kind: str  # "plan_passed" | "source_unchecked" | "source_old"
    where: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def citations(knowledge: KnowledgeBase) -> Iterator[Citation]:
    """Every place that cites a reference with a URL."""

    def cite(where: str, source: SourceRef | None) -> Iterator[Citation]:
        if source is not None and source.ref:
            yield Citation(where, source.ref)

    for topic in knowledge.topics.values():
        for fact in topic.facts:
            yield from cite(f"{topic.key}:{fact.id}", fact.source)
        if topic.act is not None:
            yield from cite(f"{topic.key}:act", topic.act.source)
    for organisation in knowledge.organisations.values():
        where = f"directory/{organisation.key}"
        yield from cite(where, organisation.source)
        yield from cite(f"{where}:contact", organisation.contact_source)
        for task in organisation.tasks:
            yield from cite(f"{where}:{task.key}", task.source)


def unofficial_citations(knowledge: KnowledgeBase) -> list[Citation]:
    references = knowledge.sources.references
    return [c for c in citations(knowledge) if c.ref in references and not references[c.ref].official]


def stale_items(knowledge: KnowledgeBase, today: dt.date) -> list[StaleItem]:
    """Plans whose date has passed with no fact saying what happened, and sources
    cited but not read in the last twelve months (or never)."""
    items: list[StaleItem] = []
    for topic in knowledge.topics.values():
        followed = {fact.updates for fact in topic.facts if fact.updates}
        for fact in topic.facts:
            planned_for = fact.status.planned_for
            if planned_for is not None and planned_for < today.year and fact.id not in followed:
                items.append(StaleItem(
                    "plan_passed", f"{topic.key}:{fact.id}",
                    f"planned for {planned_for}; add a fact with `updates: {fact.id}` saying what happened",
                ))
    cited = sorted({c.ref for c in citations(knowledge)})
    for key in cited:
        reference = knowledge.sources.references.get(key)
        if reference is None:
            continue
        if reference.checked is None:
            items.append(StaleItem("source_unchecked", key, f"{reference.url} has no date it was read"))
        elif today - reference.checked > MAX_SOURCE_AGE:
            items.append(StaleItem(
                "source_old", key, f"{reference.url} last read on {reference.checked.isoformat()}"
            ))
    return items

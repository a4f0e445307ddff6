"""The knowledge database: SQLAlchemy tables, and writing and reading a KnowledgeBase.

SQLite under var/ by default; any SQLAlchemy URL in DATABASE_URL (PostgreSQL in
production). Written in 2.0 style on the 1.4 line that Rasa pins.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from bot.knowledge.model import (
    Act,
    Document,
    Fact,
    Figure,
    FigureValue,
    KnowledgeBase,
    Organisation,
    Place,
    Reference,
    SourceRef,
    Sources,
    Status,
    Task,
    Topic,
)
from bot.settings import settings

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("publisher", Text, nullable=False),
    Column("year", Integer, nullable=False),
)
document_sections = Table(
    "document_sections",
    metadata,
    Column("document_key", ForeignKey("documents.key"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("heading", Text, nullable=False),
)
references = Table(
    "references",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("official", Boolean, nullable=False),
    Column("publisher", Text, nullable=False),
    Column("checked", Date),
)
categories = Table(
    "categories",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("name", Text, nullable=False),
)
topics = Table(
    "topics",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("category", String(64), nullable=False),
    Column("applies_in", Text, nullable=False),  # space-separated region keys
)
topic_instead = Table(
    "topic_instead",
    metadata,
    Column("topic_key", ForeignKey("topics.key"), primary_key=True),
    Column("region", String(64), primary_key=True),
    Column("other_key", String(64), nullable=False),
)
places = Table(
    "places",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("region", String(64), nullable=False),
    Column("currency", String(8)),
)
place_texts = Table(
    "place_texts",
    metadata,
    Column("place_key", ForeignKey("places.key"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # display (per language) | name (any)
    Column("language", String(8), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("text", Text, nullable=False),
)
topic_names = Table(
    "topic_names",
    metadata,
    Column("topic_key", ForeignKey("topics.key"), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", Text, nullable=False),
)
topic_texts = Table(
    "topic_texts",
    metadata,
    Column("topic_key", ForeignKey("topics.key"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # answer | contact | act_text | act_where | act_deadline
    Column("language", String(8), primary_key=True),
    Column("text", Text, nullable=False),
)
facts = Table(
    "facts",
    metadata,
    Column("topic_key", ForeignKey("topics.key"), primary_key=True),
    Column("fact_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("main", Boolean, nullable=False),
    Column("planned_in_budget", Integer),
    Column("planned_for", Integer),
    Column("in_force_since", Date),
    Column("until", Date),
    Column("applies", Boolean, nullable=False),
    Column("as_of", Date),
    Column("target_for", Integer),
    Column("updates", String(64)),
    Column("source_doc", String(64)),
    Column("source_section", Text),
    Column("source_ref", String(128)),
)
topic_acts = Table(
    "topic_acts",
    metadata,
    Column("topic_key", ForeignKey("topics.key"), primary_key=True),
    Column("url", Text),
    Column("source_ref", String(128)),
    Column("nothing_to_apply", Boolean, nullable=False),
)
# A directory entry is read and shown whole, never queried by its parts: one JSON document.
organisations = Table(
    "organisations",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("document", Text, nullable=False),
)
fact_texts = Table(
    "fact_texts",
    metadata,
    Column("topic_key", String(64), primary_key=True),
    Column("fact_id", String(64), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("text", Text, nullable=False),
)
figures = Table(
    "figures",
    metadata,
    Column("topic_key", String(64), primary_key=True),
    Column("fact_id", String(64), primary_key=True),
    Column("name", String(128), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("value", Text, nullable=False),
    Column("unit", String(16), nullable=False),
)


ACT = "@act"  # the fact_id under which an act's figures are stored


def database_url() -> str:
    return settings().database_url


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True)


def save_knowledge(engine: Engine, knowledge: KnowledgeBase) -> None:
    """Replace the stored knowledge base with `knowledge`, in one transaction."""
    with engine.begin() as connection:
        metadata.drop_all(connection)
        metadata.create_all(connection)
        rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        for doc in knowledge.sources.documents.values():
            rows[documents].append({"key": doc.key, "title": doc.title, "publisher": doc.publisher, "year": doc.year})
            for position, heading in enumerate(doc.sections):
                rows[document_sections].append({"document_key": doc.key, "position": position, "heading": heading})
        for ref in knowledge.sources.references.values():
            rows[references].append(
                {"key": ref.key, "title": ref.title, "url": ref.url, "official": ref.official,
                 "publisher": ref.publisher, "checked": ref.checked}
            )
        for key, names in knowledge.categories.items():
            for language, name in names.items():
                rows[categories].append({"key": key, "language": language, "name": name})
        for position, topic in enumerate(knowledge.topics.values()):
            _topic_rows(topic, position, rows)
        for position, organisation in enumerate(knowledge.organisations.values()):
            rows[organisations].append(
                {"key": organisation.key, "position": position, "document": _organisation_to_json(organisation)}
            )
        for position, place in enumerate(knowledge.places.values()):
            rows[places].append(
                {"key": place.key, "position": position, "kind": place.kind, "region": place.region,
                 "currency": place.currency}
            )
            for language, text in place.display.items():
                rows[place_texts].append(
                    {"place_key": place.key, "kind": "display", "language": language, "position": 0, "text": text}
                )
            for name_position, name in enumerate(place.names):
                rows[place_texts].append(
                    {"place_key": place.key, "kind": "name", "language": "*", "position": name_position, "text": name}
                )
        for table in metadata.sorted_tables:
            if rows[table]:
                connection.execute(insert(table), rows[table])


def _topic_rows(topic: Topic, position: int, rows: dict[Table, list[dict[str, Any]]]) -> None:
    key = topic.key
    rows[topics].append(
        {"key": key, "position": position, "category": topic.category, "applies_in": " ".join(topic.applies_in)}
    )
    for region, other in topic.instead_in.items():
        rows[topic_instead].append({"topic_key": key, "region": region, "other_key": other})
    for language, names in topic.names.items():
        for name_position, name in enumerate(names):
            rows[topic_names].append({"topic_key": key, "language": language, "position": name_position, "name": name})
    for kind, texts in (("answer", topic.answer), ("contact", topic.contact)):
        for language, text in texts.items():
            rows[topic_texts].append({"topic_key": key, "kind": kind, "language": language, "text": text})
    for fact_position, fact in enumerate(topic.facts):
        rows[facts].append(
            {
                "topic_key": key,
                "fact_id": fact.id,
                "position": fact_position,
                "main": fact.main,
                "planned_in_budget": fact.status.planned_in_budget,
                "planned_for": fact.status.planned_for,
                "in_force_since": fact.status.in_force_since,
                "until": fact.status.until,
                "applies": fact.status.applies,
                "as_of": fact.status.as_of,
                "target_for": fact.status.target_for,
                "updates": fact.updates,
                "source_doc": fact.source.doc,
                "source_section": fact.source.section,
                "source_ref": fact.source.ref,
            }
        )
        for language, text in fact.text.items():
            rows[fact_texts].append({"topic_key": key, "fact_id": fact.id, "language": language, "text": text})
        _figure_rows(key, fact.id, fact.figures, rows)
    act = topic.act
    if act is not None:
        rows[topic_acts].append(
            {"topic_key": key, "url": act.url, "source_ref": act.source.ref if act.source else None,
             "nothing_to_apply": act.nothing_to_apply}
        )
        for kind, texts in (("act_text", act.text), ("act_where", act.where), ("act_deadline", act.deadline)):
            for language, text in texts.items():
                rows[topic_texts].append({"topic_key": key, "kind": kind, "language": language, "text": text})
        _figure_rows(key, ACT, act.figures, rows)


def _figure_rows(
    topic_key: str, fact_id: str, own: tuple[Figure, ...], rows: dict[Table, list[dict[str, Any]]]
) -> None:
    for position, figure in enumerate(own):
        rows[figures].append(
            {
                "topic_key": topic_key,
                "fact_id": fact_id,
                "name": figure.name,
                "position": position,
                "value": _figure_to_text(figure.value),
                "unit": figure.unit,
            }
        )


def load_knowledge(engine: Engine) -> KnowledgeBase:
    """Read the whole knowledge base back from the database."""
    with engine.connect() as connection:

        def all_rows(table: Table, *order: Any) -> list[Any]:
            return list(connection.execute(select(table).order_by(*order)))

        sections: dict[str, list[str]] = defaultdict(list)
        for row in all_rows(document_sections, document_sections.c.position):
            sections[row.document_key].append(row.heading)
        sources = Sources(
            documents={
                row.key: Document(row.key, row.title, row.publisher, row.year, tuple(sections[row.key]))
                for row in all_rows(documents, documents.c.key)
            },
            references={
                row.key: Reference(row.key, row.title, row.url, row.official, row.publisher, row.checked)
                for row in all_rows(references, references.c.key)
            },
        )
        category_names: dict[str, dict[str, str]] = defaultdict(dict)
        for row in all_rows(categories, categories.c.key):
            category_names[row.key][row.language] = row.name

        names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in all_rows(topic_names, topic_names.c.position):
            names[row.topic_key][row.language].append(row.name)
        texts: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for row in all_rows(topic_texts, topic_texts.c.topic_key):
            texts[(row.topic_key, row.kind)][row.language] = row.text
        fact_text: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for row in all_rows(fact_texts, fact_texts.c.topic_key):
            fact_text[(row.topic_key, row.fact_id)][row.language] = row.text
        fact_figures: dict[tuple[str, str], list[Figure]] = defaultdict(list)
        for row in all_rows(figures, figures.c.topic_key, figures.c.fact_id, figures.c.position):
            fact_figures[(row.topic_key, row.fact_id)].append(
                Figure(row.name, _figure_from_text(row.value, row.unit), row.unit)
            )
        topic_facts: dict[str, list[Fact]] = defaultdict(list)
        for row in all_rows(facts, facts.c.topic_key, facts.c.position):
            topic_facts[row.topic_key].append(
                Fact(
                    id=row.fact_id,
                    text=fact_text[(row.topic_key, row.fact_id)],
                    status=Status(
                        row.planned_in_budget, row.planned_for, row.in_force_since, row.until, row.applies,
                        row.as_of, row.target_for,
                    ),
                    source=SourceRef(row.source_doc, row.source_section, row.source_ref),
                    figures=tuple(fact_figures[(row.topic_key, row.fact_id)]),
                    main=row.main,
                    updates=row.updates,
                )
            )
        instead: dict[str, dict[str, str]] = defaultdict(dict)
        for row in all_rows(topic_instead, topic_instead.c.topic_key, topic_instead.c.region):
            instead[row.topic_key][row.region] = row.other_key
        place_display: dict[str, dict[str, str]] = defaultdict(dict)
        place_names: dict[str, list[str]] = defaultdict(list)
        for row in all_rows(place_texts, place_texts.c.place_key, place_texts.c.position):
            if row.kind == "display":
                place_display[row.place_key][row.language] = row.text
            else:
                place_names[row.place_key].append(row.text)
        place_objects = {
            row.key: Place(row.key, row.kind, row.region, place_display[row.key], tuple(place_names[row.key]),
                           row.currency)
            for row in all_rows(places, places.c.position)
        }
        acts = {
            row.topic_key: Act(
                text=texts[(row.topic_key, "act_text")],
                where=texts.get((row.topic_key, "act_where"), {}),
                deadline=texts.get((row.topic_key, "act_deadline"), {}),
                url=row.url,
                source=SourceRef(ref=row.source_ref) if row.source_ref else None,
                figures=tuple(fact_figures[(row.topic_key, ACT)]),
                nothing_to_apply=row.nothing_to_apply,
            )
            for row in all_rows(topic_acts, topic_acts.c.topic_key)
        }
        organisation_objects = {
            row.key: _organisation_from_json(row.document)
            for row in all_rows(organisations, organisations.c.position)
        }
        topic_objects = {
            row.key: Topic(
                key=row.key,
                category=row.category,
                applies_in=tuple(row.applies_in.split()),
                names={language: tuple(values) for language, values in names[row.key].items()},
                answer=texts[(row.key, "answer")],
                contact=texts.get((row.key, "contact"), {}),
                facts=tuple(topic_facts[row.key]),
                instead_in=instead[row.key],
                act=acts.get(row.key),
            )
            for row in all_rows(topics, topics.c.position)
        }
    return KnowledgeBase(
        topics=topic_objects, sources=sources, categories=dict(category_names), places=place_objects,
        organisations=organisation_objects,
    )


def _source_to_dict(source: SourceRef | None) -> dict[str, str | None] | None:
    return None if source is None else {"doc": source.doc, "section": source.section, "ref": source.ref}


def _source_from_dict(raw: dict[str, str | None] | None) -> SourceRef | None:
    return None if raw is None else SourceRef(raw.get("doc"), raw.get("section"), raw.get("ref"))


def _organisation_to_json(organisation: Organisation) -> str:
    return json.dumps(
        {
            "key": organisation.key,
            "name": dict(organisation.name),
            "serves": list(organisation.serves),
            "handles": dict(organisation.handles),
            "website": organisation.website,
            "source": _source_to_dict(organisation.source),
            "tasks": [
                {"key": task.key, "words": {lang: list(words) for lang, words in task.words.items()},
                 "do": dict(task.do), "url": task.url, "source": _source_to_dict(task.source)}
                for task in organisation.tasks
            ],
            "contact": dict(organisation.contact),
            "contact_source": _source_to_dict(organisation.contact_source),
            "figures": [
                {"name": figure.name, "value": _figure_to_text(figure.value), "unit": figure.unit}
                for figure in organisation.figures
            ],
        },
        ensure_ascii=False,
    )


def _organisation_from_json(document: str) -> Organisation:
    raw = json.loads(document)
    return Organisation(
        key=raw["key"],
        name=raw["name"],
        serves=tuple(raw["serves"]),
        handles=raw["handles"],
        website=raw["website"],
        source=_source_from_dict(raw["source"]) or SourceRef(),
        tasks=tuple(
            Task(task["key"], {lang: tuple(words) for lang, words in task["words"].items()}, task["do"],
                 task["url"], _source_from_dict(task["source"]) or SourceRef())
            for task in raw["tasks"]
        ),
        contact=raw["contact"],
        contact_source=_source_from_dict(raw["contact_source"]),
        figures=tuple(
            Figure(figure["name"], _figure_from_text(figure["value"], figure["unit"]), figure["unit"])
            for figure in raw["figures"]
        ),
    )


def _figure_to_text(value: FigureValue) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _figure_from_text(text: str, unit: str) -> FigureValue:
    if unit == "date":
        return dt.date.fromisoformat(text)
    if unit in ("phone", "day"):
        return text
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number

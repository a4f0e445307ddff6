"""The knowledge database: SQLAlchemy tables, and writing and reading a KnowledgeBase.

SQLite under var/ by default; any SQLAlchemy URL in DATABASE_URL (PostgreSQL in
production). Written in 2.0 style on the 1.4 line that Rasa pins.
"""

from __future__ import annotations

import datetime as dt
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
    Document,
    Fact,
    Figure,
    FigureValue,
    KnowledgeBase,
    Place,
    Reference,
    SourceRef,
    Sources,
    Status,
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
    Column("key", String(16), primary_key=True),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("official", Boolean, nullable=False),
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
    Column("kind", String(16), primary_key=True),  # answer | contact
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
    Column("source_doc", String(64)),
    Column("source_section", Text),
    Column("source_ref", String(16)),
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
            rows[references].append({"key": ref.key, "title": ref.title, "url": ref.url, "official": ref.official})
        for key, names in knowledge.categories.items():
            for language, name in names.items():
                rows[categories].append({"key": key, "language": language, "name": name})
        for position, topic in enumerate(knowledge.topics.values()):
            _topic_rows(topic, position, rows)
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
                "source_doc": fact.source.doc,
                "source_section": fact.source.section,
                "source_ref": fact.source.ref,
            }
        )
        for language, text in fact.text.items():
            rows[fact_texts].append({"topic_key": key, "fact_id": fact.id, "language": language, "text": text})
        for figure_position, figure in enumerate(fact.figures):
            rows[figures].append(
                {
                    "topic_key": key,
                    "fact_id": fact.id,
                    "name": figure.name,
                    "position": figure_position,
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
                row.key: Reference(row.key, row.title, row.url, row.official)
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
                    status=Status(row.planned_in_budget, row.planned_for, row.in_force_since, row.until),
                    source=SourceRef(row.source_doc, row.source_section, row.source_ref),
                    figures=tuple(fact_figures[(row.topic_key, row.fact_id)]),
                    main=row.main,
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
            )
            for row in all_rows(topics, topics.c.position)
        }
    return KnowledgeBase(
        topics=topic_objects, sources=sources, categories=dict(category_names), places=place_objects
    )


def _figure_to_text(value: FigureValue) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _figure_from_text(text: str, unit: str) -> FigureValue:
    if unit == "date":
        return dt.date.fromisoformat(text)
    if unit == "phone":
        return text
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number

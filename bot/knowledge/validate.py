"""Rules the knowledge base must follow before anything is built from it.

Each rule guards a promise to users: every answer exists in their language, every
fact names its source and where it stands, and a figure is never said two ways.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import defaultdict
from collections.abc import Iterator

from bot import LANGUAGES
from bot.knowledge.files import Problem
from bot.knowledge.model import FIGURE_UNITS, REGIONS, Fact, Figure, KnowledgeBase, Topic
from bot.language.text import fold

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# A number typed into a text instead of a {figure}. Digits inside a word ("COVID-19",
# "BRL9500") are names, not figures.
LITERAL_NUMBER = re.compile(r"(?<![\w\-{])\d[\d.,]*(?![\w\-}])")
YEAR = re.compile(r"^(19|20)\d\d$")
MAX_MAIN_FACTS = 4
MAX_ANSWER_LENGTH = 600  # characters: the opening of a reply must fit a phone screen


def validate(knowledge: KnowledgeBase) -> list[Problem]:
    """Every problem found, in a stable order; an empty list means valid."""
    problems: list[Problem] = []
    for topic in knowledge.topics.values():
        problems.extend(_topic_problems(topic, knowledge))
    problems.extend(_figure_conflicts(knowledge))
    problems.extend(_duplicate_names(knowledge))
    problems.extend(_uncited_sections(knowledge))
    problems.extend(_place_problems(knowledge))
    return problems


def _topic_problems(topic: Topic, knowledge: KnowledgeBase) -> Iterator[Problem]:
    where = f"{topic.key}.yml"
    if not KEY_PATTERN.match(topic.key):
        yield Problem(where, f"key '{topic.key}' must be lowercase letters, digits and underscores")
    if topic.category not in knowledge.categories:
        yield Problem(where, f"unknown category '{topic.category}'")
    if not topic.applies_in or set(topic.applies_in) - REGIONS:
        yield Problem(where, f"applies_in must list one or more of {sorted(REGIONS)}")
    if not topic.facts:
        yield Problem(where, "a topic needs at least one fact")
    main = len(topic.main_facts)
    if not 1 <= main <= MAX_MAIN_FACTS:
        yield Problem(where, f"mark 1 to {MAX_MAIN_FACTS} facts as main (found {main})")
    for language, text in topic.answer.items():
        if len(text) > MAX_ANSWER_LENGTH:
            yield Problem(where, f"answer.{language} has {len(text)} characters; keep it under {MAX_ANSWER_LENGTH}")
    for region, other in topic.instead_in.items():
        target = knowledge.topics.get(other)
        if region not in REGIONS or region in topic.applies_in:
            yield Problem(where, f"instead_in: '{region}' must be a region where this topic does not apply")
        elif target is None or region not in target.applies_in:
            yield Problem(where, f"instead_in: '{other}' must be a topic that applies in {region}")
    seen_ids: set[str] = set()
    for fact in topic.facts:
        if fact.id in seen_ids:
            yield Problem(f"{where}:{fact.id}", "duplicate fact id")
        seen_ids.add(fact.id)
        yield from _fact_problems(fact, f"{where}:{fact.id}", knowledge)
    figures = topic.figures
    texts = {"answer": topic.answer, "contact": topic.contact}
    texts.update({f"{fact.id}.text": fact.text for fact in topic.facts})
    for label, by_language in texts.items():
        for language, text in by_language.items():
            yield from _text_problems(text, figures, f"{where}:{label}.{language}")


def _fact_problems(fact: Fact, where: str, knowledge: KnowledgeBase) -> Iterator[Problem]:
    status, source = fact.status, fact.source
    if status.planned_in_budget is None and status.in_force_since is None:
        yield Problem(where, "status needs planned_in_budget (a year) or in_force_since (a date)")
    if status.planned_in_budget is not None and status.in_force_since is not None:
        yield Problem(where, "status is either planned or in force, not both: split it into two facts")
    if source.ref:
        if source.ref not in knowledge.sources.references:
            yield Problem(where, f"unknown reference '{source.ref}' (see sources.yml)")
    elif source.doc:
        document = knowledge.sources.documents.get(source.doc)
        if document is None:
            yield Problem(where, f"unknown document '{source.doc}'")
        elif source.section not in document.sections:
            yield Problem(where, f"'{source.section}' is not a section of {source.doc}")
        elif status.planned_in_budget is not None and status.planned_in_budget != document.year:
            yield Problem(
                where, f"planned_in_budget {status.planned_in_budget} but the source is the {document.year} budget"
            )
    else:
        yield Problem(where, "missing source: give ref, or doc and section")
    for figure in fact.figures:
        yield from _figure_problems(figure, f"{where}.{figure.name}")


def _figure_problems(figure: Figure, where: str) -> Iterator[Problem]:
    if figure.unit not in FIGURE_UNITS:
        yield Problem(where, f"unknown unit '{figure.unit}' (use one of {sorted(FIGURE_UNITS)})")
    elif figure.unit == "date" and not isinstance(figure.value, dt.date):
        yield Problem(where, "a date figure needs an ISO date value (2026-01-01)")
    elif figure.unit == "phone" and not isinstance(figure.value, str):
        yield Problem(where, "a phone figure needs a string value")
    elif figure.unit not in ("date", "phone") and (
        isinstance(figure.value, bool) or not isinstance(figure.value, (int, float))
    ):
        yield Problem(where, f"a {figure.unit} figure needs a number value")


def _text_problems(text: str, figures: dict[str, Figure], where: str) -> Iterator[Problem]:
    try:
        placeholders = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        yield Problem(where, f"broken placeholder: {error}")
        return
    for name in placeholders:
        if name not in figures:
            yield Problem(where, f"unknown figure {{{name}}}: define it in a fact of this topic")
    for match in LITERAL_NUMBER.finditer(text):
        number = match.group().rstrip(".,")
        if not YEAR.match(number):
            yield Problem(where, f"number '{number}' typed into the text: make it a {{figure}} with a source")


def _figure_conflicts(knowledge: KnowledgeBase) -> Iterator[Problem]:
    stated: dict[str, list[tuple[str, Figure]]] = defaultdict(list)
    for topic in knowledge.topics.values():
        for fact in topic.facts:
            for figure in fact.figures:
                stated[figure.name].append((f"{topic.key}:{fact.id}", figure))
    for name, places in sorted(stated.items()):
        variants = {(figure.value, figure.unit) for _, figure in places}
        if len(variants) > 1:
            listed = "; ".join(f"{where} = {figure.value} {figure.unit}" for where, figure in places)
            yield Problem(f"figure {name}", f"stated differently in two places: {listed}")


def _duplicate_names(knowledge: KnowledgeBase) -> Iterator[Problem]:
    owners: dict[str, set[str]] = defaultdict(set)
    for topic in knowledge.topics.values():
        for language in LANGUAGES:
            for name in topic.names.get(language, ()):
                owners[fold(name).strip()].add(topic.key)
    for name, keys in sorted(owners.items()):
        if len(keys) > 1:
            yield Problem(f"name '{name}'", f"used by more than one topic: {sorted(keys)}")


def _uncited_sections(knowledge: KnowledgeBase) -> Iterator[Problem]:
    cited = {
        (fact.source.doc, fact.source.section)
        for topic in knowledge.topics.values()
        for fact in topic.facts
    }
    for document in knowledge.sources.documents.values():
        for section in document.sections:
            if (document.key, section) not in cited:
                yield Problem(f"sources.yml:{document.key}", f"section '{section}' is cited by no fact")


def _place_problems(knowledge: KnowledgeBase) -> Iterator[Problem]:
    regions = {place.key for place in knowledge.places.values() if place.kind == "region"}
    if regions != REGIONS:
        yield Problem("places.yml", f"regions must be exactly {sorted(REGIONS)}")
    for place in knowledge.places.values():
        if place.kind == "island" and (place.region not in REGIONS or not place.names):
            yield Problem(f"places.yml:{place.key}", "an island needs a region and names")

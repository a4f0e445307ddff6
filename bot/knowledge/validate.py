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
from bot.knowledge.model import (
    FIGURE_UNITS,
    REGIONS,
    Act,
    Fact,
    Figure,
    KnowledgeBase,
    Organisation,
    SourceRef,
    Topic,
)
from bot.language.text import fold

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# A number typed into a text instead of a {figure}. Digits inside a word ("COVID-19",
# "BRL9500") are names, not figures.
LITERAL_NUMBER = re.compile(r"(?<![\w\-{])\d[\d.,]*(?![\w\-}])")
YEAR = re.compile(r"^(19|20)\d\d$")
MAX_MAIN_FACTS = 4
MAX_ANSWER_LENGTH = 600  # characters: the opening of a reply must fit a phone screen
DAY_OF_YEAR = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def validate(knowledge: KnowledgeBase) -> list[Problem]:
    """Every problem found, in a stable order; an empty list means valid."""
    problems: list[Problem] = []
    for topic in knowledge.topics.values():
        problems.extend(_topic_problems(topic, knowledge))
    problems.extend(_figure_conflicts(knowledge))
    problems.extend(_duplicate_names(knowledge))
    problems.extend(_uncited_sections(knowledge))
    problems.extend(_place_problems(knowledge))
    for organisation in knowledge.organisations.values():
        problems.extend(_organisation_problems(organisation, knowledge))
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
        if fact.updates is not None:
            planned = next((other for other in topic.facts if other.id == fact.updates), None)
            if planned is None or not planned.status.is_planned:
                yield Problem(f"{where}:{fact.id}", f"updates '{fact.updates}', which is not a planned fact here")
    yield from _act_problems(topic.act, f"{where}:act", knowledge)
    figures = topic.figures
    texts = {"answer": topic.answer, "contact": topic.contact}
    texts.update({f"{fact.id}.text": fact.text for fact in topic.facts})
    if topic.act is not None:
        texts.update({"act.text": topic.act.text, "act.where": topic.act.where, "act.deadline": topic.act.deadline})
    for label, by_language in texts.items():
        for language, text in by_language.items():
            yield from _text_problems(text, figures, f"{where}:{label}.{language}")


def _act_problems(act: Act | None, where: str, knowledge: KnowledgeBase) -> Iterator[Problem]:
    if act is None:
        yield Problem(
            where, "missing: say what a resident can do now (text, url, source), "
            "or set nothing_to_apply: true with a text that says so"
        )
        return
    if act.url is not None and not act.url.startswith("https://"):
        yield Problem(where, f"url must be an https address of the exact page, not '{act.url}'")
    if not act.nothing_to_apply:
        if act.url is None:
            yield Problem(where, "needs the official page's url (or nothing_to_apply: true)")
        if act.source is None or not act.source.ref:
            yield Problem(where, "needs the page it was verified on: source: {ref: ...}")
    if act.source is not None:
        yield from _ref_problems(act.source, f"{where}.source", knowledge)
    for figure in act.figures:
        yield from _figure_problems(figure, f"{where}.{figure.name}")


def _ref_problems(source: SourceRef, where: str, knowledge: KnowledgeBase) -> Iterator[Problem]:
    if not source.ref:
        yield Problem(where, "give a reference: source: {ref: ...}")
    elif source.ref not in knowledge.sources.references:
        yield Problem(where, f"unknown reference '{source.ref}' (see references/)")


def _organisation_problems(organisation: Organisation, knowledge: KnowledgeBase) -> Iterator[Problem]:
    where = f"directory/{organisation.key}.yml"
    if not KEY_PATTERN.match(organisation.key):
        yield Problem(where, f"key '{organisation.key}' must be lowercase letters, digits and underscores")
    if not organisation.serves or set(organisation.serves) - set(knowledge.places):
        yield Problem(where, f"serves must list places of places.yml, not {list(organisation.serves)}")
    if not organisation.website.startswith("https://"):
        yield Problem(where, "website must be an https address")
    if not organisation.tasks:
        yield Problem(where, "list the tasks people come for")
    yield from _ref_problems(organisation.source, f"{where}.source", knowledge)
    if organisation.contact and organisation.contact_source is None:
        yield Problem(where, "contact needs the page it was verified on: source: {ref: ...}")
    if organisation.contact_source is not None:
        yield from _ref_problems(organisation.contact_source, f"{where}.contact.source", knowledge)
    figures = {figure.name: figure for figure in organisation.figures}
    for figure in organisation.figures:
        yield from _figure_problems(figure, f"{where}.{figure.name}")
    texts = {"name": organisation.name, "handles": organisation.handles, "contact": organisation.contact}
    seen: set[str] = set()
    for task in organisation.tasks:
        if task.key in seen:
            yield Problem(f"{where}:{task.key}", "duplicate task key")
        seen.add(task.key)
        if not task.url.startswith("https://"):
            yield Problem(f"{where}:{task.key}", "url must be an https address of the task's page")
        yield from _ref_problems(task.source, f"{where}:{task.key}.source", knowledge)
        texts[f"{task.key}.do"] = task.do
    for label, by_language in texts.items():
        for language, text in by_language.items():
            yield from _text_problems(text, figures, f"{where}:{label}.{language}")


def _fact_problems(fact: Fact, where: str, knowledge: KnowledgeBase) -> Iterator[Problem]:
    status, source = fact.status, fact.source
    if len(status.kinds) != 1:
        yield Problem(
            where, "status needs exactly one of: planned_in_budget (a year), in_force_since (a date the "
            "source states), applies: true, as_of (a figure's date) or target_for (a year)"
        )
    if status.planned_for is not None and status.planned_in_budget is None:
        yield Problem(where, "planned_for needs planned_in_budget")
    if status.until is not None and status.in_force_since is None:
        yield Problem(where, "until needs in_force_since")
    if source.ref:
        if source.ref not in knowledge.sources.references:
            yield Problem(where, f"unknown reference '{source.ref}' (see references/)")
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
    elif figure.unit == "day" and not (isinstance(figure.value, str) and DAY_OF_YEAR.match(figure.value)):
        yield Problem(where, "a day figure needs a month and day as a string (\"09-01\")")
    elif figure.unit not in ("date", "phone", "day") and (
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
        for figure in topic.act.figures if topic.act else ():
            stated[figure.name].append((f"{topic.key}:act", figure))
    for organisation in knowledge.organisations.values():
        for figure in organisation.figures:
            stated[figure.name].append((f"directory/{organisation.key}", figure))
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

"""Rule parameters from knowledge/rules/*.yml, each with its value and its source.

A parameter is either a figure of the knowledge base (`figure: name`, bringing the
value and the source of the fact that states it) or a value with its own `source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.entitlements.model import Source
from bot.knowledge.model import KnowledgeBase, SourceRef
from bot.knowledge.render import source_info
from bot.settings import KNOWLEDGE_DIR

RULES_DIR = KNOWLEDGE_DIR / "rules"


class RulesError(Exception):
    pass


@dataclass(frozen=True)
class Parameter:
    value: Any
    source: Source


def source_for(ref: SourceRef, knowledge: KnowledgeBase) -> Source:
    info = source_info(ref, knowledge)
    official = knowledge.sources.references[ref.ref].official if ref.ref else True
    title = f"{info.title}, {info.section}" if info.section else info.title
    return Source(info.key, title, info.url, official, info.year, info.section)


def _figure_sources(knowledge: KnowledgeBase) -> dict[str, Parameter]:
    found = {}
    for topic in knowledge.topics.values():
        for fact in topic.facts:
            for figure in fact.figures:
                parameter = Parameter(figure.value, source_for(fact.source, knowledge))
                # A figure stated in several facts takes its source from an official one.
                if figure.name not in found or (parameter.source.official and not found[figure.name].source.official):
                    found[figure.name] = parameter
    return found


def resolve(raw: Any, knowledge: KnowledgeBase, figures: dict[str, Parameter], where: str) -> Any:
    """Parameters anywhere in a rules structure, resolved; other values as they are.

    `{fact: id, confirmed: ...}` points at a fact of the scheme's own topic: its value
    is `confirmed`, its source the fact's.
    """
    if isinstance(raw, dict) and "fact" in raw:
        topic = knowledge.topics.get(where.split(".")[0])
        fact = next((f for f in topic.facts if f.id == raw["fact"]), None) if topic else None
        if fact is None:
            raise RulesError(f"{where}: unknown fact '{raw['fact']}'")
        return Parameter(raw.get("confirmed"), source_for(fact.source, knowledge))
    if isinstance(raw, dict) and "figure" in raw:
        if raw["figure"] not in figures:
            raise RulesError(f"{where}: unknown figure '{raw['figure']}'")
        return figures[raw["figure"]]
    if isinstance(raw, dict) and "value" in raw and "source" in raw:
        if raw["source"] not in knowledge.sources.references:
            raise RulesError(f"{where}: unknown source '{raw['source']}'")
        return Parameter(raw["value"], source_for(SourceRef(ref=raw["source"]), knowledge))
    if isinstance(raw, dict):
        return {key: resolve(value, knowledge, figures, f"{where}.{key}") for key, value in raw.items()}
    return raw


def load_rules(scheme: str, knowledge: KnowledgeBase, directory: Path = RULES_DIR) -> dict[str, Any]:
    with (directory / f"{scheme}.yml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return resolve(raw, knowledge, _figure_sources(knowledge), scheme)  # type: ignore[no-any-return]

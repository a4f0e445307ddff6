"""Turn topics and facts into text for one language: figures, status, sources.

The chat answer is short for a phone screen: the plain answer, the main facts each
with where it stands (planned or in force), then one line naming the sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from bot.i18n import format_day, format_money, format_number, format_percentage, gettext
from bot.knowledge.model import Fact, Figure, KnowledgeBase, SourceRef, Status, Topic


def format_figure(figure: Figure, language: str) -> str:
    value = figure.value
    if figure.unit in ("EUR", "USD"):
        return format_money(float(value), figure.unit, language)
    if figure.unit == "percent":
        return format_percentage(float(value), language)
    if figure.unit == "date":
        return format_day(value, language)  # type: ignore[arg-type]
    if figure.unit == "phone":
        return str(value)
    return format_number(value, language)  # type: ignore[arg-type]


def fill(template: str, topic: Topic, language: str) -> str:
    """A text with its {figure} placeholders formatted for `language`."""
    formatted = {name: format_figure(figure, language) for name, figure in topic.figures.items()}
    return template.format(**formatted)


def status_text(status: Status, language: str) -> str:
    if status.planned_in_budget is not None:
        if status.planned_for is not None and status.planned_for != status.planned_in_budget:
            return gettext(
                language, "planned in the {budget} budget for {year}", budget=status.planned_in_budget,
                year=status.planned_for,
            )
        return gettext(language, "planned in the {budget} budget", budget=status.planned_in_budget)
    assert status.in_force_since is not None
    since = format_day(status.in_force_since, language)
    if status.until is not None:
        until = format_day(status.until, language)
        return gettext(language, "applied from {since} to {until}", since=since, until=until)
    return gettext(language, "in force since {since}", since=since)


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    year: int | None
    section: str | None
    url: str | None

    def short(self, language: str) -> str:
        if self.url:
            host = urlparse(self.url).netloc
            return host.removeprefix("www.")
        return gettext(language, "BZK budget {year} ({section})", year=self.year, section=self.section)

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "title": self.title, "year": self.year, "section": self.section, "url": self.url}


def source_info(source: SourceRef, knowledge: KnowledgeBase) -> SourceInfo:
    if source.ref:
        reference = knowledge.sources.references[source.ref]
        return SourceInfo(source.ref, reference.title, None, None, reference.url)
    document = knowledge.sources.documents[source.doc or ""]
    return SourceInfo(source.key, document.title, document.year, source.section, None)


def fact_line(fact: Fact, topic: Topic, language: str) -> str:
    return f"{fill(fact.text[language], topic, language)} ({status_text(fact.status, language)})"


def sources_line(facts: tuple[Fact, ...], knowledge: KnowledgeBase, language: str) -> str:
    shorts: list[str] = []
    for fact in facts:
        short = source_info(fact.source, knowledge).short(language)
        if short not in shorts:
            shorts.append(short)
    label = gettext(language, "Source")
    return f"{label}: " + "; ".join(shorts)


def compose_answer(knowledge: KnowledgeBase, topic_key: str, language: str) -> str:
    """The chat reply for a question about a topic, in `language`."""
    topic = knowledge.topic(topic_key)
    facts = topic.main_facts
    parts = [fill(topic.answer[language], topic, language)]
    parts.append("\n".join(f"• {fact_line(fact, topic, language)}" for fact in facts))
    if topic.contact:
        parts.append(fill(topic.contact[language], topic, language))
    parts.append(sources_line(facts, knowledge, language))
    return "\n\n".join(parts)


def topic_details(knowledge: KnowledgeBase, topic: Topic, language: str) -> dict[str, object]:
    """Everything about a topic in `language`, for the CLI's JSON and for staff."""
    facts = [
        {
            "id": fact.id,
            "main": fact.main,
            "text": fill(fact.text[language], topic, language),
            "status": status_text(fact.status, language),
            "planned_in_budget": fact.status.planned_in_budget,
            "in_force_since": fact.status.in_force_since.isoformat() if fact.status.in_force_since else None,
            "source": source_info(fact.source, knowledge).as_dict(),
        }
        for fact in topic.facts
    ]
    sources = {fact["source"]["key"]: fact["source"] for fact in facts}  # type: ignore[index]
    return {
        "key": topic.key,
        "name": topic.name(language),
        "category": topic.category,
        "applies_in": list(topic.applies_in),
        "answer": fill(topic.answer[language], topic, language),
        "facts": facts,
        "sources": list(sources.values()),
    }

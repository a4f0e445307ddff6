"""Turn topics and facts into text for one language: figures, status, sources.

The chat answer is short for a phone screen: the plain answer, what a resident can do
now, the main facts each with where it stands (planned, in force, a figure or a target),
then one line naming the sources, each a link to its exact page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from bot.i18n import format_day, format_money, format_month_day, format_number, format_percentage, gettext
from bot.knowledge.model import Act, Fact, Figure, KnowledgeBase, Organisation, SourceRef, Status, Topic


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
    if figure.unit == "day":
        month, day = str(value).split("-")
        return format_month_day(int(month), int(day), language)
    return format_number(value, language)  # type: ignore[arg-type]


def fill(template: str, topic: Topic | Organisation, language: str) -> str:
    """A text with its {figure} placeholders formatted for `language`."""
    own = topic.figures if isinstance(topic, Topic) else {figure.name: figure for figure in topic.figures}
    formatted = {name: format_figure(figure, language) for name, figure in own.items()}
    return template.format(**formatted)


def status_text(status: Status, language: str) -> str:
    if status.applies:
        return gettext(language, "applies now")
    if status.as_of is not None:
        return gettext(language, "figure as of {day}", day=format_day(status.as_of, language))
    if status.target_for is not None:
        return gettext(language, "target for {year}", year=status.target_for)
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


def link(label: str, url: str) -> str:
    """A link in the replies' one markup: `[label](url)`; each channel renders it its own way."""
    clean = label.replace("[", "(").replace("]", ")")
    return f"[{clean}]({url})"


def host(url: str) -> str:
    """A link's short label: the site ("svb.nl"); the link itself goes to the exact page."""
    return urlparse(url).netloc.removeprefix("www.")


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    year: int | None
    section: str | None
    url: str | None
    official: bool = True
    publisher: str = ""

    @property
    def label(self) -> str:
        """What a link to the source says: who published it (short on a phone), else the title."""
        return self.publisher or self.title

    def short(self, language: str) -> str:
        """The source as a link to its exact page, marked when it is not an official one."""
        if self.url:
            text = link(self.label, self.url)
            if not self.official:
                text += " (" + gettext(language, "not an official source") + ")"
            return text
        return gettext(language, "BZK budget {year} ({section})", year=self.year, section=self.section)

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key, "title": self.title, "year": self.year, "section": self.section, "url": self.url,
            "official": self.official,
        }


def source_info(source: SourceRef, knowledge: KnowledgeBase) -> SourceInfo:
    if source.ref:
        reference = knowledge.sources.references[source.ref]
        return SourceInfo(
            source.ref, reference.title, None, None, reference.url, reference.official, reference.publisher
        )
    document = knowledge.sources.documents[source.doc or ""]
    return SourceInfo(source.key, document.title, document.year, source.section, None)


def fact_line(fact: Fact, topic: Topic, language: str) -> str:
    return f"{fill(fact.text[language], topic, language)} ({status_text(fact.status, language)})"


def sources_line(facts: tuple[Fact, ...], knowledge: KnowledgeBase, language: str) -> str:
    return _sources_line([fact.source for fact in facts], knowledge, language)


def _sources_line(sources: list[SourceRef], knowledge: KnowledgeBase, language: str) -> str:
    shorts: list[str] = []
    for source in sources:
        short = source_info(source, knowledge).short(language)
        if short not in shorts:
            shorts.append(short)
    label = gettext(language, "Source")
    return f"{label}: " + "; ".join(shorts)


def act_text(act: Act, topic: Topic, language: str) -> str:
    """What a resident can do now: the action, where, until when, and the page to go to."""
    lines = [gettext(language, "What you can do now:") + " " + fill(act.text[language], topic, language)]
    for texts in (act.where, act.deadline):
        if texts:
            lines.append(fill(texts[language], topic, language))
    if act.url:
        lines.append("→ " + link(host(act.url), act.url))
    return "\n".join(lines)


def compose_answer(knowledge: KnowledgeBase, topic_key: str, language: str) -> str:
    """The chat reply for a question about a topic, in `language`."""
    topic = knowledge.topic(topic_key)
    facts = topic.main_facts
    # What to do comes right after the short answer: residents come with a task. The
    # contact line only where the act does not already say where to go.
    parts = [fill(topic.answer[language], topic, language)]
    if topic.act is not None:
        parts.append(act_text(topic.act, topic, language))
    parts.append("\n".join(f"• {fact_line(fact, topic, language)}" for fact in facts))
    if topic.contact and not (topic.act is not None and topic.act.where):
        parts.append(fill(topic.contact[language], topic, language))
    cited = [fact.source for fact in facts]
    if topic.act is not None and topic.act.source is not None:
        cited.append(topic.act.source)
    parts.append(_sources_line(cited, knowledge, language))
    return "\n\n".join(parts)


def in_person_line(organisation: Organisation, knowledge: KnowledgeBase, language: str) -> str:
    """Where someone can get help in person with this organisation's tasks."""
    regions = {knowledge.places[place].region for place in organisation.serves if place in knowledge.places}
    if regions == {"caribisch_nederland"}:
        return gettext(language, "The service desk of your island can help you in person.")
    return gettext(language, "An Informatiepunt Digitale Overheid in the library can help you in person, for free.")


def compose_referral(
    knowledge: KnowledgeBase, organisation_key: str, task_key: str | None, language: str
) -> str:
    """The reply that sends a resident to the organisation that handles their task."""
    organisation = knowledge.organisations[organisation_key]
    name = organisation.name[language]
    parts = [gettext(language, "{name} handles this.", name=name) + " " + fill(
        organisation.handles[language], organisation, language)]
    cited = [organisation.source]
    task = organisation.task(task_key) if task_key else None
    if task is not None:
        parts.append(
            gettext(language, "What you can do now:") + " " + fill(task.do[language], organisation, language)
            + "\n→ " + link(host(task.url), task.url)
        )
        cited.append(task.source)
    else:
        parts.append("→ " + link(host(organisation.website), organisation.website))
    if organisation.contact:
        parts.append(fill(organisation.contact[language], organisation, language))
        if organisation.contact_source is not None:
            cited.append(organisation.contact_source)
    parts.append(in_person_line(organisation, knowledge, language))
    parts.append(_sources_line(cited, knowledge, language))
    return "\n\n".join(parts)


def organisation_details(knowledge: KnowledgeBase, organisation: Organisation, language: str) -> dict[str, object]:
    """A directory entry in `language`, for the CLI's JSON and for staff."""
    return {
        "key": organisation.key,
        "kind": "organisation",
        "name": organisation.name[language],
        "serves": list(organisation.serves),
        "handles": fill(organisation.handles[language], organisation, language),
        "website": organisation.website,
        "contact": fill(organisation.contact[language], organisation, language) if organisation.contact else None,
        "tasks": [
            {"key": task.key, "do": fill(task.do[language], organisation, language), "url": task.url,
             "source": source_info(task.source, knowledge).as_dict()}
            for task in organisation.tasks
        ],
        "source": source_info(organisation.source, knowledge).as_dict(),
    }


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
            "kind": fact.status.kind,
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
        "act": act_text(topic.act, topic, language) if topic.act else None,
        "act_url": topic.act.url if topic.act else None,
        "facts": facts,
        "sources": list(sources.values()),
    }


def lookup_results(knowledge: KnowledgeBase, text: str, language: str, limit: int = 5) -> dict[str, object]:
    """The topics and organisations a question is about, with status and sources: the
    one search behind `loket lookup` and the desk's Opzoeken page."""
    from bot.knowledge.directory import DirectoryIndex  # the indexes build on this module
    from bot.knowledge.lookup import TopicIndex

    matches = TopicIndex(knowledge).search(text, limit=limit)
    referrals = DirectoryIndex(knowledge).find(text, limit=limit)
    return {
        "query": text,
        "language": language,
        "results": [{**topic_details(knowledge, m.topic, language), "score": round(m.score, 3)} for m in matches],
        "organisations": [
            {**organisation_details(knowledge, r.organisation, language), "task": r.task.key if r.task else None,
             "score": round(r.score, 3)}
            for r in referrals
        ],
    }

"""What each console page shows, without the web server: plain functions from the
desk's stores and the knowledge base to the values a template renders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.desk import Feedback, Handover, TopicFeedback, labels
from bot.dialogue import Answers
from bot.entitlements import Checks, InvalidAnswer, result_text
from bot.i18n import gettext
from bot.knowledge.render import lookup_results

LOOKUP_LIMIT = 5


@dataclass(frozen=True)
class CheckField:
    name: str
    label: str
    kind: str
    value: str


def check_fields(checks: Checks, scheme: str, language: str, values: Mapping[str, str]) -> list[CheckField]:
    """A check's questions as form fields, asked as the chat asks them."""
    return [CheckField(question.name, gettext(language, question.ask), question.kind, values.get(question.name, ""))
            for question in checks.questions[scheme]]


def run_check(checks: Checks, scheme: str, values: Mapping[str, str], language: str) -> str:
    """The check's outcome with its reasons and sources, as residents read it; an answer
    it cannot read is said so."""
    answers = {question.name: (values.get(question.name) or "").strip() or None
               for question in checks.questions[scheme]}
    try:
        case = checks.from_answers(scheme, answers, year=checks.year_for(scheme, values.get("year")),
                                   island=checks.island_of(values.get("place")))
    except (InvalidAnswer, ValueError) as error:
        return f"{labels(language)['form_expired'] if not str(error) else error}"
    return result_text(checks.run(case, language), language)


def lookup(answers: Answers, text: str, language: str) -> dict[str, Any]:
    return lookup_results(answers.knowledge, text, language, limit=LOOKUP_LIMIT)


def topic_title(answers: Answers, key: str, language: str) -> str:
    topic = answers.knowledge.topics.get(key)
    return topic.name(language) if topic is not None else key  # type: ignore[arg-type]


@dataclass(frozen=True)
class FeedbackRow:
    topic: str
    title: str
    item: TopicFeedback


def feedback_rows(store: Feedback, answers: Answers, language: str) -> list[FeedbackRow]:
    return [FeedbackRow(item.topic, topic_title(answers, item.topic, language), item) for item in store.per_topic()]


def handover_view(handover: Handover, language: str) -> dict[str, Any]:
    return {"code": handover.shown_code, "summary": handover.summary.get(language) or handover.summary.get("nl", ""),
            "transcript": handover.transcript, "language": handover.language}

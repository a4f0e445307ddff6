"""The summary staff read at the desk, in Dutch or English, made at consent time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.desk.handovers import Draft

LABELS_FILE = Path(__file__).with_name("labels.yml")
STAFF_LANGUAGES = ("nl", "en")


@cache
def labels(language: str) -> dict[str, Any]:
    """The console's words in `language` (nl or en; anything else gets Dutch)."""
    raw = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return raw[language if language in STAFF_LANGUAGES else "nl"]


def staff_time(timestamp: float) -> str:
    """A moment as the desk reads it (UTC, as every server agrees on it)."""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def staff_summary(draft: Draft, titles: Mapping[str, str], place: str | None, language: str) -> str:
    """A few lines for staff: the question, the context, a check's outcome and answers.
    `titles`: topic key -> its title in `language`; `place`: the place as staff read it."""
    words = labels(language)
    lines = [f"{words['question']}: {draft.question}"]
    context = [f"{words['language']}: {words['languages'].get(draft.language, draft.language)}",
               f"{words['channel']}: {words['channels'].get(draft.channel, draft.channel)}",
               f"{words['place']}: {place or words['place_unknown']}"]
    lines.append(" · ".join(context))
    topics = ", ".join(titles.get(topic, topic) for topic in draft.topics) or words["no_topics"]
    lines.append(f"{words['topics']}: {topics}")
    if draft.outcome is not None:
        text = draft.outcome.text.get(language) or draft.outcome.text.get(draft.language, "")
        lines.append(f"{words['check_outcome']} ({draft.outcome.scheme}):")
        lines.append(text)
    if draft.answers:
        lines.append(f"{words['answers']}: " + "; ".join(f"{name}: {value}" for name, value in draft.answers.items()))
    return "\n".join(lines)

"""Figures, statuses and answers are written the way people in each place expect."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.i18n import format_money, gettext
from bot.knowledge.model import Figure, Status
from bot.knowledge.render import compose_answer, format_figure, status_text


@pytest.mark.parametrize(
    "amount, currency, language, expected",
    [
        (932.93, "EUR", "nl", "€ 932,93"),
        (932.93, "EUR", "en", "€932.93"),
        (932.93, "EUR", "pap", "€ 932,93"),
        (38479, "EUR", "nl", "€ 38.479"),
        (38479, "EUR", "en", "€38,479"),
        (750, "USD", "en", "$ 750"),
        (1815.35, "USD", "pap", "$ 1.815,35"),
        (1815.35, "USD", "nl", "$ 1.815,35"),
        (1.5e9, "EUR", "nl", "€ 1,5 miljard"),
        (1.5e9, "EUR", "en", "€1.5 billion"),
        (138e6, "EUR", "pap", "€ 138 mion"),
        (7_999_000, "EUR", "nl", "€ 7.999.000"),  # not exact as "8 miljoen": never rounded
    ],
)
def test_money(amount, currency, language, expected):
    assert format_money(amount, currency, language).replace("\xa0", " ") == expected


@pytest.mark.parametrize(
    "figure, language, expected",
    [
        (Figure("d", dt.date(2026, 1, 1), "date"), "nl", "1 januari 2026"),
        (Figure("d", dt.date(2026, 1, 1), "date"), "en", "1 January 2026"),
        (Figure("d", dt.date(2026, 1, 1), "date"), "pap", "1 Yanüari 2026"),
        (Figure("n", 981000, "count"), "nl", "981.000"),
        (Figure("n", 981000, "count"), "en", "981,000"),
        (Figure("p", 4.35, "percent"), "nl", "4,35%"),
        (Figure("p", 4.35, "percent"), "en", "4.35%"),
    ],
)
def test_figures(figure, language, expected):
    assert format_figure(figure, language) == expected


def test_status_says_planned_or_in_force_in_each_language():
    planned = Status(planned_in_budget=2024)
    in_force = Status(in_force_since=dt.date(2026, 1, 1))
    assert status_text(planned, "nl") == "gepland in de begroting van 2024"
    assert status_text(planned, "en") == "planned in the 2024 budget"
    assert status_text(in_force, "pap") == "ta bigente desde 1 Yanüari 2026"
    assert status_text(Status(planned_in_budget=2024, planned_for=2025), "en") == "planned in the 2024 budget for 2025"


def test_an_unknown_language_falls_back_to_dutch():
    assert gettext("fr", "Source") == "Bron"


@pytest.mark.parametrize(
    "language, source_label, in_force, planned",
    [("nl", "Bron:", "geldt sinds 1 januari 2026", "(gepland in de begroting van 2024)"),
     ("pap", "Fuente:", "ta bigente desde 1 Yanüari 2026", "(planiá den e presupuesto di 2024)"),
     ("en", "Source:", "in force since 1 January 2026", "(planned in the 2024 budget)")],
)
def test_the_huurtoeslag_answer_gives_plan_rule_figures_and_source(knowledge, language, source_label, in_force,
                                                                    planned):
    answer = compose_answer(knowledge, "huurtoeslag", language)
    lines = answer.splitlines()
    assert lines[-1].startswith(source_label)
    assert "2024" in lines[-1] and "overtoeslagen.nl" in lines[-1]
    assert in_force in answer
    assert planned in answer  # what the 2024 budget planned, marked as a plan
    assert "932" in answer  # the 2026 rent ceiling, formatted
    assert "{" not in answer


def test_every_topic_renders_in_every_language_without_leftover_placeholders(knowledge):
    for key in knowledge.topics:
        for language in ("nl", "pap", "en"):
            answer = compose_answer(knowledge, key, language)
            assert "{" not in answer and "}" not in answer, (key, language)
            # Telegram allows 4096 characters; a phone shows about 900 at once. A link
            # shows as its label.
            shown = re.sub(r"\[([^\]]+)\]\(https://[^)]+\)", r"\1", answer)
            assert len(shown) < 2600, f"{key}/{language} is too long for a phone ({len(shown)})"

"""Each validation rule catches the mistake it exists for, and a good topic passes."""

from __future__ import annotations

import pytest

from bot.knowledge import read_knowledge, validate
from tests.conftest import small_topic


def problems_for(knowledge_dir, *topics) -> list[str]:
    directory = None
    for topic in topics:
        directory = knowledge_dir(topic)
    knowledge, problems = read_knowledge(directory)
    return [str(problem) for problem in problems + validate(knowledge)]


def test_a_complete_topic_is_valid(knowledge_dir):
    assert problems_for(knowledge_dir, small_topic()) == []


def test_the_real_knowledge_base_is_valid():
    knowledge, problems = read_knowledge()
    assert [str(p) for p in problems + validate(knowledge)] == []


@pytest.mark.parametrize("part", ["answer", "names"])
def test_a_topic_missing_a_language_fails(knowledge_dir, part):
    topic = small_topic()
    del topic[part]["pap"]
    assert any(f"{part}: missing language 'pap'" in p for p in problems_for(knowledge_dir, topic))


def test_a_fact_missing_a_language_fails(knowledge_dir):
    topic = small_topic()
    del topic["facts"][0]["text"]["en"]
    assert any("plan.text: missing language 'en'" in p for p in problems_for(knowledge_dir, topic))


def test_a_fact_without_a_source_fails(knowledge_dir):
    topic = small_topic()
    del topic["facts"][0]["source"]
    assert any("missing source" in p for p in problems_for(knowledge_dir, topic))


def test_a_fact_without_a_status_fails(knowledge_dir):
    topic = small_topic()
    del topic["facts"][0]["status"]
    assert any("missing status" in p for p in problems_for(knowledge_dir, topic))


def test_a_status_both_planned_and_in_force_fails(knowledge_dir):
    topic = small_topic()
    topic["facts"][0]["status"] = {"planned_in_budget": 2024, "in_force_since": "2026-01-01"}
    assert any("status needs exactly one of" in p for p in problems_for(knowledge_dir, topic))


def test_a_plan_dated_to_the_wrong_budget_fails(knowledge_dir):
    topic = small_topic()
    topic["facts"][0]["status"] = {"planned_in_budget": 2021}
    assert any("the source is the 2024 budget" in p for p in problems_for(knowledge_dir, topic))


@pytest.mark.parametrize(
    "source, message",
    [
        ({"ref": "S999"}, "unknown reference 'S999'"),
        ({"doc": "bzk_2024", "section": "Geen sectie"}, "is not a section of bzk_2024"),
        ({"doc": "bzk_1999", "section": "X"}, "unknown document"),
    ],
)
def test_a_source_that_does_not_exist_fails(knowledge_dir, source, message):
    topic = small_topic()
    topic["facts"][1]["source"] = source
    assert any(message in p for p in problems_for(knowledge_dir, topic))


def test_one_figure_stated_differently_in_two_places_fails(knowledge_dir):
    other = small_topic("ander")
    other["facts"][0]["figures"]["limit"]["value"] = 101
    problems = problems_for(knowledge_dir, small_topic(), other)
    assert any("figure limit" in p and "stated differently" in p for p in problems)


def test_the_same_figure_with_the_same_value_in_two_places_is_fine(knowledge_dir):
    assert problems_for(knowledge_dir, small_topic(), small_topic("ander")) == []


@pytest.mark.parametrize("text", ["Het kost 250 euro.", "Ruim 1.500 woningen.", "Op 1 januari 2026."])
def test_a_number_typed_into_a_text_fails(knowledge_dir, text):
    topic = small_topic()
    topic["answer"]["nl"] = text
    assert any("typed into the text" in p for p in problems_for(knowledge_dir, topic))


@pytest.mark.parametrize("text", ["Sinds 2024.", "Door COVID-19.", "Advies volgens BRL9500.", "Grens: {limit}."])
def test_years_names_with_digits_and_placeholders_are_allowed(knowledge_dir, text):
    topic = small_topic()
    topic["answer"]["nl"] = text
    assert problems_for(knowledge_dir, topic) == []


def test_an_unknown_placeholder_fails(knowledge_dir):
    topic = small_topic()
    topic["answer"]["en"] = "Up to {ceiling}."
    assert any("unknown figure {ceiling}" in p for p in problems_for(knowledge_dir, topic))


def test_a_budget_section_no_fact_cites_fails(knowledge_dir):
    topic = small_topic()
    topic["facts"] = topic["facts"][:1]
    assert any("section 'Betaalbaar wonen in de huursector' is cited by no fact" in p
               for p in problems_for(knowledge_dir, topic))


def test_one_name_for_two_topics_fails(knowledge_dir):
    other = small_topic("ander")
    other["names"]["en"] = ["Trial scheme proef"]
    assert any("used by more than one topic" in p for p in problems_for(knowledge_dir, small_topic(), other))


def test_a_file_named_differently_from_its_key_fails(knowledge_dir):
    directory = knowledge_dir(small_topic(), name="andere_naam")
    knowledge, problems = read_knowledge(directory)
    assert any("must equal the file name" in str(p) for p in problems)


def test_broken_yaml_is_reported_not_raised(knowledge_dir):
    directory = knowledge_dir(small_topic())
    (directory / "topics" / "kapot.yml").write_text("key: [unclosed", encoding="utf-8")
    _, problems = read_knowledge(directory)
    assert any("kapot.yml" in str(p) and "cannot read" in str(p) for p in problems)


def test_a_date_figure_needs_a_date(knowledge_dir):
    topic = small_topic()
    topic["facts"][0]["figures"]["limit"] = {"value": "soon", "unit": "date"}
    assert any("needs an ISO date" in p for p in problems_for(knowledge_dir, topic))


def test_an_answer_too_long_for_a_phone_fails(knowledge_dir):
    topic = small_topic()
    topic["answer"]["en"] = "Long words here. " * 60
    assert any("answer.en has" in p for p in problems_for(knowledge_dir, topic))


def test_instead_in_must_point_to_a_topic_that_applies_there(knowledge_dir):
    other = small_topic("ander")  # applies only in the European Netherlands
    topic = small_topic(instead_in={"caribisch_nederland": "ander"})
    assert any("must be a topic that applies in caribisch_nederland" in p
               for p in problems_for(knowledge_dir, topic, other))


def test_instead_in_to_a_topic_that_applies_there_is_fine(knowledge_dir):
    other = small_topic("ander", applies_in=["caribisch_nederland"])
    topic = small_topic(instead_in={"caribisch_nederland": "ander"})
    assert problems_for(knowledge_dir, topic, other) == []

""""What you can do now", status kinds, sources as links, and the review list."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.knowledge import read_knowledge, validate
from bot.knowledge.render import compose_answer, status_text
from bot.knowledge.review import stale_items, unofficial_citations
from bot.knowledge.store import load_knowledge, make_engine, save_knowledge
from tests.conftest import small_topic


def with_fact(topic: dict, status: dict, source: dict | None = None, **extra) -> dict:
    topic["facts"].append({
        "id": "extra", "text": {"nl": "Iets.", "pap": "Algu.", "en": "Something."}, "status": status,
        "source": source or {"ref": "proef_page"}, **extra,
    })
    return topic


def read(knowledge_dir, *topics):
    directory = None
    for topic in topics:
        directory = knowledge_dir(topic)
    knowledge, problems = read_knowledge(directory)
    return knowledge, [str(problem) for problem in problems + validate(knowledge)]


def test_a_topic_without_what_to_do_now_fails_and_says_why(knowledge_dir):
    topic = small_topic()
    del topic["act"]
    _, problems = read(knowledge_dir, topic)
    assert problems == [
        "proef.yml:act: missing: say what a resident can do now (text, url, source), "
        "or set nothing_to_apply: true with a text that says so"
    ]


def test_an_act_needs_its_page_and_the_page_it_was_checked_on(knowledge_dir):
    topic = small_topic()
    del topic["act"]["url"]
    del topic["act"]["source"]
    _, problems = read(knowledge_dir, topic)
    assert any("needs the official page's url" in p for p in problems)
    assert any("needs the page it was verified on" in p for p in problems)


def test_nothing_to_apply_needs_only_the_text(knowledge_dir):
    topic = small_topic()
    topic["act"] = {"nothing_to_apply": True, "text": {"nl": "Niets aan te vragen.", "pap": "Nada.", "en": "Nothing."}}
    assert read(knowledge_dir, topic)[1] == []


def test_an_act_with_a_plain_web_address_fails(knowledge_dir):
    topic = small_topic()
    topic["act"]["url"] = "http://www.example.nl/proef"
    assert any("https address" in p for p in read(knowledge_dir, topic)[1])


@pytest.mark.parametrize(
    "status, message",
    [
        ({"applies": True, "as_of": "2024-01-01"}, "status needs exactly one of"),
        ({"in_force_since": "2026-01-01", "since": "x"}, "unknown status field 'since'"),
        ({"planned_for": 2025}, "status needs exactly one of"),
    ],
)
def test_a_status_is_one_kind(knowledge_dir, status, message):
    topic = with_fact(small_topic(), status)
    assert any(message in p for p in read(knowledge_dir, topic)[1])


def test_an_update_must_follow_a_plan_of_the_same_topic(knowledge_dir):
    topic = with_fact(small_topic(), {"applies": True}, updates="nothing_like_it")
    assert any("updates 'nothing_like_it'" in p for p in read(knowledge_dir, topic)[1])


@pytest.mark.parametrize(
    "status, nl",
    [
        ({"applies": True}, "geldt nu"),
        ({"as_of": "2024-06-01"}, "cijfer van 1 juni 2024"),
        ({"target_for": 2030}, "doel voor 2030"),
    ],
)
def test_each_status_kind_says_where_a_fact_stands(knowledge_dir, status, nl):
    knowledge, problems = read(knowledge_dir, with_fact(small_topic(), status))
    assert problems == []
    assert status_text(knowledge.topic("proef").facts[2].status, "nl") == nl


def test_the_answer_says_what_to_do_with_a_link_to_the_exact_page(knowledge_dir):
    knowledge, _ = read(knowledge_dir, small_topic())
    answer = compose_answer(knowledge, "proef", "nl")
    assert "Wat je nu kunt doen: Vraag het aan met DigiD.\nUiterlijk 1 september.\n" in answer
    assert "→ [example.nl](https://www.example.nl/proef/aanvragen)" in answer
    assert answer.endswith("[Proefdienst](https://www.example.nl/proef/aanvragen)")


def test_an_unofficial_source_is_marked_in_the_answer_and_listed(knowledge_dir):
    topic = with_fact(small_topic(), {"applies": True}, {"ref": "proef_news"}, main=True)
    knowledge, problems = read(knowledge_dir, topic)
    assert problems == []
    english = compose_answer(knowledge, "proef", "en")
    assert "[Nieuwssite](https://nieuws.example.com/proef) (not an official source)" in english
    assert [(c.where, c.ref) for c in unofficial_citations(knowledge)] == [("proef:extra", "proef_news")]


def test_stale_lists_passed_plans_without_an_update_and_sources_not_read_for_a_year(knowledge_dir):
    topic = with_fact(small_topic(), {"applies": True}, {"ref": "proef_news"})
    topic["facts"][0]["status"] = {"planned_in_budget": 2024, "planned_for": 2025}
    knowledge, problems = read(knowledge_dir, topic)
    assert problems == []
    items = stale_items(knowledge, dt.date(2026, 12, 2))
    assert [(i.kind, i.where) for i in items] == [("plan_passed", "proef:plan"), ("source_old", "proef_news")]
    topic["facts"].append({
        "id": "outcome", "updates": "plan", "text": {"nl": "Gebeurd.", "pap": "A sosodé.", "en": "Done."},
        "status": {"applies": True}, "source": {"ref": "proef_page"},
    })
    knowledge, _ = read(knowledge_dir, topic)
    assert [i.kind for i in stale_items(knowledge, dt.date(2026, 12, 2))] == ["source_old"]


def test_acts_statuses_and_references_survive_the_database(knowledge_dir):
    knowledge, _ = read(knowledge_dir, with_fact(small_topic(), {"as_of": "2024-06-01"}, {"ref": "proef_news"}))
    engine = make_engine("sqlite://")
    save_knowledge(engine, knowledge)
    assert load_knowledge(engine) == knowledge


def test_the_real_knowledge_base_survives_the_database():
    knowledge, _ = read_knowledge()
    engine = make_engine("sqlite://")
    save_knowledge(engine, knowledge)
    assert load_knowledge(engine) == knowledge

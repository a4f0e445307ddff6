"""Lookup finds topics despite typos, both Papiamentu spellings and other languages."""

from __future__ import annotations

import pytest

from bot.knowledge.lookup import TopicIndex


@pytest.fixture(scope="module")
def index(knowledge):
    return TopicIndex(knowledge)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("huurtoeslag", "huurtoeslag"),
        ("huurtoslag", "huurtoeslag"),  # typo
        ("rent benefit", "huurtoeslag"),
        ("supsidio di hür", "huurtoeslag"),  # Bonaire/Curaçao spelling
        ("subsidio di huur", "huurtoeslag"),  # Aruba spelling
        ("warmtefons lening", "warmtefonds"),
        ("Energiebespaarlening", "warmtefonds"),
        ("wet betaalbare huur", "wet_betaalbare_huur"),
        ("informatiepunt digitale overheid", "informatiepunt"),
        ("Woo verzoek", "woo"),
        ("algoritmeregister", "algoritmeregister"),
    ],
)
def test_finds_the_topic_first(index, query, expected):
    results = index.search(query)
    assert results, query
    assert results[0].topic.key == expected, [(m.topic.key, round(m.score, 2)) for m in results]


@pytest.mark.parametrize("query", ["", "   ", "?!", "qwxzv plofkrt"])
def test_nothing_for_empty_or_nonsense(index, query):
    assert index.search(query) == []


def test_results_are_ranked_best_first(index):
    scores = [m.score for m in index.search("huur woning bouw", limit=5)]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture(scope="module")
def answers(knowledge):
    from bot.dialogue.answers import Answers

    return Answers(knowledge)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("What changes in rent benefit?", "huurtoeslag"),
        ("kiko ta e energiebespaarlening", "warmtefonds"),
        ("help", None),
        ("huur", None),  # too vague: several housing topics
        ("", None),
    ],
)
def test_a_clear_topic_is_only_named_when_the_message_names_it(answers, text, expected):
    assert answers.clear_topic_for(text) == expected

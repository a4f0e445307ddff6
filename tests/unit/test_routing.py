"""The right door: tasks of the directory reach it, whatever the classifier chose."""

from __future__ import annotations

import pytest

from bot.dialogue import Answers
from bot.dialogue.routing import Router


@pytest.fixture(scope="module")
def router(knowledge):
    return Router(Answers(knowledge))


@pytest.mark.parametrize(
    "text, classified",
    [
        ("Waar moet ik zijn voor een nieuw paspoort?", "capabilities"),

        ("Kon mi ta paga un bon di trafiko?", "greet"),
        ("Wanneer krijg ik AOW?", "out_of_scope"),
        ("Mi mester un permit di trabou, unda mi ta bai?", "nlu_fallback"),
    ],
)
def test_a_task_of_the_directory_goes_to_the_directory(router, text, classified):
    assert router.intent_for(text, classified) == "ask_organisation"


@pytest.mark.parametrize(
    "text, classified",
    [
        ("Hoe vraag ik huurtoeslag aan?", "ask_huurtoeslag"),  # names a topic
        ("How do I activate my DigiD?", "ask_digid_mijnoverheid"),
        ("Wat voor weer wordt het morgen?", "out_of_scope"),  # no task at all
        ("ik ben 30", "nlu_fallback"),
        ("Waar verleng ik mijn paspoort? In het Engels graag", "switch_language"),  # asked on purpose
        ("ik wil een medewerker spreken over mijn paspoort", "request_human"),
    ],
)
def test_a_topic_or_a_deliberate_intent_is_kept(router, text, classified):
    assert router.intent_for(text, classified) is None


def test_a_topic_the_classifier_is_sure_of_stays(router):
    assert router.intent_for("can i vote with an expired id card", "ask_verkiezingen_kiesstelsel", 0.55) is None
    assert router.intent_for("can i vote with an expired id card", "ask_verkiezingen_kiesstelsel", 0.4) \
        == "ask_organisation"

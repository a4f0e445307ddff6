"""End to end: every topic's "what you can do now" and every organisation of the
directory reach the resident, with the exact page, over the real servers."""

from __future__ import annotations

import uuid

import pytest

from bot.channels.rest import send
from bot.knowledge import read_knowledge

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KNOWLEDGE = read_knowledge()[0]
LANGUAGES = ("nl", "pap", "en")

# One question per organisation, in the words a resident uses (one language each).
ORGANISATION_QUESTIONS = {
    "belastingdienst": ("nl", "Hoe doe ik aangifte inkomstenbelasting?"),
    "toeslagen": ("nl", "Hoe vraag ik zorgtoeslag aan?"),
    "svb": ("nl", "Wanneer krijg ik AOW?"),
    "uwv": ("en", "I lost my job, how do I get unemployment benefit?"),
    "duo": ("en", "How do I repay my student loan?"),
    "cjib": ("nl", "Ik heb een verkeersboete gekregen, hoe betaal ik die?"),
    "cak": ("nl", "Wie regelt de eigen bijdrage voor de Wmo?"),
    "rdw": ("nl", "Hoe zet ik een auto op mijn naam bij de RDW?"),
    "gemeente": ("nl", "Waar verleng ik mijn paspoort?"),
    "digid": ("en", "How do I activate my DigiD with the activation code?"),
    "nationale_ombudsman": ("nl", "Waar kan ik een klacht indienen bij de Nationale ombudsman?"),
    "huurcommissie": ("nl", "Wat doet de Huurcommissie?"),
    "rcn_szw": ("pap", "Kon mi ta haña mi AOV na Boneiru?"),
    "rcn_zvk": ("en", "How do I get a healthcare card on Saba?"),
    "rcn_belastingdienst": ("pap", "Kon mi ta hasi mi deklarashon di impuesto na Boneiru?"),
    "rcn_ind": ("en", "How do I get a residence permit for Bonaire?"),
    "bonaire_burgerzaken": ("pap", "Unda mi ta bai pa un sedula nobo na Boneiru?"),
    "statia_civil_registry": ("en", "Where do I get an ID card on Statia?"),
    "saba_census_office": ("en", "Where do I renew my passport on Saba?"),
}


# DigiD and the Huurcommissie are topics of their own, whose act sends people to the
# organisation's page.
TOPIC_ANSWERS = {
    "digid": KNOWLEDGE.topic("digid_mijnoverheid").act.url,  # type: ignore[union-attr]
    "huurcommissie": KNOWLEDGE.topic("huurcommissie").act.url,  # type: ignore[union-attr]
}


def reply(assistant, text: str) -> str:
    messages = send(assistant.rest_url, uuid.uuid4().hex, text, token=assistant.rest_token)
    return "\n\n".join(str(message.get("text", "")) for message in messages)


@pytest.mark.parametrize("key", sorted(KNOWLEDGE.topics))
def test_every_topic_says_what_to_do_now_with_its_page(assistant, key):
    act = KNOWLEDGE.topic(key).act
    assert act is not None
    language = LANGUAGES[sorted(KNOWLEDGE.topics).index(key) % 3]  # each language in turn
    text = reply(assistant, f"/ask_{key}")
    if act.url:
        assert f"({act.url})" in text, text
    assert act.text[language][:20] in text or any(act.text[other][:20] in text for other in LANGUAGES)


def test_the_directory_questions_cover_every_organisation():
    assert set(ORGANISATION_QUESTIONS) == set(KNOWLEDGE.organisations)


@pytest.mark.parametrize("key", sorted(ORGANISATION_QUESTIONS))
def test_every_organisation_is_found_for_its_task(assistant, key):
    language, question = ORGANISATION_QUESTIONS[key]
    text = reply(assistant, question)
    organisation = KNOWLEDGE.organisations[key]
    if key in TOPIC_ANSWERS:  # a topic of its own answers it, with the organisation's page
        assert f"({TOPIC_ANSWERS[key]})" in text, text
        return
    assert organisation.name[language] in text, text
    assert any(f"({task.url})" in text for task in organisation.tasks) or f"({organisation.website})" in text

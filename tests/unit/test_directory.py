"""The directory of organisations: who handles a task, for the resident's place."""

from __future__ import annotations

import pytest

from bot.knowledge import read_knowledge
from bot.knowledge.directory import DirectoryIndex
from bot.knowledge.render import compose_referral


@pytest.fixture(scope="module")
def knowledge():
    return read_knowledge()[0]


@pytest.fixture(scope="module")
def directory(knowledge):
    return DirectoryIndex(knowledge)


@pytest.mark.parametrize(
    "text, place, organisation",
    [
        ("Wanneer krijg ik AOW?", None, "svb"),
        ("Kon mi ta haña mi AOV na Boneiru?", None, "rcn_szw"),
        ("Where do I renew my passport on Saba?", None, "saba_census_office"),
        ("Waar moet ik zijn voor een nieuw paspoort?", None, "gemeente"),
        ("Waar verleng ik mijn paspoort?", "saba", "saba_census_office"),  # the place said earlier
        ("ik heb een verkeersboete gekregen", None, "cjib"),
        ("how do I repay my student loan", None, "duo"),
        ("Mi mester un permit di trabou", "bonaire", "rcn_szw"),
        ("Kon mi ta kambia mi adrès na Boneiru?", None, "bonaire_burgerzaken"),
        ("mijn kenteken overschrijven", None, "rdw"),
        ("ik wil een klacht indienen over een gemeente bij de ombudsman", None, "nationale_ombudsman"),
    ],
)
def test_a_task_finds_the_organisation_that_handles_it_where_the_resident_lives(directory, text, place, organisation):
    found = directory.find(text, place)
    assert found, f"nothing found for {text!r}"
    assert found[0].organisation.key == organisation


@pytest.mark.parametrize("text", ["Wat voor weer wordt het morgen?", "Who won the football match?", "", "?!"])
def test_a_question_no_organisation_handles_finds_nothing(directory, text):
    assert directory.find(text) == []


def test_the_place_decides_between_offices_that_handle_the_same_task(directory):
    on_saba = directory.find("passport", "saba")
    at_home = directory.find("passport", None)
    in_europe = directory.find("passport", "europees_nederland")
    assert [r.organisation.key for r in on_saba][:1] == ["saba_census_office"]
    assert [r.organisation.key for r in at_home][:1] == ["gemeente"]
    assert "saba_census_office" not in [r.organisation.key for r in in_europe]


@pytest.mark.parametrize("language", ["nl", "pap", "en"])
def test_every_entry_and_task_renders_with_its_page_and_in_person_help(knowledge, language):
    for organisation in knowledge.organisations.values():
        for task in organisation.tasks:
            text = compose_referral(knowledge, organisation.key, task.key, language)
            assert f"({task.url})" in text
            assert organisation.name[language] in text
            in_person = ("Informatiepunt", "servisio", "service desk", "servicebalie")
            assert any(words in text for words in in_person)


def test_the_directory_covers_the_organisations_of_the_issue(knowledge):
    expected = {
        "belastingdienst", "toeslagen", "svb", "uwv", "duo", "cjib", "cak", "rdw", "gemeente", "digid",
        "nationale_ombudsman", "rcn_szw", "rcn_zvk", "rcn_belastingdienst", "rcn_ind", "bonaire_burgerzaken",
        "statia_civil_registry", "saba_census_office",
    }
    assert expected <= set(knowledge.organisations)

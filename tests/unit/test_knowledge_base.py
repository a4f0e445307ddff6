"""The real knowledge base: coverage, languages, sources, and what it says about key rules."""

from __future__ import annotations

from bot import LANGUAGES
from bot.knowledge.store import load_knowledge, make_engine, save_knowledge

REQUIRED_TOPICS = {
    "huurtoeslag", "wet_betaalbare_huur", "start_bouwimpuls", "woningbouw", "woningbouwimpuls",
    "thuis_voor_iedereen", "wonen_zorg_ouderen", "leefbaarheid_veiligheid", "warmtefonds", "isolatieprogramma",
    "energielabel_huur", "aardgasvrije_wijken", "regiodeals", "groningen", "zeeland", "grensregios", "agenda_stad",
    "cn_wonen", "cn_huurondersteuning", "cn_bsn_digid", "informatiepunt", "digihulplijn",
    "werkagenda_digitalisering", "digital_services_act", "algoritmeregister", "woo", "brp", "digid_mijnoverheid",
    "omgevingswet", "novi", "slavernijverleden", "antidiscriminatie", "desinformatie", "weerbaar_bestuur",
    "wet_politieke_partijen", "democratische_vernieuwing", "aivd_wiv", "constitutionele_toetsing",
    "verkiezingen_kiesstelsel", "rijksdienst_werkgever", "corona_maatregelen",
}


def test_at_least_forty_topics_including_the_required_ones(knowledge):
    assert len(knowledge.topics) >= 40
    assert REQUIRED_TOPICS <= set(knowledge.topics)


def test_every_topic_speaks_every_language(knowledge):
    for topic in knowledge.topics.values():
        for language in LANGUAGES:
            assert topic.answer[language] and topic.names[language], (topic.key, language)
            for fact in topic.facts:
                assert fact.text[language], (topic.key, fact.id, language)


def test_huurtoeslag_has_both_the_plan_and_the_rule_in_force(knowledge):
    facts = knowledge.topic("huurtoeslag").main_facts
    plans = [f for f in facts if f.status.planned_in_budget == 2024]
    in_force = [f for f in facts if f.status.in_force_since and f.status.in_force_since.isoformat() == "2026-01-01"]
    assert plans and in_force


def test_the_database_holds_exactly_what_the_files_say(knowledge):
    engine = make_engine("sqlite://")
    save_knowledge(engine, knowledge)
    assert load_knowledge(engine) == knowledge


def test_rebuilding_the_database_replaces_it(knowledge):
    engine = make_engine("sqlite://")
    save_knowledge(engine, knowledge)
    save_knowledge(engine, knowledge)
    assert load_knowledge(engine) == knowledge

"""The names that tie topics to intents, and the Rasa files generated from data."""

from __future__ import annotations

import yaml

from bot.dialogue import check_payload, switch_language_payload, topic_for_intent, topic_intent
from bot.dialogue.responses import RESPONSES
from bot.entitlements import Checks
from bot.settings import PROJECT_DIR
from bot.tooling.rasa_files import (
    ANSWER_INTENTS,
    check_domain,
    check_rules,
    generated_files,
    responses_domain,
    topic_domain,
    topic_rules,
)


def test_intents_and_topics_map_both_ways():
    assert topic_intent("woo") == "ask_woo"
    assert topic_for_intent("ask_woo") == "woo"
    assert topic_for_intent("greet") is None
    assert topic_for_intent(None) is None


def test_payloads_are_rasa_intents_with_entities():
    assert switch_language_payload() == "/switch_language"
    assert switch_language_payload("pap") == '/switch_language{"language_choice": "pap"}'
    assert check_payload("huurtoeslag") == '/ask_huurtoeslag{"check": "yes"}'


def test_the_topic_domain_lists_every_topic_intent_once_sorted():
    domain = yaml.safe_load(topic_domain(["woo", "brp"]))
    assert domain["intents"] == ["ask_brp", "ask_woo"]


def test_each_topic_gets_a_rule():
    rules = yaml.safe_load(topic_rules(["woo", "brp"]))["rules"]
    assert [rule["steps"] for rule in rules] == [
        [{"intent": "ask_brp"}, {"action": "action_answer_topic"}],
        [{"intent": "ask_woo"}, {"action": "action_answer_topic"}],
    ]


def test_a_question_added_to_the_rules_becomes_a_slot_a_form_question_and_a_response(knowledge):
    checks = Checks(knowledge)
    questions = dict(checks.questions)
    extra = questions["warmtefonds"][-1].__class__(name="solar", slot="wf_solar", kind="yes_no",
                                                   ask="Do you own the home and live in it yourself? (yes or no)")
    questions["warmtefonds"] = (*questions["warmtefonds"], extra)
    domain = yaml.safe_load(check_domain(questions))
    assert "wf_solar" in domain["slots"]
    assert domain["forms"]["warmtefonds_form"]["required_slots"][-1] == "wf_solar"
    assert domain["actions"] == [{"validate_huurtoeslag_form": {"send_domain": True}},
                                 {"validate_warmtefonds_form": {"send_domain": True}}]
    responses = yaml.safe_load(responses_domain(questions))["responses"]
    variations = responses["utter_ask_wf_solar"]
    assert [[(c["name"], c["value"]) for c in v.get("condition", [])] for v in variations] == [
        [("language_choice", "pap")], [("language_choice", None), ("language", "pap")],
        [("language_choice", "en")], [("language_choice", None), ("language", "en")], []]
    assert variations[-1]["text"] != variations[1]["text"]  # Dutch, translated from the catalogue


def test_every_fixed_response_is_generated_in_three_languages():
    responses = yaml.safe_load(responses_domain({}))["responses"]
    assert set(responses) == set(RESPONSES)
    for name, variations in responses.items():
        assert len({v["text"] for v in variations}) == 3, name


def test_each_check_form_reads_short_answers_and_reports():
    rules = yaml.safe_load(check_rules(["huurtoeslag"]))["rules"]
    assert len(rules) == 1 + len(ANSWER_INTENTS)
    assert rules[0]["steps"][-1] == {"action": "action_report_check"}
    assert {rule["steps"][0].get("intent") for rule in rules[1:]} == set(ANSWER_INTENTS)


def test_generated_files_live_in_folders_of_their_own(knowledge):
    paths = generated_files(knowledge, Checks(knowledge).questions)
    assert all(path.parent.name == "generated" for path in paths)
    assert {path.parent.parent.relative_to(PROJECT_DIR).as_posix() for path in paths} == {"domain", "data", "nlu_data"}


def test_a_topic_is_answered_for_the_place_said_earlier(knowledge):
    from bot.dialogue import Answers

    answers = Answers(knowledge)
    on_bonaire = answers.topic("huurtoeslag", "en", island="bonaire")
    assert on_bonaire.startswith("Rent benefit does not apply on Bonaire.")
    assert knowledge.topic("cn_huurondersteuning").answer["en"][:40] in on_bonaire
    assert answers.topic("huurtoeslag", "en") == answers.topic("huurtoeslag", "en", island=None)


def test_a_fact_question_about_a_scheme_with_a_check_gets_the_fact_not_the_check(knowledge):
    from bot.dialogue import Answers

    answers = Answers(knowledge)
    reply = answers.fact_question("huurtoeslag", "Krijg ik nog huurtoeslag voor mijn servicekosten?", "nl")
    assert reply is not None and "servicekosten" in reply
    assert answers.fact_question("huurtoeslag", "Heb ik recht op huurtoeslag?", "nl") is None
    with_values = "Ik ben 19 en mijn huur is 550 euro, krijg ik huurtoeslag?"
    assert answers.fact_question("huurtoeslag", with_values, "nl") is None

import pytest

from bot.dialogue import BEGIN_MARK, END_MARK, domain_with_topics, topic_for_intent, topic_intent, topic_rules


def test_intents_and_topics_map_both_ways():
    assert topic_intent("woo") == "ask_woo"
    assert topic_for_intent("ask_woo") == "woo"
    assert topic_for_intent("greet") is None
    assert topic_for_intent(None) is None


def test_the_generated_domain_block_lists_every_topic_intent_once():
    domain = f"intents:\n  - greet\n{BEGIN_MARK}\n  - ask_old\n{END_MARK}\nslots: {{}}\n"
    result = domain_with_topics(domain, ["woo", "brp"])
    assert "ask_old" not in result
    assert result.count("ask_brp") == 1 and result.count("ask_woo") == 1
    assert result.index("ask_brp") < result.index("ask_woo") < result.index("slots")
    assert domain_with_topics(result, ["woo", "brp"]) == result


def test_a_domain_without_the_marks_is_refused():
    with pytest.raises(ValueError, match="BEGIN topic intents"):
        domain_with_topics("intents: []\n", ["woo"])


def test_each_topic_gets_a_rule():
    rules = topic_rules(["woo", "brp"])
    assert "- intent: ask_woo\n  - action: action_answer_topic" in rules
    assert rules.count("- rule:") == 2

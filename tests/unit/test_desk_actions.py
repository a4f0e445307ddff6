"""The desk's actions over a conversation's events: a typed yes or no answers the buttons
before it, consent copies the question, the check and the conversation into a
handover, and forgetting withdraws it."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.desk import ActionCreateHandover, ActionRecordFeedback, ActionYesNo, open_question, take_comment
from actions.privacy import ActionForget
from bot.desk import dispose_engines, feedback_store, handover_store
from bot.dialogue import payload


@pytest.fixture(autouse=True)
def desk_database(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("LOKET_DESK_DATABASE_URL", f"sqlite:///{tmp_path}/desk.db")
    monkeypatch.setenv("DATABASE_URL", database_url)
    yield
    dispose_engines()


def user(text: str, intent: str, **metadata) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []},
            "metadata": metadata}


def bot(text: str, buttons: list[dict] | None = None) -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": buttons or []}}


def slot(name: str, value) -> dict:
    return {"event": "slot", "name": name, "value": value}


def tracker(events: list[dict], slots: dict | None = None, sender: str = "telegram-42") -> Tracker:
    latest = next(event for event in reversed(events) if event["event"] == "user")
    message = {"text": latest["text"], "intent": latest["parse_data"]["intent"], "entities": []}
    return Tracker(sender, {"language": "nl", **(slots or {})}, message, events, False, None, {}, "action_listen")


CONSENT = [{"title": "Ja, maak een code", "payload": "/handover_consent"},
           {"title": "Nee, dank je", "payload": "/handover_declined"}]
HELPED = [{"title": "Ja", "payload": payload("feedback_helpful", programme="huurtoeslag")},
          {"title": "Nee", "payload": payload("feedback_not_helpful", programme="huurtoeslag")}]


def run(action, events, slots=None):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker(events, slots), {})
    return dispatcher.messages, result


def test_the_open_question_is_the_residents_own_words_not_the_request_for_a_person():
    events = [user("Kan ik met een Wajong-uitkering huurtoeslag krijgen?", "ask_huurtoeslag"), bot("..."),
              user("ik wil een medewerker", "request_human"), bot("...", CONSENT), user("ja", "affirm")]
    assert open_question(tracker(events)) == "Kan ik met een Wajong-uitkering huurtoeslag krijgen?"
    assert open_question(tracker([user("ik wil een medewerker", "request_human")])) == "ik wil een medewerker"


def test_a_typed_yes_after_the_consent_question_makes_a_handover():
    events = [user("Mijn vraag over de Wajong", "nlu_fallback"), bot("Ik weet het niet", CONSENT), user("ja", "affirm")]
    messages, result = run(ActionYesNo(), events)
    [made] = handover_store().open()
    assert made.question == "Mijn vraag over de Wajong"
    assert made.shown_code in messages[0]["text"] and "14" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/withdraw_handover"
    assert result[0]["name"] == "handover_codes" and result[0]["value"] == [made.code]


def test_a_typed_no_after_the_consent_question_stores_nothing():
    events = [user("Mijn vraag", "nlu_fallback"), bot("Ik weet het niet", CONSENT), user("nee", "deny")]
    messages, _ = run(ActionYesNo(), events)
    assert handover_store().open() == []
    assert messages[0]["response"] == "utter_human_handover"


def test_yes_or_no_without_a_question_before_it_is_no_consent_and_no_feedback():
    events = [user("hallo", "greet"), bot("Hallo! Ik ben Loket."), user("ja", "affirm")]
    messages, _ = run(ActionYesNo(), events)
    assert handover_store().open() == [] and feedback_store().per_topic() == []
    assert "say it another way" in messages[0]["text"] or "anders" in messages[0]["text"]


def test_a_typed_no_after_did_this_help_is_feedback_on_that_topic_and_logs_the_question():
    events = [user("Wat is huurtoeslag?", "ask_huurtoeslag"), bot("Huurtoeslag is ...\n\nHeeft dit geholpen?", HELPED),
              user("nee", "deny")]
    messages, result = run(ActionYesNo(), events)
    [row] = feedback_store().per_topic()
    assert (row.topic, row.not_helpful) == ("huurtoeslag", 1)
    assert [group.label for group in feedback_store().gap_groups()] == ["Wat is huurtoeslag?"]
    assert messages[0]["buttons"][0]["payload"] == "/request_human"
    rating = next(event["value"] for event in result if event.get("name") == "feedback_comment_for")
    # the next message is its optional comment, and only that one
    slot_set = slot("feedback_comment_for", rating)
    comment = user("ik zocht de bedragen voor 2027", "nlu_fallback")
    comment_events = [*events, slot_set, bot(messages[0]["text"]), comment]
    dispatcher = CollectingDispatcher()
    assert take_comment(dispatcher, tracker(comment_events, {"feedback_comment_for": rating})) == \
        [{"event": "slot", "timestamp": None, "name": "feedback_comment_for", "value": None}]
    assert feedback_store().per_topic()[0].comments == ("ik zocht de bedragen voor 2027",)
    assert dispatcher.messages  # "thanks, noted"
    # a message two turns later is not a comment: the action answers it as usual
    later = [*comment_events, bot("..."), user("nog iets anders", "nlu_fallback")]
    dispatcher = CollectingDispatcher()
    assert take_comment(dispatcher, tracker(later, {"feedback_comment_for": rating})) is None
    assert feedback_store().per_topic()[0].comments == ("ik zocht de bedragen voor 2027",) and not dispatcher.messages
    # a topic question right after the "no" is answered as a question, not kept as a comment
    topic = [*events, slot_set, bot(messages[0]["text"]), user("Wat is de Warmtefonds lening?", "ask_warmtefonds")]
    assert take_comment(CollectingDispatcher(), tracker(topic, {"feedback_comment_for": rating})) is None


def test_the_feedback_button_rates_the_topic_in_its_payload():
    events = [user('/feedback_helpful{"programme": "digid_mijnoverheid"}', "feedback_helpful")]
    t = tracker(events)
    t.latest_message["entities"] = [{"entity": "programme", "value": "digid_mijnoverheid"}]
    dispatcher = CollectingDispatcher()
    ActionRecordFeedback().run(dispatcher, t, {})
    assert [(row.topic, row.helpful) for row in feedback_store().per_topic()] == [("digid_mijnoverheid", 1)]


def test_consent_after_a_check_copies_its_answers_and_outcome_in_dutch_and_english():
    events = [user("kan ik huurtoeslag krijgen", "ask_huurtoeslag"), slot("check_scheme", "huurtoeslag"),
              slot("ht_age", 30), slot("ht_rent", 650), slot("check_scheme", None),
              slot("ht_age", None), slot("check_outcome", {"scheme": "huurtoeslag", "eligible": None}),
              bot("Dat kan ik nog niet zeggen.", CONSENT), user("/handover_consent", "handover_consent")]
    run(ActionCreateHandover(), events)
    [made] = handover_store().open()
    assert made.answers.get("age") == "30" and made.answers.get("rent") == "650"
    assert made.outcome["scheme"] == "huurtoeslag" and set(made.outcome["text"]) >= {"nl", "en"}
    assert "huurtoeslag" in made.topics
    assert made.summary["nl"].startswith("Vraag: kan ik huurtoeslag krijgen")
    assert made.summary["en"].startswith("Question: kan ik huurtoeslag krijgen")


def test_forgetting_the_conversation_withdraws_its_handover():
    events = [user("vraag", "nlu_fallback"), bot("...", CONSENT), user("ja", "affirm")]
    _, result = run(ActionYesNo(), events)
    codes = result[0]["value"]
    run(ActionForget(), [user("/forget_confirmed", "forget_confirmed")], {"handover_codes": codes})
    assert handover_store().open() == []

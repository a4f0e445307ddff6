"""bot.rasa_adapters.action_payload: a call of an action the endpoint names carries the
last two user turns, any other the whole session; the endpoints Loket writes name the
actions that read no more, and none that makes a handover or logs a question."""

from __future__ import annotations

import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions.conversation import RECENT_EVENTS_ACTIONS
from bot.rasa_adapters import action_payload
from bot.rasa_adapters.action_payload import RECENT_EVENTS_KEY, recent_start
from bot.tooling.servers import Servers

DOMAIN = Domain.from_dict({"intents": ["ask_topic"], "actions": ["action_answer_topic", "action_create_handover"],
                           "slots": {"topic": {"type": "text", "mappings": [{"type": "custom"}]}}})


def conversation(turns: int) -> DialogueStateTracker:
    events = [SessionStarted(), ActionExecuted("action_listen")]
    for number in range(turns):
        events += [UserUttered(f"vraag {number}", {"name": "ask_topic", "confidence": 1.0}, input_channel="rest"),
                   ActionExecuted("action_answer_topic"), SlotSet("topic", f"onderwerp {number}"),
                   BotUttered(f"antwoord {number}"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("iemand", events, DOMAIN.slots)


def payload(action: str, tracker: DialogueStateTracker, **endpoint: object) -> dict:
    remote = RemoteAction(action, EndpointConfig("http://127.0.0.1:1/webhook", **endpoint))
    return action_payload._action_call_format(remote, tracker, DOMAIN)  # what install() puts in Rasa


def said(body: dict) -> list[str]:
    return [event["text"] for event in body["tracker"]["events"] if event["event"] == "user"]


def test_the_recent_events_start_at_the_user_message_before_the_last():
    tracker = conversation(5)
    events = list(tracker.events)
    assert events[recent_start(tracker.events)].text == "vraag 3"
    assert recent_start(conversation(1).events) == 0  # one user message: everything
    assert recent_start([]) == 0


def test_an_ordinary_action_gets_the_last_two_turns_and_the_whole_state():
    tracker = conversation(40)
    body = payload("action_answer_topic", tracker, **{RECENT_EVENTS_KEY: ["action_answer_topic"]})
    full = action_payload._ORIGINAL(RemoteAction("action_answer_topic", EndpointConfig("http://127.0.0.1:1")),
                                    tracker, DOMAIN)
    assert said(body) == ["vraag 38", "vraag 39"]
    assert body["tracker"]["events"] == full["tracker"]["events"][-10:]
    assert {key: value for key, value in body["tracker"].items() if key != "events"} == \
        {key: value for key, value in full["tracker"].items() if key != "events"}
    assert body["tracker"]["slots"]["topic"] == "onderwerp 39"
    assert len(tracker.events) == 2 + 40 * 5  # the tracker itself is untouched


def test_other_actions_and_endpoints_without_the_key_get_the_whole_session():
    tracker = conversation(40)
    handover = payload("action_create_handover", tracker, **{RECENT_EVENTS_KEY: ["action_answer_topic"]})
    assert len(said(handover)) == 40
    assert len(said(payload("action_answer_topic", tracker))) == 40  # Rasa's own behaviour


def test_loket_names_its_recent_event_actions_in_its_endpoints(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.tooling.servers.VAR_DIR", tmp_path)
    endpoints = yaml.safe_load(Servers(rasa_port=15007, actions_port=15057)._endpoints_file().read_text())
    assert endpoints["action_endpoint"][RECENT_EVENTS_KEY] == list(RECENT_EVENTS_ACTIONS)
    assert "action_answer_topic" in RECENT_EVENTS_ACTIONS
    # these look back through the session (the resident's question, topics, a check's answers)
    assert not {"action_create_handover", "action_yes_no", "action_record_feedback", "action_default_fallback",
                "action_out_of_scope", "action_refer_organisation", "action_report_check"} & set(RECENT_EVENTS_ACTIONS)

def test_the_rasa_server_gets_it_and_the_action_server_does_not():
    import subprocess
    import sys

    import bot.rasa_adapters
    bot.rasa_adapters.install()  # as loading the pipeline in the Rasa server does
    assert RemoteAction._action_call_format is action_payload._action_call_format
    # the action server imports the package without Rasa's core, and stays small
    loaded = subprocess.run([sys.executable, "-c", "import sys, bot.rasa_adapters.action_server; "
                             "print('rasa.core' in sys.modules)"], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"

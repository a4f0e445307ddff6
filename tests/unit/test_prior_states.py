"""bot.rasa_adapters.prior_states gives the policies the same states as Rasa's own
`Domain.states_for_tracker_history`, call after call while a conversation grows, read
back from the store or not, with every kind of event Rasa treats apart in between."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_adapters import prior_states

DOMAIN = Domain.from_dict({
    "intents": ["greet", "ask_topic", "affirm", "deny", "start_check"],
    "entities": ["topic", "island"],
    "slots": {
        "topic": {"type": "text", "influence_conversation": True,
                  "mappings": [{"type": "from_entity", "entity": "topic"}]},
        "island": {"type": "categorical", "values": ["bonaire", "saba"], "mappings": [{"type": "custom"}]},
        "renting": {"type": "bool", "mappings": [{"type": "custom"}]},
        "quiet": {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]},
    },
    "forms": {"check_form": {"required_slots": ["renting"]}},
    "actions": ["action_answer_topic", "action_yes_no", "validate_check_form"],
    "responses": {"utter_greet": [{"text": "Hallo"}]},
})
ORIGINAL = prior_states._ORIGINAL
# The ways Rasa 3.6's policies ask: plain, and RulePolicy / MemoizationPolicy with rule-only turns left out.
ASKINGS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": {"slots": ["island"], "active_loops": ["check_form"]}},
    {"ignore_rule_only_turns": True, "rule_only_data": None},
]
ACTIONS = ["action_listen", "action_answer_topic", "action_yes_no", "utter_greet", "check_form",
           "action_session_start"]


def same_as_rasa(tracker: DialogueStateTracker) -> None:
    for asking in ASKINGS:
        expected = ORIGINAL(DOMAIN, tracker, **asking)
        got = prior_states.states_for_tracker_history(DOMAIN, tracker, **asking)
        assert got == expected, asking
        for state in got:  # as Rasa's featurizers do to what they get
            for sub_state in state.values():
                sub_state.clear()


def read_back(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker as the tracker store returns it: every event made again from its JSON."""
    return DialogueStateTracker.from_dict(tracker.sender_id, [json.loads(json.dumps(event.as_dict()))
                                                              for event in tracker.events], DOMAIN.slots)


def user(intent: str, **entities: str) -> UserUttered:
    found = [{"entity": name, "value": value, "start": 0, "end": 1} for name, value in entities.items()]
    text = f"{intent} {entities}"
    # as Rasa's NLU leaves it: token offsets as tuples, which the store's JSON makes lists
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": found,
                  "text_tokens": [(0, len(intent))]}
    return UserUttered(text, parse_data["intent"], found, parse_data)


def turn(intent: str, action: str, **entities: str) -> list[Event]:
    return [user(intent, **entities), *[SlotSet(name, value) for name, value in entities.items()],
            ActionExecuted(action), BotUttered("antwoord"), ActionExecuted("action_listen")]


@pytest.fixture(autouse=True)
def forget_between_tests():
    prior_states._remembered.clear()
    yield
    prior_states._remembered.clear()


def test_a_growing_conversation_gets_rasas_states_and_is_not_replayed_again(monkeypatch):
    tracker = DialogueStateTracker.from_events("lang", [ActionExecuted("action_session_start"), SessionStarted(),
                                                        ActionExecuted("action_listen")], DOMAIN.slots)
    replays: list[int] = []
    original_applied = DialogueStateTracker.applied_events

    def counted(self):
        replays.append(len(self.events))
        return original_applied(self)

    for number in range(40):
        if number == 39:
            monkeypatch.setattr(DialogueStateTracker, "applied_events", counted)
        tracker = read_back(tracker)  # each turn reads the conversation from the store
        for event in turn("ask_topic", "action_answer_topic", topic=f"onderwerp-{number % 4}"):
            tracker.update(event)
            if isinstance(event, (UserUttered, BotUttered)):  # Rasa predicts during the turn
                same_as_rasa(tracker)
    # in the last turn Rasa's replay ran only for the original (once per way of asking and
    # call), never for the new code
    assert len(replays) == 2 * len(ASKINGS)
    assert len(tracker.events) == 3 + 40 * 5


@pytest.mark.parametrize("interruption", [
    [UserUtteranceReverted()],
    [ActionReverted()],
    [Restarted(), ActionExecuted("action_listen")],
    [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
    [ActionExecuted("check_form"), ActiveLoop("check_form"), SlotSet("requested_slot", "renting")],
    [FollowupAction("action_answer_topic")],
    [LoopInterrupted(True)],
    [ActionExecutionRejected("check_form")],
])
def test_events_that_rasa_treats_apart_give_rasas_states(interruption):
    tracker = DialogueStateTracker("apart", DOMAIN.slots)
    for event in turn("greet", "utter_greet") + turn("ask_topic", "action_answer_topic", topic="digid"):
        tracker.update(event)
    same_as_rasa(tracker)
    for event in interruption + turn("start_check", "check_form") + turn("deny", "action_yes_no"):
        tracker.update(event)
        same_as_rasa(tracker)


EVENTS = st.one_of(
    st.builds(user, st.sampled_from(["greet", "ask_topic", "affirm", "deny", "start_check"])),
    st.builds(lambda name, topic: user(name, topic=topic), st.sampled_from(["ask_topic", "deny"]),
              st.sampled_from(["huurtoeslag", "digid"])),
    st.builds(lambda action, hide: ActionExecuted(action, hide_rule_turn=hide), st.sampled_from(ACTIONS),
              st.booleans()),
    st.builds(SlotSet, st.sampled_from(["topic", "island", "renting", "quiet", "requested_slot"]),
              st.sampled_from([None, "bonaire", "saba", True, False, "x"])),
    st.builds(ActiveLoop, st.sampled_from(["check_form", None])),
    st.builds(BotUttered, st.just("antwoord")),
    st.sampled_from([UserUtteranceReverted(), ActionReverted(), Restarted(), SessionStarted(),
                     LoopInterrupted(True), LoopInterrupted(False), ActionExecutionRejected("check_form"),
                     FollowupAction("action_answer_topic")]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(EVENTS, st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_any_conversation_gets_rasas_states_at_every_step(steps):
    prior_states._remembered.clear()
    tracker = DialogueStateTracker("fuzz", DOMAIN.slots)
    for event, ask, store in steps:
        tracker.update(copy.deepcopy(event))
        if store:
            tracker = read_back(tracker)
        if ask:
            same_as_rasa(tracker)
    same_as_rasa(tracker)


def test_a_deleted_conversation_is_not_kept(tmp_path):
    from bot.rasa_adapters.session_cache import CachingSQLTrackerStore

    tracker = DialogueStateTracker("weg", DOMAIN.slots)
    for event in turn("ask_topic", "action_answer_topic", topic="digid"):
        tracker.update(event)
    same_as_rasa(tracker)
    assert "weg" in prior_states._remembered[id(DOMAIN)].keys()
    store = CachingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    store.evict("weg")  # as bot.channels.forgetting does after deleting the rows
    store.engine.dispose()
    assert "weg" not in prior_states._remembered[id(DOMAIN)].keys()


def test_training_trackers_are_left_to_rasa(monkeypatch):
    from rasa.shared.core.generator import TrackerWithCachedStates

    calls: list[object] = []
    monkeypatch.setattr(prior_states, "_ORIGINAL", lambda domain, tracker, *args: calls.append(tracker) or [])
    training = TrackerWithCachedStates("story", DOMAIN.slots, domain=DOMAIN)
    assert prior_states.states_for_tracker_history(DOMAIN, training) == [] and calls == [training]

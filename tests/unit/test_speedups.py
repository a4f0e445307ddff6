"""The caches Loket installs in the Rasa server (bot/rasa_adapters/speedups.py, issue 13)."""

from __future__ import annotations

import jsonschema
import pytest

from bot.rasa_adapters import speedups

SCHEMA = {"type": "object", "properties": {"events": {"type": "array", "items": {"type": "object"}}},
          "required": ["events"]}


def fresh_schema() -> dict:
    # Rasa builds its schema anew on every call: equal content, another object.
    return {"type": "object", "properties": {"events": {"type": "array", "items": {"type": "object"}}},
            "required": ["events"]}


def test_valid_and_invalid_instances_behave_as_jsonschema_validate() -> None:
    speedups.validate({"events": [{}]}, fresh_schema())
    for bad in ({"events": [1]}, {}, {"events": "x"}):
        with pytest.raises(jsonschema.ValidationError) as ours:
            speedups.validate(bad, fresh_schema())
        with pytest.raises(jsonschema.ValidationError) as theirs:
            speedups._ORIGINAL_VALIDATE(bad, fresh_schema())
        assert ours.value.message == theirs.value.message
        assert list(ours.value.path) == list(theirs.value.path)


def test_a_schema_is_checked_and_compiled_once_whatever_object_holds_it() -> None:
    speedups._validator.cache_clear()
    for _ in range(5):
        speedups.validate({"events": []}, fresh_schema())
    info = speedups._validator.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_a_broken_schema_is_refused() -> None:
    with pytest.raises(jsonschema.SchemaError):
        speedups.validate({}, {"type": "no such type"})


def test_rasa_validates_action_responses_with_the_cached_validator() -> None:
    from rasa.core.actions.action import RemoteAction

    import bot.rasa_adapters
    bot.rasa_adapters.install()  # as loading the pipeline in the Rasa server does

    assert jsonschema.validate is speedups.validate
    action = RemoteAction("action_answer_topic", None)
    speedups._validator.cache_clear()
    assert action._validate_action_result({"events": [{"event": "slot", "name": "topic", "value": "huurtoeslag"}],
                                           "responses": [{"text": "Hallo"}]})
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": [{"event": "no such event"}]})
    assert speedups._validator.cache_info().hits >= 2


def test_events_resolve_to_the_same_classes_as_rasas_own_lookup() -> None:
    from rasa.shared.core import events

    import bot.rasa_adapters
    bot.rasa_adapters.install()

    names = {cls.type_name for cls in events.rasa.shared.utils.common.all_subclasses(events.Event)}
    assert len(names) > 20
    for name in sorted(names):
        assert events.Event.resolve_by_type(name) is speedups._ORIGINAL_RESOLVE(name)
        assert events.Event.resolve_by_type(name) is events.Event.resolve_by_type(name)  # from the cache
    assert events.Event.resolve_by_type("topic") is None  # Rasa's old TopicSet, unchanged
    assert events.Event.resolve_by_type("no such event", events.UserUttered) is events.UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        events.Event.resolve_by_type("no such event")
    assert "no such event" not in speedups._event_classes


def test_a_tracker_reads_back_the_same_with_the_cache() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    import bot.rasa_adapters

    bot.rasa_adapters.install()
    stored = [{"event": "session_started"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "Wat is huurtoeslag?", "parse_data": {"intent": {"name": "ask_huurtoeslag"}}},
              {"event": "slot", "name": "topic", "value": "huurtoeslag"}, {"event": "bot", "text": "Huurtoeslag is"}]
    tracker = DialogueStateTracker.from_dict("someone", stored, [])
    assert [type(event).__name__ for event in tracker.events] == \
        ["SessionStarted", "ActionExecuted", "UserUttered", "SlotSet", "BotUttered"]

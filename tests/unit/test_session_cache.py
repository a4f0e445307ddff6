"""bot.rasa_adapters.session_cache: the tracker store that reads back only new rows gives
Rasa the same trackers as Rasa's own SQLTrackerStore, on SQLite and PostgreSQL, with
other writers (a second replica, a deletion, a new session) in between."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.channels.forgetting import forget_conversation
from bot.rasa_adapters import recent, session_cache
from bot.rasa_adapters.session_cache import CachingSQLTrackerStore
from bot.tooling.servers import tracker_store_config

DOMAIN = Domain.from_dict({
    "intents": ["greet", "ask_topic"],
    "slots": {"topic": {"type": "text", "mappings": [{"type": "custom"}]},
              "language": {"type": "text", "mappings": [{"type": "custom"}]}},
})


def make_store(url: str) -> SQLTrackerStore:
    """A store as Rasa makes it from the endpoint config Loket writes for `url`."""
    store = TrackerStore.create(EndpointConfig.from_dict(tracker_store_config(url)), domain=DOMAIN)
    while hasattr(store, "_tracker_store"):  # Rasa's fail-safe and awaitable wrappers
        store = store._tracker_store
    return store


def plain_store(url: str) -> SQLTrackerStore:
    config = {key: value for key, value in tracker_store_config(url).items() if key != "type"}
    config["host"] = config.pop("url", None)
    return SQLTrackerStore(DOMAIN, **config)


def turn(number: int, topic: str = "huurtoeslag") -> list[Event]:
    return [UserUttered(f"vraag {number}", intent={"name": "ask_topic", "confidence": 0.9},
                        parse_data={"text": f"vraag {number}", "intent": {"name": "ask_topic", "confidence": 0.9},
                                    "entities": [], "intent_ranking": []}),
            SlotSet("language", "nl"), ActionExecuted("action_answer_topic"),
            BotUttered(f"antwoord {number}", {"buttons": [{"title": "Ja", "payload": "/affirm"}]}),
            SlotSet("topic", topic), ActionExecuted("action_listen")]


def session_start() -> list[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


async def add_turn(store: SQLTrackerStore, sender: str, number: int, topic: str = "huurtoeslag") -> None:
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(sender, session_start(), DOMAIN.slots)
    for event in turn(number, topic):
        tracker.update(event)
    await store.save(tracker)


def same(left: DialogueStateTracker | None, right: DialogueStateTracker | None) -> None:
    assert left is not None and right is not None
    assert left.current_state() == right.current_state()
    assert [event.as_dict() for event in left.events] == [event.as_dict() for event in right.events]
    assert left.current_slot_values() == right.current_slot_values()


def dispose(*stores: SQLTrackerStore) -> None:
    for store in stores:
        store.engine.dispose()


def test_loket_configures_the_caching_store_and_rasa_makes_it(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 'tracker.db'}")
    try:
        assert type(store) is CachingSQLTrackerStore  # not Rasa's silent in-memory fallback
    finally:
        dispose(store)


def test_every_read_gives_what_rasa_reads(database_backend_url):
    cached, rasa = make_store(database_backend_url), plain_store(database_backend_url)
    try:
        for number in range(1, 13):
            asyncio.run(add_turn(cached, "gesprek", number, topic=f"onderwerp-{number % 3}"))
            same(asyncio.run(cached.retrieve("gesprek")), asyncio.run(rasa.retrieve("gesprek")))
        tracker = asyncio.run(cached.retrieve("gesprek"))
        assert tracker.get_slot("topic") == "onderwerp-0"
        assert tracker.latest_message.text == "vraag 12"
        assert asyncio.run(cached.retrieve("niemand")) is None
        same(asyncio.run(cached.retrieve_full_tracker("gesprek")), asyncio.run(rasa.retrieve_full_tracker("gesprek")))
    finally:
        dispose(cached, rasa)


def test_a_read_parses_only_the_rows_stored_since_the_last(database_backend_url, monkeypatch):
    store = make_store(database_backend_url)
    parsed: list[str] = []
    original = Event.from_parameters

    def counting(parameters, *args, **kwargs):
        parsed.append(parameters.get("event"))
        return original(parameters, *args, **kwargs)

    try:
        for number in range(1, 21):
            asyncio.run(add_turn(store, "lang", number))
        asyncio.run(store.retrieve("lang"))  # has read what the last turn saved
        monkeypatch.setattr(session_cache.Event, "from_parameters", staticmethod(counting))
        tracker = asyncio.run(store.retrieve("lang"))
        # Rasa's session starts at SessionStarted: action_session_start is just before it
        assert parsed == [] and len(tracker.events) == 2 + 20 * 6
        asyncio.run(add_turn(store, "lang", 21))
        assert parsed == []
        assert len(asyncio.run(store.retrieve("lang")).events) == 2 + 21 * 6
        assert parsed == ["user", "slot", "action", "bot", "slot", "action"]
    finally:
        dispose(store)


def test_rows_written_by_another_replica_are_read(database_backend_url):
    one, other = make_store(database_backend_url), make_store(database_backend_url)
    try:
        asyncio.run(add_turn(one, "gedeeld", 1))
        asyncio.run(add_turn(other, "gedeeld", 2, topic="warmtefonds"))
        asyncio.run(add_turn(one, "gedeeld", 3, topic="digid"))
        asyncio.run(add_turn(other, "gedeeld", 4, topic="regiodeal"))
        first, second = asyncio.run(one.retrieve("gedeeld")), asyncio.run(other.retrieve("gedeeld"))
        same(first, second)
        assert [event.text for event in first.events if isinstance(event, UserUttered)] == \
            ["vraag 1", "vraag 2", "vraag 3", "vraag 4"]
        assert first.get_slot("topic") == "regiodeal"
    finally:
        dispose(one, other)


def test_a_deleted_conversation_is_gone_for_every_replica(database_backend_url):
    one, other = make_store(database_backend_url), make_store(database_backend_url)
    try:
        for number in range(1, 4):
            asyncio.run(add_turn(one, "weg", number))
        assert asyncio.run(other.retrieve("weg")) is not None  # the other one keeps it too
        assert forget_conversation(one, "weg") == 3 + 3 * 6
        assert asyncio.run(one.retrieve("weg")) is None and asyncio.run(other.retrieve("weg")) is None
        asyncio.run(add_turn(other, "weg", 7))  # a new conversation under the same id
        tracker = asyncio.run(one.retrieve("weg"))
        assert [event.text for event in tracker.events if isinstance(event, UserUttered)] == ["vraag 7"]
    finally:
        dispose(one, other)


def test_a_new_session_is_read_as_rasa_reads_it(database_backend_url):
    cached, rasa = make_store(database_backend_url), plain_store(database_backend_url)
    try:
        asyncio.run(add_turn(cached, "sessies", 1))
        tracker = asyncio.run(cached.retrieve("sessies"))
        time.sleep(0.01)  # the session starts after the earlier events, by timestamp
        for event in [*session_start(), *turn(2, topic="digid")]:
            tracker.update(event)
        asyncio.run(cached.save(tracker))
        after = asyncio.run(cached.retrieve("sessies"))
        same(after, asyncio.run(rasa.retrieve("sessies")))
        assert [event.text for event in after.events if isinstance(event, UserUttered)] == ["vraag 2"]
    finally:
        dispose(cached, rasa)


def test_what_is_kept_is_bounded_in_number_and_time(tmp_path, monkeypatch):
    store = make_store(f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setattr(recent, "MAX_CONVERSATIONS", 3)
    try:
        for sender in ("a", "b", "c", "d"):
            asyncio.run(add_turn(store, sender, 1))
            asyncio.run(store.retrieve(sender))
        assert store._sessions.keys() == ["b", "c", "d"]
        now = time.monotonic()
        monkeypatch.setattr(recent.time, "monotonic", lambda: now + recent.IDLE_SECONDS + 1)
        assert asyncio.run(store.retrieve("b")) is not None  # read in full again
        assert store._sessions.keys() == ["b"]
        store.evict("b")
        assert store._sessions.keys() == []
    finally:
        dispose(store)


@pytest.mark.parametrize("kept", [True, False])
def test_a_failed_turn_leaves_nothing_behind(tmp_path, kept):
    """Rasa changes the tracker it got during a turn; when the turn fails before `save`,
    the next read must not show those changes."""
    store = make_store(f"sqlite:///{tmp_path / 'tracker.db'}")
    try:
        asyncio.run(add_turn(store, "mislukt", 1))
        tracker = asyncio.run(store.retrieve("mislukt"))
        tracker.update(UserUttered("niet bewaard"))
        tracker.update(SlotSet("topic", "verloren"))
        if kept:
            asyncio.run(add_turn(store, "mislukt", 2))
        again = asyncio.run(store.retrieve("mislukt"))
        assert "niet bewaard" not in [event.text for event in again.events if isinstance(event, UserUttered)]
        assert again.get_slot("topic") == "huurtoeslag"
    finally:
        dispose(store)

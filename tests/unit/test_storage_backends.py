"""What Loket stores works on SQLite and on PostgreSQL alike: the knowledge base (through
bot.knowledge.store) and the conversations (through Rasa's SQLTrackerStore, configured from
a URL as bot/tooling/servers.py configures it).

`database_backend_url` (tests/postgres.py) runs each test on both backends; its postgresql
case is marked `postgres` and needs the local server that scripts/postgres starts.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import column, create_engine, func, select, table, text
from sqlalchemy.engine import make_url

from bot.knowledge import KnowledgeBase, load_valid_knowledge
from bot.knowledge.store import facts, load_knowledge, make_engine, save_knowledge, topics
from bot.tooling.servers import tracker_store_config

EVENTS = table("events", column("id"), column("sender_id"), column("type_name"), column("intent_name"))


@pytest.fixture(scope="module")
def knowledge_base() -> KnowledgeBase:
    return load_valid_knowledge()


def backend(url: str) -> str:
    return make_url(url).get_backend_name()


# --- the knowledge base -------------------------------------------------------------


def test_the_knowledge_base_round_trips(database_backend_url, knowledge_base):
    engine = make_engine(database_backend_url)
    try:
        assert engine.dialect.name == backend(database_backend_url)
        save_knowledge(engine, knowledge_base)
        loaded = load_knowledge(engine)
        with engine.connect() as connection:
            stored_facts = connection.scalar(select(func.count()).select_from(facts))
            stored_topics = connection.scalar(select(func.count()).select_from(topics))
    finally:
        engine.dispose()
    fact_count = sum(len(topic.facts) for topic in knowledge_base.topics.values())
    assert fact_count > 0
    assert list(loaded.topics) == list(knowledge_base.topics)  # same keys, same order
    assert sum(len(topic.facts) for topic in loaded.topics.values()) == fact_count
    assert (stored_topics, stored_facts) == (len(knowledge_base.topics), fact_count)
    assert loaded == knowledge_base


def test_saving_the_knowledge_base_again_replaces_it(database_backend_url, knowledge_base):
    engine = make_engine(database_backend_url)
    try:
        save_knowledge(engine, knowledge_base)
        save_knowledge(engine, knowledge_base)
        loaded = load_knowledge(engine)
        with engine.connect() as connection:
            stored_facts = connection.scalar(select(func.count()).select_from(facts))
    finally:
        engine.dispose()
    assert stored_facts == sum(len(topic.facts) for topic in knowledge_base.topics.values())
    assert loaded == knowledge_base


# --- Rasa's tracker store -----------------------------------------------------------


def tracker_store(url: str, **extra: object) -> SQLTrackerStore:
    """Rasa's tracker store, made by Rasa from the endpoint config Loket writes for `url`."""
    endpoint = EndpointConfig.from_dict({**tracker_store_config(url), **extra})
    store = TrackerStore.create(endpoint, domain=Domain.empty())
    assert isinstance(store, SQLTrackerStore)
    return store


def conversation(sender: str, *turns: tuple[str, str, str]) -> DialogueStateTracker:
    events = [SessionStarted(timestamp=time.time()), ActionExecuted("action_listen")]
    for said, intent, answer in turns:
        events += [
            UserUttered(said, intent={"name": intent, "confidence": 1.0}),
            BotUttered(answer),
            ActionExecuted("action_listen"),
        ]
    return DialogueStateTracker.from_events(sender, events)


def stored_events(url: str, sender: str) -> list[tuple[str, str | None]]:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(EVENTS.c.type_name, EVENTS.c.intent_name).where(EVENTS.c.sender_id == sender)
                .order_by(EVENTS.c.id)
            )
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def said(tracker: DialogueStateTracker) -> list[tuple[str, str]]:
    return [(event.type_name, event.text) for event in tracker.events if isinstance(event, UserUttered | BotUttered)]


def test_rasa_saves_and_retrieves_a_conversation(database_backend_url):
    store = tracker_store(database_backend_url)
    try:
        assert store.engine.dialect.name == backend(database_backend_url)
        tracker = conversation("gesprek-1", ("Hallo", "greet", "Goedendag!"),
                               ("Wat is huurtoeslag?", "ask_topic", "Huurtoeslag is ..."))
        asyncio.run(store.save(tracker))
        retrieved = asyncio.run(store.retrieve("gesprek-1"))
        unknown = asyncio.run(store.retrieve("niemand"))
    finally:
        store.engine.dispose()
    assert retrieved is not None and unknown is None
    assert said(retrieved) == [("user", "Hallo"), ("bot", "Goedendag!"),
                               ("user", "Wat is huurtoeslag?"), ("bot", "Huurtoeslag is ...")]
    assert [event.intent_name for event in retrieved.events if isinstance(event, UserUttered)] == ["greet", "ask_topic"]
    assert stored_events(database_backend_url, "gesprek-1") == [
        ("session_started", None), ("action", None),
        ("user", "greet"), ("bot", None), ("action", None),
        ("user", "ask_topic"), ("bot", None), ("action", None),
    ]


def test_rasa_stores_only_the_new_events_of_a_conversation(database_backend_url):
    store = tracker_store(database_backend_url)
    try:
        tracker = conversation("gesprek-2", ("Hallo", "greet", "Goedendag!"))
        asyncio.run(store.save(tracker))
        tracker.update(UserUttered("Dank je", intent={"name": "thank", "confidence": 1.0}))
        tracker.update(BotUttered("Graag gedaan."))
        asyncio.run(store.save(tracker))
        asyncio.run(store.save(conversation("gesprek-3", ("Bon dia", "greet", "Bon dia!"))))
        retrieved = asyncio.run(store.retrieve("gesprek-2"))
        senders = asyncio.run(store.keys())
    finally:
        store.engine.dispose()
    assert len(stored_events(database_backend_url, "gesprek-2")) == len(tracker.events) == 7
    assert len(stored_events(database_backend_url, "gesprek-3")) == 5
    assert sorted(senders) == ["gesprek-2", "gesprek-3"]
    assert said(retrieved)[-2:] == [("user", "Dank je"), ("bot", "Graag gedaan.")]


@pytest.mark.postgres
def test_rasa_creates_its_postgresql_database_itself(postgres_url):
    """With `login_db`, Rasa first connects to that database and creates its own; the
    local server's user may do that."""
    name = f"loket_tracker_{uuid.uuid4().hex[:12]}"
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(make_url(postgres_url).set(database="postgres"), future=True,
                          isolation_level="AUTOCOMMIT")
    try:
        store = tracker_store(url, login_db="postgres")
        try:
            asyncio.run(store.save(conversation("gesprek-4", ("Hello", "greet", "Hi!"))))
            assert store.engine.url.database == name
        finally:
            store.engine.dispose()
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name})
        assert exists == 1
        assert len(stored_events(url, "gesprek-4")) == 5
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

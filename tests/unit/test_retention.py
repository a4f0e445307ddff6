"""Retention and forgetting on Rasa's own SQL tracker store, on SQLite and PostgreSQL:
rows written by Rasa, backdated, deleted by Loket, counted afterwards."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from bot.privacy.retention import SECONDS_PER_DAY, count_events, forget, purge
from bot.tooling.servers import tracker_store_config

pytestmark = pytest.mark.slow  # imports Rasa


@pytest.fixture
def tracker_url(database_backend_url) -> str:
    """An empty conversation store, on SQLite and on PostgreSQL in turn."""
    return database_backend_url


@pytest.fixture
def store(tracker_url):
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    # As Rasa builds it from endpoints.yml: the endpoint's `url` is the store's `host`.
    config = {("host" if key == "url" else key): value
              for key, value in tracker_store_config(tracker_url).items() if key != "type"}
    store = SQLTrackerStore(Domain.empty(), **config)

    def save(sender: str, days_ago: float, turns: int = 3) -> None:
        from rasa.shared.core.events import BotUttered, UserUttered
        from rasa.shared.core.trackers import DialogueStateTracker

        tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, slots=[])
        stamp = time.time() - days_ago * SECONDS_PER_DAY
        for turn in range(turns):
            tracker.update(UserUttered(f"vraag {turn}", timestamp=stamp + turn))
            tracker.update(BotUttered(f"antwoord {turn}", timestamp=stamp + turn + 0.5))
        asyncio.run(store.save(tracker))

    return save


def test_purge_deletes_only_conversations_whose_last_message_is_old(store, tracker_url):
    store("widget-old", days_ago=45)
    store("telegram-old", days_ago=31)
    store("widget-recent", days_ago=2)
    engine = create_engine(tracker_url, future=True)
    assert count_events(engine, "widget-old") == 6
    removed = purge(engine, older_than_days=30)
    assert (removed.conversations, removed.events) == (2, 12)
    with engine.connect() as connection:
        left = set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
    assert left == {"widget-recent"}
    assert purge(engine, older_than_days=30).conversations == 0  # nothing left to do


def test_a_conversation_with_a_recent_message_is_kept_whole(store, tracker_url):
    store("widget-mixed", days_ago=60)
    store("widget-mixed", days_ago=1)  # the same conversation went on yesterday
    engine = create_engine(tracker_url, future=True)
    assert purge(engine, older_than_days=30).conversations == 0
    assert count_events(engine, "widget-mixed") > 0


def test_forget_deletes_one_conversation_and_no_other(store, tracker_url):
    store("widget-a", days_ago=0)
    store("widget-b", days_ago=0)
    engine = create_engine(tracker_url, future=True)
    assert forget(engine, "widget-a") == 6
    assert count_events(engine, "widget-a") == 0 and count_events(engine, "widget-b") == 6


def test_an_empty_store_is_not_an_error(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'none.db'}", future=True)
    assert purge(engine, 30).events == 0 and forget(engine, "x") == 0

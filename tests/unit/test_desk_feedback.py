"""Feedback and "Wat Loket niet wist": redacted, no user identifier, per topic, grouped,
and deleted after their own retention period."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from bot.desk import Feedback

DAY = 86_400


@pytest.fixture
def store(desk_db, clock):
    return Feedback(desk_db, days=365, clock=clock)


def test_ratings_give_the_share_helpful_per_topic_least_helpful_first(store):
    for helpful in (True, True, True, False):
        store.rate("huurtoeslag", "nl", helpful)
    store.rate("digid_mijnoverheid", "en", False)
    rows = store.per_topic()
    assert [row.topic for row in rows] == ["digid_mijnoverheid", "huurtoeslag"]
    assert (rows[1].helpful, rows[1].not_helpful, rows[1].share_helpful) == (3, 1, 0.75)


def test_a_comment_is_redacted_and_only_one_per_rating(store):
    token = store.rate("huurtoeslag", "nl", False)
    assert store.rate("huurtoeslag", "nl", True) is None  # a yes asks for no comment
    assert store.comment(token, "Ik zocht mijn aanslag, BSN 111222333, bel 0612345678")
    assert not store.comment(token, "a second one")
    assert not store.comment("no-such-token", "no such rating")
    [row] = store.per_topic()
    assert "111222333" not in row.comments[0] and "0612345678" not in row.comments[0]
    assert row.comments[0].startswith("Ik zocht mijn aanslag")


def test_nothing_identifies_a_user(store, clock):
    columns = {column["name"] for table in ("desk_feedback", "desk_gaps")
               for column in inspect(store._engine).get_columns(table)}
    assert not columns & {"sender", "sender_id", "user", "user_id", "conversation", "chat_id", "ip"}
    clock.now += 12 * 3600 + 17.25  # stored to the day, so no time matches a conversation's events
    token = store.rate("huurtoeslag", "nl", False)
    store.gap("parkeervergunning", "nl", "out_of_scope")
    with store._engine.connect() as connection:
        times = [row[0] for table in ("desk_feedback", "desk_gaps")
                 for row in connection.exec_driver_sql(f"SELECT at FROM {table}")]
    assert times and all(at % 86_400 == 0 for at in times)
    assert store.comment(token, "ik zocht iets anders")
    with store._engine.connect() as connection:  # the token is gone once used
        assert connection.exec_driver_sql("SELECT comment_token FROM desk_feedback").scalar() is None


def test_unanswered_questions_are_grouped_and_can_be_marked_added(store):
    for text in ("Hoe vraag ik een parkeervergunning aan?", "parkeervergunning aanvragen",
                 "hoe krijg ik een parkeervergunning", "Wanneer wordt het grofvuil opgehaald?"):
        store.gap(text, "nl", "fallback")
    store.gap("/ask_huurtoeslag", "nl", "fallback")  # a payload is no question
    groups = store.gap_groups()
    assert [group.count for group in groups] == [3, 1]
    assert store.mark_added(groups[0].ids) == 3
    assert [group.count for group in store.gap_groups()] == [1]
    assert sum(group.count for group in store.gap_groups(include_added=True)) == 4


def test_a_gap_needs_a_known_reason(store):
    with pytest.raises(ValueError, match="fallback"):
        store.gap("iets", "nl", "because")


def test_feedback_and_questions_are_deleted_after_their_period(store, clock):
    store.rate("huurtoeslag", "nl", True)
    store.gap("parkeervergunning", "nl", "out_of_scope")
    clock.now += 364 * DAY
    assert store.purge() == 0
    clock.now += 2 * DAY
    assert store.purge() == 2
    assert store.per_topic() == [] and store.gap_groups() == []

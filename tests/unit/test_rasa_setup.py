"""How Loket sets Rasa up for speed and for several servers (issue 13): the language of
responses without an action call, the endpoints Rasa is given, SQLite in WAL mode."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.messages import NO_REPLY, no_reply, reply_language
from bot.i18n import gettext
from bot.settings import PROJECT_DIR
from bot.tooling.servers import Servers, lock_store_config


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_DIR / "domain"))


def greeting(domain: Domain, **slots: str | None) -> str:
    tracker = DialogueStateTracker.from_dict("someone", [], domain.slots)
    for name, value in slots.items():
        tracker.slots[name].value = value
    generator = TemplatedNaturalLanguageGenerator(domain.responses)
    generated = asyncio.run(generator.generate("utter_greet", tracker, "rest"))
    return generated["text"]


@pytest.mark.parametrize("slots, language", [
    ({}, "nl"),
    ({"language": "pap"}, "pap"),
    ({"language": "en"}, "en"),
    ({"language_choice": "en", "language": "pap"}, "en"),  # the choice wins over the last message
    ({"language_choice": "nl", "language": "pap"}, "nl"),
    ({"language_choice": "pap", "language": None}, "pap"),
])
def test_rasa_picks_the_response_in_the_conversations_language(domain, slots, language):
    assert greeting(domain, **slots) == gettext(language, "Hello! I'm Loket. Ask me about housing, rent benefit, "
                                                          "energy, DigiD or other government schemes.")
    assert reply_language(slots) == language  # the channels' and actions' rule is the same


def test_no_action_runs_on_every_turn(domain):
    # action_validate_slot_mappings, or a custom mapping naming an action, would be a
    # round trip to the action server before every answer
    assert "action_validate_slot_mappings" not in domain.user_actions
    assert not [slot.name for slot in domain.slots for mapping in slot.mappings if mapping.get("action")]
    assert domain.slots_for_entities  # the language slot is filled from the entity by Rasa
    language = next(slot for slot in domain.slots if slot.name == "language")
    assert language.mappings == [{"type": "from_entity", "entity": "language"}]


def test_only_the_form_validators_are_sent_the_domain(domain):
    needing = [name for name in domain.user_actions if domain.does_custom_action_explicitly_need_domain(name)]
    assert needing == ["validate_huurtoeslag_form", "validate_warmtefonds_form"]


def test_the_endpoints_ask_for_a_selective_domain_and_the_redis_lock_store(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.tooling.servers.VAR_DIR", tmp_path)
    servers = Servers(rasa_port=15005, actions_port=15055, lock_store_url="redis://:secret@127.0.0.1:6390/2")
    endpoints = yaml.safe_load(servers._endpoints_file().read_text())
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True
    assert endpoints["lock_store"] == {"type": "redis", "url": "127.0.0.1", "port": 6390, "db": 2,
                                       "key_prefix": "loket", "password": "${LOKET_LOCK_STORE_PASSWORD}"}
    assert "secret" not in servers._endpoints_file().read_text()
    environment = servers._environment()
    assert environment["LOKET_LOCK_STORE_PASSWORD"] == "secret"
    assert environment["TICKET_LOCK_LIFETIME"] == "10"
    assert "lock_store" not in yaml.safe_load(Servers(rasa_port=15006, lock_store_url=None)._endpoints_file()
                                              .read_text())


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "redis://", "127.0.0.1:6379"])
def test_a_lock_store_url_that_is_not_redis_is_refused(url):
    with pytest.raises(ValueError, match="redis://"):
        lock_store_config(url)


def test_the_apology_for_a_turn_without_reply_is_in_every_language():
    texts = {language: no_reply(language) for language in ("nl", "pap", "en")}
    assert texts["en"] == NO_REPLY and len(set(texts.values())) == 3


def test_rasas_sqlite_tracker_store_runs_in_wal_mode(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy import text

    import bot.rasa_adapters
    bot.rasa_adapters.install()  # as loading the pipeline in the Rasa server does

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    asyncio.run(store.save(DialogueStateTracker.from_dict("someone", [{"event": "action", "name": "action_listen"}],
                                                          [])))
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    assert asyncio.run(store.retrieve("someone")) is not None

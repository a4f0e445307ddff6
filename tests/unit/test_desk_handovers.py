"""Handovers: codes a resident can read out, what is stored (redacted, copied at consent
time), expiry, withdrawal, and a database apart from the one `loket build` rebuilds."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect

from bot.desk import CODE_ALPHABET, BadCode, Draft, Handovers, Line, Outcome, desk_engine, dispose_engines, parse_code
from bot.desk import handovers as handover_module
from bot.desk.handovers import new_code, shown
from bot.knowledge.store import make_engine, save_knowledge

DAY = 86_400


@pytest.fixture
def store(desk_db, clock) -> Handovers:
    return Handovers(desk_db, days=14, clock=clock)


def draft(**changes) -> Draft:
    values = dict(
        language="pap", channel="telegram", question="Mi hür ta 800 dollar, mi por haña yudansa?",
        topics=("cn_huurondersteuning",), place="bonaire", answers={"age": "30", "rent": "800"},
        outcome=Outcome("huurtoeslag", None, {"pap": "Mi no por bisa ainda.", "nl": "Dat kan ik nog niet zeggen."}),
        transcript=(Line("user", "Mi hür ta 800 dollar"), Line("bot", "Mi por pasa bo pregunta ...")),
    )
    values.update(changes)
    return Draft(**values)


def test_a_code_has_six_characters_of_the_alphabet_without_look_alikes():
    codes = {new_code() for _ in range(2000)}
    assert all(len(code) == 6 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("01IO") & set(CODE_ALPHABET)
    assert len(codes) > 1990  # random, not a counter
    assert re.fullmatch(r"[A-Z2-9]{3}-[A-Z2-9]{3}", shown("ABC234"))


@pytest.mark.parametrize("typed", ["ABC-234", "abc-234", " abc 234 ", "ABC234", "abc–234", "a.b.c.2.3.4"])
def test_a_code_is_read_however_it_is_typed(typed):
    assert parse_code(typed) == "ABC234"


@pytest.mark.parametrize("typed", ["", "ABC-23", "ABC-2345", "ABC-0O1", "ABC-I23", "<script>", "ABC-23!"])
def test_anything_else_is_a_clear_bad_code(typed):
    with pytest.raises(BadCode, match="6 letters and digits"):
        parse_code(typed)


def test_a_stored_handover_holds_what_was_agreed_and_opens_by_its_code(store):
    made = store.create(draft(), {"nl": "Vraag: ...", "en": "Question: ..."})
    found = store.get(made.shown_code.lower())
    assert found is not None and found.code == made.code
    assert (found.language, found.channel, found.place) == ("pap", "telegram", "bonaire")
    assert found.topics == ["cn_huurondersteuning"]
    assert found.answers == {"age": "30", "rent": "800"}
    assert found.outcome == {"scheme": "huurtoeslag", "eligible": None,
                             "text": {"pap": "Mi no por bisa ainda.", "nl": "Dat kan ik nog niet zeggen."}}
    assert found.question.startswith("Mi hür ta 800")
    assert found.transcript[0] == {"who": "user", "text": "Mi hür ta 800 dollar"}
    assert found.summary["en"] == "Question: ..."
    assert found.expires_at - found.created_at == 14 * DAY


def test_personal_data_is_redacted_even_if_it_reached_the_handover(store):
    made = store.create(draft(question="Mijn BSN is 111222333 en mijn mail jan@example.nl",
                              transcript=(Line("user", "bel me op 0612345678"),),
                              answers={"note": "NL91ABNA0417164300"}),
                        {"nl": "Vraag: BSN 111222333"})
    stored = store.get(made.code)
    text = repr(stored)
    for secret in ("111222333", "jan@example.nl", "0612345678", "NL91ABNA0417164300"):
        assert secret not in text


def test_it_expires_after_the_configured_days(store, clock):
    made = store.create(draft(), {})
    clock.now += 14 * DAY - 1
    assert store.get(made.code) is not None
    clock.now += 2
    assert store.get(made.code) is None
    assert store.open() == []
    assert store.purge() == 1


def test_handled_or_withdrawn_deletes_it(store):
    first, second = store.create(draft(), {}), store.create(draft(), {})
    assert store.delete(first.shown_code) == 1
    assert store.get(first.code) is None and store.get(second.code) is not None
    assert store.delete([second.code, "not a code"]) == 1
    assert store.delete(second.code) == 0


def test_a_clash_of_codes_takes_another(store, monkeypatch):
    codes = iter(["ABC234", "ABC234", "XYZ789"])
    monkeypatch.setattr(handover_module, "new_code", lambda: next(codes))
    assert store.create(draft(), {}).code == "ABC234"
    assert store.create(draft(), {}).code == "XYZ789"


def test_rebuilding_the_knowledge_base_never_touches_handovers(tmp_path, knowledge, clock):
    # Even a deployer who points both at one database keeps the handovers.
    url = f"sqlite:///{tmp_path}/shared.db"
    store = Handovers(desk_engine(url), days=14, clock=clock)
    made = store.create(draft(), {})
    save_knowledge(make_engine(url), knowledge)
    save_knowledge(make_engine(url), knowledge)
    assert store.get(made.code) is not None
    assert "desk_handovers" in inspect(make_engine(url)).get_table_names()
    dispose_engines()

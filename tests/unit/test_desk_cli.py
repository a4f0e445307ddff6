"""`loket staff`, `handovers`, `handover CODE`, `gaps` and `feedback`: JSON for tools,
exit code 0 when found and 1 when not, and a clear message on a bad code."""

from __future__ import annotations

import json

import pytest

from bot.desk import Draft, Line, dispose_engines, feedback_store, handover_store, staff_store
from bot.tooling.cli import main


@pytest.fixture(autouse=True)
def desk_database(tmp_path, monkeypatch):
    monkeypatch.setenv("LOKET_DESK_DATABASE_URL", f"sqlite:///{tmp_path}/desk.db")
    yield
    dispose_engines()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_staff_add_prints_a_one_time_password_and_remove_removes(capsys):
    code, out, _ = run(capsys, "staff", "add", "anna")
    assert code == 0 and "one-time password:" in out
    assert staff_store().account("anna").must_change_password
    assert run(capsys, "staff", "add", "anna")[0] == 1  # taken
    code, out, _ = run(capsys, "staff", "list", "--json")
    assert [row["name"] for row in json.loads(out)] == ["anna"]
    assert run(capsys, "staff", "remove", "anna")[0] == 0
    assert run(capsys, "staff", "remove", "anna")[0] == 1


def test_handovers_and_one_handover_as_json(capsys):
    made = handover_store().create(Draft(language="en", channel="widget", question="Where do I get a sedula?",
                                         topics=("cn_bsn_digid",), place="saba",
                                         transcript=(Line("user", "Where do I get a sedula?"),)),
                                   {"nl": "Vraag: Where do I get a sedula?", "en": "Question: ..."})
    code, out, _ = run(capsys, "handovers", "--json")
    [row] = json.loads(out)
    assert code == 0 and row["code"] == made.shown_code
    assert (row["language"], row["channel"], row["topics"]) == ("en", "widget", ["cn_bsn_digid"])
    code, out, _ = run(capsys, "handover", made.shown_code.lower(), "--json")
    shown = json.loads(out)
    assert code == 0
    assert {"topics", "answers", "outcome", "question", "language", "transcript", "summary"} <= set(shown)
    assert shown["question"] == "Where do I get a sedula?"
    assert staff_store().audit_entries()[0].action == "opened"


def test_an_unknown_or_bad_code_exits_1_with_a_clear_message(capsys):
    code, _, err = run(capsys, "handover", "ZZZ-999")
    assert code == 1 and "no open handover ZZZ-999" in err
    code, _, err = run(capsys, "handover", "ABC-0O1")
    assert code == 1 and "6 letters and digits" in err


def test_gaps_and_feedback_as_json(capsys):
    store = feedback_store()
    for text in ("parkeervergunning aanvragen", "hoe vraag ik een parkeervergunning aan"):
        store.gap(text, "nl", "out_of_scope")
    store.rate("huurtoeslag", "nl", True)
    store.rate("huurtoeslag", "pap", False)
    code, out, _ = run(capsys, "gaps", "--json")
    assert code == 0 and json.loads(out)[0]["count"] == 2
    code, out, _ = run(capsys, "feedback", "--json")
    [row] = json.loads(out)
    assert (row["topic"], row["helpful"], row["not_helpful"], row["share_helpful"]) == ("huurtoeslag", 1, 1, 0.5)

"""`loket` as staff and tests use it, in a subprocess against a built database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.settings import PROJECT_DIR
from bot.tooling.servers import free_port


def loket(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot.tooling.cli", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_topics_json_lists_every_topic_in_three_languages_with_sourced_facts(database_url):
    result = loket("topics", "--json", database_url=database_url)
    assert result.returncode == 0, result.stderr
    topics = json.loads(result.stdout)
    assert len(topics) >= 40
    for topic in topics:
        assert topic["languages"] == ["nl", "pap", "en"]
        assert topic["facts"] >= 1 and topic["sources"]
        assert all(source["title"] for source in topic["sources"])


def test_lookup_tolerates_typos_and_answers_in_the_asked_language(database_url):
    result = loket("lookup", "huurtoslag", "--lang", "pap", "--json", database_url=database_url)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    best = found["results"][0]
    assert best["key"] == "huurtoeslag" and found["language"] == "pap"
    assert any("bigente" in fact["status"] for fact in best["facts"])
    assert all(fact["source"]["title"] for fact in best["facts"])


def test_lookup_detects_the_language_when_not_given(database_url):
    result = loket("lookup", "What", "is", "the", "Warmtefonds", "loan", "--json", database_url=database_url)
    found = json.loads(result.stdout)
    assert found["language"] == "en" and found["results"][0]["key"] == "warmtefonds"


def test_lookup_without_a_database_says_what_to_do(tmp_path):
    result = loket("topics", database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 2
    assert "loket build" in result.stderr


def test_ask_without_a_running_assistant_fails_clearly():
    port = free_port()
    result = loket("ask", "hallo", "--url", f"http://localhost:{port}/webhooks/rest/webhook")
    assert result.returncode == 2
    assert "make run" in result.stderr


@pytest.mark.parametrize("command", [["lookup", " "], ["ask", " "]])
def test_empty_input_is_refused(command, database_url):
    result = loket(*command, database_url=database_url)
    assert result.returncode == 1 and result.stderr


def test_a_bad_port_in_the_environment_is_named(monkeypatch):
    env = {**os.environ, "LOKET_PORT": "vijf"}
    result = subprocess.run([sys.executable, "-m", "bot.tooling.cli", "topics"], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "LOKET_PORT" in result.stderr


def test_generated_rasa_files_are_up_to_date():
    result = loket("build", "--check")
    assert result.returncode == 0, result.stderr


def test_check_reads_typed_answers_and_uses_this_years_rules(database_url):
    result = loket("check", "huurtoeslag", "--age", "22", "--rent", "650", "--assets", "3.000", "--partner", "nee",
                   "--independent", "ja", "--registered", "yes", "--residence", "si", "--json",
                   database_url=database_url)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["eligible"] is True and outcome["missing"] == []
    # At 22 the youth rent limit ruled 650 euro out until 2025; from 2026 it covers 18 to 20 only.
    assert outcome["year"] == 2026 and outcome["by_year"] == {"2024": False, "2025": False, "2026": True}


def test_check_reads_answers_as_the_chat_does(database_url):
    """One parser and one list of yes/no words: "jawel", "twintig", "about 650" as in the chat."""
    result = loket("check", "huurtoeslag", "--age", "twintig", "--rent", "ongeveer 650", "--assets", "3.000",
                   "--partner", "nee hoor", "--independent", "jawel", "--registered", "ja hoor", "--residence", "si",
                   "--year", "2025", "--json", database_url=database_url)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["missing"] == [] and outcome["year"] == 2025


def test_check_names_an_answer_it_cannot_read(database_url):
    result = loket("check", "warmtefonds", "--owner", "misschien", database_url=database_url)
    assert result.returncode == 1 and "owner" in result.stderr and "yes/no" in result.stderr


def test_check_refuses_a_year_without_rules(database_url):
    result = loket("check", "huurtoeslag", "--year", "2019", "--age", "30", database_url=database_url)
    assert result.returncode == 1 and "2019" in result.stderr

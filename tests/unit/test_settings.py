"""One settings module: every variable read in one place, checked, and documented."""

from __future__ import annotations

import re

import pytest

from bot.settings import PROJECT_DIR, VAR_DIR, VARIABLES, Settings, SettingsError


def test_defaults_need_no_variable_at_all():
    config = Settings.from_env({})
    assert config.database_url == f"sqlite:///{VAR_DIR}/loket.db"
    assert config.tracker_database_url is None
    assert (config.port, config.actions_port, config.telegram_port) == (5005, 5055, 8081)
    assert config.rasa_url == "http://localhost:5005" and config.rest_url.endswith("/webhooks/rest/webhook")
    assert config.allowed_origins == () and config.telegram_bot_token is None
    assert config.telegram_undelivered_file == PROJECT_DIR / "var" / "telegram-undelivered.jsonl"


def test_the_rasa_url_follows_the_port_unless_given():
    assert Settings.from_env({"LOKET_PORT": "6000"}).rasa_url == "http://localhost:6000"
    assert Settings.from_env({"LOKET_RASA_URL": "http://rasa:5005/"}).rasa_url == "http://rasa:5005"


def test_allowed_origins():
    assert Settings.from_env({"LOKET_ALLOWED_ORIGINS": "https://a.nl, http://localhost:8000"}).allowed_origins == (
        "https://a.nl", "http://localhost:8000")
    with pytest.raises(SettingsError, match="LOKET_ALLOWED_ORIGINS"):
        Settings.from_env({"LOKET_ALLOWED_ORIGINS": "https://a.nl/page"})


@pytest.mark.parametrize("name", ["LOKET_PORT", "LOKET_ACTIONS_PORT", "LOKET_TELEGRAM_PORT"])
@pytest.mark.parametrize("value", ["vijf", "0", "70000"])
def test_a_bad_port_is_named(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_a_webhook_needs_a_valid_secret():
    webhook = {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://loket.example.nl/telegram"}
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings.from_env(webhook)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings.from_env({**webhook, "TELEGRAM_WEBHOOK_SECRET": "no spaces allowed"})
    assert Settings.from_env({**webhook, "TELEGRAM_WEBHOOK_SECRET": "s3cret_-"}).telegram_webhook_secret == "s3cret_-"


def test_the_readme_configuration_table_lists_exactly_the_variables():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert documented == [variable.name for variable in VARIABLES]


def test_no_other_module_reads_the_environment():
    readers = [path.relative_to(PROJECT_DIR).as_posix() for folder in ("bot", "actions")
               for path in (PROJECT_DIR / folder).rglob("*.py")
               if re.search(r"os\.environ\b|os\.getenv|environ\.get", path.read_text(encoding="utf-8"))]
    # servers.py passes the environment on to the processes it starts, and scale.py sets the
    # stack's store addresses in it for them; they read no setting of their own.
    assert sorted(readers) == ["bot/settings.py", "bot/tooling/scale.py", "bot/tooling/servers.py"]


def test_tokens_are_none_unless_set_and_then_long_enough():
    assert Settings.from_env({}).rest_token is None and Settings.from_env({}).actions_token is None
    assert Settings.from_env({"LOKET_REST_TOKEN": "a" * 32}).rest_token == "a" * 32
    with pytest.raises(SettingsError, match="LOKET_ACTIONS_TOKEN"):
        Settings.from_env({"LOKET_ACTIONS_TOKEN": "short"})

"""The action server offers exactly the actions the domain declares, and the check
forms' actions come from the schemes in knowledge/rules."""

from __future__ import annotations

import yaml
from rasa_sdk.executor import ActionExecutor

from bot.dialogue import validate_check_form
from bot.entitlements import SCHEMES
from bot.settings import DOMAIN_DIR


def test_the_action_server_registers_every_declared_action_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("actions")
    declared = set()
    for path in DOMAIN_DIR.rglob("*.yml"):
        for action in yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or []:
            declared |= set(action) if isinstance(action, dict) else {action}  # {name: {send_domain: true}}
    assert set(executor.actions) == declared


def test_every_scheme_has_a_form_validation_action():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert {validate_check_form(scheme) for scheme in SCHEMES} <= set(executor.actions)

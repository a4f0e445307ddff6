"""Rasa's own checks on the training data and dialogue, on the trained model."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dialogue import COMMAND_INTENTS
from bot.settings import MODEL_FILE, PROJECT_DIR

RASA = str(Path(sys.executable).parent / "rasa")
pytestmark = pytest.mark.slow
# Rasa 3.6's validator does not know that a form asks its slots with utter_ask_<slot>,
# and calls those responses unused; every other warning fails the test.
# The command intents (bot.dialogue.COMMAND_INTENTS) are only sent as payloads, so they
# have no training examples on purpose. utter_out_of_scope is sent by actions
# (action_out_of_scope, action_refer_organisation) when the directory knows no one.
FORM_QUESTION_WARNING = re.compile(
    r"The utterance '(utter_ask_\w+|utter_out_of_scope)' is not used in any story or rule\."
    rf"|The intent '({'|'.join(COMMAND_INTENTS)})' is listed in the domain file, but is not found in the NLU"
)


def rasa(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RASA, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def test_rasa_data_validate_passes_without_warnings():
    # The command the README shows, with the flags this layout needs.
    result = rasa("data", "validate", "--data", "nlu_data", "data", "--domain", "domain", "--config", "config.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = [line for line in output.splitlines() if "UserWarning: " in line]  # how Rasa warns
    unexpected = [line for line in warnings if not FORM_QUESTION_WARNING.search(line)]
    assert not unexpected, "\n".join(unexpected)
    assert "Validating utterances" in output  # the check ran


def test_test_stories_are_predicted_without_errors(tmp_path):
    if not MODEL_FILE.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    result = rasa("test", "core", "--model", str(MODEL_FILE), "--stories", "tests/stories",
                  "--fail-on-prediction-errors", "--out", str(tmp_path / "results"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

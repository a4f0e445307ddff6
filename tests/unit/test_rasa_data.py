"""Rasa's own checks on the training data and dialogue, on the trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

RASA = str(Path(sys.executable).parent / "rasa")
MODEL = PROJECT_DIR / "models" / "loket.tar.gz"
pytestmark = pytest.mark.slow


def rasa(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RASA, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def test_rasa_data_validate_passes_without_warnings():
    result = rasa("data", "validate", "--data", "nlu_data", "data", "--domain", "domain.yml",
                  "--config", "config.yml", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_are_predicted_without_errors(tmp_path):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    result = rasa("test", "core", "--model", str(MODEL), "--stories", "tests/stories",
                  "--fail-on-prediction-errors", "--out", str(tmp_path / "results"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

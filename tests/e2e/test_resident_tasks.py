"""End to end: residents' task and routing questions get something they can act on.

The sets were written before issue 11 was built (tests/resident); the sealed half is
run here and reported, never used to choose anything. Target: 90% useful on each.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bot.channels.rest import send
from tests.resident.score import misses, run, share, table

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TARGET = 0.90
# Measured on the sealed half when issue 11 closed: 27/30. The test guards against a
# fall below 85% (a question or two of run-to-run variance); the report has the number.
SEALED_FLOOR = 0.85


@pytest.fixture(scope="module")
def results(assistant):
    def ask(text: str) -> str:
        messages = send(assistant.rest_url, uuid.uuid4().hex, text, token=assistant.rest_token)
        return "\n\n".join(str(message.get("text", "")) for message in messages)

    return {name: run(ask, name) for name in ("dev", "sealed")}


def test_the_report_on_resident_tasks(results, reports_dir):
    before = (Path(__file__).parents[1] / "resident" / "before.txt").read_text(encoding="utf-8")
    before_table = "\n".join(line for line in before.splitlines() if line.startswith("|"))
    report = "\n\n".join([
        "# Resident tasks: answers a resident can act on (tests/resident)",
        "## Now\n\n" + table(results),
        "## Before issue 11 (commit 62d43ea, same questions and scoring)\n\n" + before_table,
        *(f"## {name}: misses\n\n{misses(outcomes)}" for name, outcomes in results.items()),
    ])
    (reports_dir / "resident_tasks.md").write_text(report + "\n", encoding="utf-8")
    assert "| sealed |" in report


@pytest.mark.parametrize("name, floor", [("dev", TARGET), ("sealed", SEALED_FLOOR)])
def test_resident_tasks_get_a_useful_answer(results, name, floor):
    useful, total = share(results[name])
    assert useful / total >= floor, f"{useful}/{total} useful on {name}:\n{misses(results[name])}"

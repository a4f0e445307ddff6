"""Score the assistant on the resident task sets: is each reply something to act on?

    python -m tests.resident.score URL [--token T] [--set dev|sealed]

runs a set against a running assistant's REST endpoint (how the "before" figures in
reports/resident_tasks.md were taken); the e2e test runs both sets on every `make test`.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SETS = ("dev", "sealed")
# Replies that are not an answer: the fallback stages and the plain out-of-scope text.
NOT_ANSWERS = ("Sorry", "Did you mean", "Bedoel je", "Bo ke men", "not sure", "niet zeker", "no ta sigur")


@dataclass(frozen=True)
class Task:
    language: str
    text: str
    expect: tuple[str, ...]


@cache
def _names_on(site: str) -> tuple[str, ...]:
    """The names of the directory's organisations whose website is on `site` ("svb.nl"):
    a reply that names the SVB sends the resident to the SVB, whichever page it links."""
    from urllib.parse import urlparse

    from bot.knowledge import read_knowledge

    knowledge = read_knowledge()[0]
    return tuple(
        name.lower()
        for organisation in knowledge.organisations.values()
        if urlparse(organisation.website).netloc.removeprefix("www.").endswith(site)
        for name in organisation.name.values()
    )


@dataclass(frozen=True)
class Outcome:
    task: Task
    reply: str

    @property
    def useful(self) -> bool:
        lowered = self.reply.lower()
        answered = any(
            expected.lower() in lowered or any(name in lowered for name in _names_on(expected.lower()))
            for expected in self.task.expect
        )
        return answered and not self.reply.lstrip().startswith(NOT_ANSWERS)


def tasks(name: str) -> list[Task]:
    raw = yaml.safe_load((HERE / f"{name}.yml").read_text(encoding="utf-8"))
    return [Task(item["language"], item["text"], tuple(item["expect"])) for item in raw]


def run(ask: Callable[[str], str], name: str) -> list[Outcome]:
    """Each task in a new conversation; `ask` returns the whole reply text."""
    return [Outcome(task, ask(task.text)) for task in tasks(name)]


def share(outcomes: Sequence[Outcome], language: str | None = None) -> tuple[int, int]:
    chosen = [o for o in outcomes if language is None or o.task.language == language]
    return sum(o.useful for o in chosen), len(chosen)


def table(results: dict[str, list[Outcome]]) -> str:
    lines = ["| set | nl | pap | en | all |", "|---|---|---|---|---|"]
    for name, outcomes in results.items():
        cells = [f"{u}/{n}" for u, n in (share(outcomes, lang) for lang in ("nl", "pap", "en"))]
        useful, total = share(outcomes)
        lines.append(f"| {name} | {' | '.join(cells)} | {useful}/{total} ({useful / total:.0%}) |")
    return "\n".join(lines)


def misses(outcomes: Sequence[Outcome]) -> str:
    rows = [f"- ({o.task.language}) {o.task.text} → {o.reply[:140]!r}" for o in outcomes if not o.useful]
    return "\n".join(rows) or "- none"


def main(argv: Sequence[str] | None = None) -> int:
    from bot.channels.rest import send

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--token")
    parser.add_argument("--set", choices=SETS, action="append")
    args = parser.parse_args(argv)

    def ask(text: str) -> str:
        messages = send(args.url, uuid.uuid4().hex, text, token=args.token)
        return "\n\n".join(str(message.get("text", "")) for message in messages)

    results = {name: run(ask, name) for name in args.set or SETS}
    print(table(results))
    for name, outcomes in results.items():
        print(f"\n{name} misses:\n{misses(outcomes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

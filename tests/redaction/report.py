"""What the redaction tests measure, written to redaction.md in the reports folder.

Both halves (tests/unit/test_redaction.py and tests/redaction/test_sealed.py) add their
numbers to `MEASURED`; their session fixture `redaction_report` (`writing_report`) writes the
file when the session ends into the `reports_dir` fixture: reports/ under `--reports reports`,
a temporary folder otherwise.
"""

from __future__ import annotations

import datetime
import platform
import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.privacy import redact

HALVES = ("sealed", "tuning")


@dataclass
class Rate:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.hits}/{self.total} ({100 * self.value:.1f}%)" if self.total else "not measured"


@dataclass
class Measured:
    recall: dict[str, dict[str, Rate]] = field(default_factory=dict)            # half -> kind -> rate
    recall_by_language: dict[str, dict[str, Rate]] = field(default_factory=dict)  # half -> language -> rate
    false_positives: dict[str, dict[str, Rate]] = field(default_factory=dict)   # half -> category -> rate
    elfproef: dict[str, dict[str, Rate]] = field(default_factory=dict)          # half -> valid/invalid -> redacted
    timing_us: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # set -> (messages, mean, p95)
    notes: list[str] = field(default_factory=list)

    def rate(self, table: dict[str, dict[str, Rate]], half: str, key: str) -> Rate:
        return table.setdefault(half, {}).setdefault(key, Rate())

    def markdown(self) -> str:
        lines = ["# Redaction: what identifies a person, replaced before text goes anywhere", "",
                 f"Measured by `pytest --reports DIR tests/unit/test_redaction.py tests/redaction` on "
                 f"{datetime.date.today().isoformat()}, Python {platform.python_version()}. The test data is "
                 "generated (hypothesis, derandomised and seeded): valid BSNs, IBANs, Dutch and +599 phone "
                 "numbers, e-mail addresses, dates of birth and passport/ID numbers in Dutch, Papiamentu and "
                 "English sentences. The *sealed* half has its own sentences and seeds and is never used to tune "
                 "the detector; the *tuning* half is.", ""]
        for half in HALVES:
            if half not in self.recall:
                continue
            lines += [f"## Recall, {half} half", "", "| kind | datum removed, placeholder written |", "| --- | --- |"]
            lines += [f"| {kind} | {rate} |" for kind, rate in self.recall[half].items()]
            lines += [f"| by language: {language} | {rate} |"
                      for language, rate in self.recall_by_language.get(half, {}).items()]
            lines.append("")
        for half in HALVES:
            if half not in self.false_positives:
                continue
            lines += [f"## Near-misses, {half} half (must stay as they are)", "",
                      "| near-miss | redacted (false positives) |", "| --- | --- |"]
            lines += [f"| {category} | {rate} |" for category, rate in self.false_positives[half].items()]
            lines.append("")
            if half in self.elfproef:
                valid, invalid = self.elfproef[half].get("valid", Rate()), self.elfproef[half].get("invalid", Rate())
                lines += [f"Random nine-digit numbers ({half} half): {valid.total} of "
                          f"{valid.total + invalid.total} pass the elfproef (about 1 in 11 expected); redacted: "
                          f"{valid} of those that pass, {invalid} of those that fail.", ""]
        if self.timing_us:
            lines += ["## Time per message", "", "One core of the project's machine (2 cores, shared); "
                      "`redact(text)` on each message in turn, best of three rounds.", "",
                      "| messages | count | mean µs | p95 µs |", "| --- | --- | --- | --- |"]
            lines += [f"| {label} | {count} | {mean:.1f} | {p95:.1f} |"
                      for label, (count, mean, p95) in self.timing_us.items()]
            lines.append("")
        if self.notes:
            lines += ["## Notes", ""] + [f"- {note}" for note in self.notes] + [""]
        return "\n".join(lines)


MEASURED = Measured()


def time_redaction(messages: Sequence[str], rounds: int = 3) -> tuple[int, float, float]:
    """(count, mean µs, 95th percentile µs) of `redact` per message, the best of `rounds` per message."""
    best = [float("inf")] * len(messages)
    for _ in range(rounds):
        for i, message in enumerate(messages):
            start = time.perf_counter_ns()
            redact(message)
            best[i] = min(best[i], (time.perf_counter_ns() - start) / 1000)
    ordered = sorted(best)
    return len(best), statistics.fmean(best), ordered[int(0.95 * (len(ordered) - 1))]


def writing_report(reports_dir: Path) -> Iterator[Measured]:
    """For each module's session fixture: the shared measurements, written to
    redaction.md in `reports_dir` when the session ends."""
    yield MEASURED
    (reports_dir / "redaction.md").write_text(MEASURED.markdown(), encoding="utf-8")

"""Rasa adapter for evaluation: predictions of a trained model on held-out examples.

Two held-out sets, kept apart from the training data (nlu_data/):
- tests/nlu/*.yml, for tuning: every file named `<language>.yml` or
  `<name>.<language>.yml` counts, its language taken from the name. The pipeline and
  the confidence thresholds were chosen on these.
- tests/nlu/sealed/ (same naming), written later and never used to choose anything:
  it only gives a separate, final report (`sealed_report`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

from bot.language.evaluation import IntentReport, Prediction
from bot.language.examples import plain
from bot.settings import HELD_OUT_NLU_DIR

SEALED_NLU_DIR = HELD_OUT_NLU_DIR / "sealed"
_HELD_OUT_NAME = re.compile(r"(?:(?P<name>[\w-]+)\.)?(?P<language>[a-z]{2,3})\.yml")
EXAMPLE_KINDS = ("intent", "synonym", "lookup")


def held_out_files(language: str, directory: Path = HELD_OUT_NLU_DIR) -> list[Path]:
    """The files of one language in `directory` itself (not its sub-folders):
    `<language>.yml` and `<name>.<language>.yml`."""
    found = []
    for path in sorted(directory.glob("*.yml")):
        match = _HELD_OUT_NAME.fullmatch(path.name)
        if match and match["language"] == language:
            found.append(path)
    return found


def file_examples(path: Path, kinds: tuple[str, ...] = EXAMPLE_KINDS) -> list[tuple[str, str, str]]:
    """(kind, name, plain text) of every example in a Rasa NLU file: intents, and
    synonyms and lookup tables (whose entries the model learns from too)."""
    with path.open(encoding="utf-8") as handle:
        content = yaml.safe_load(handle) or {}
    found = []
    for block in content.get("nlu") or []:
        kind = next((kind for kind in kinds if kind in block), None)
        if kind is None:
            continue
        for line in str(block.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                found.append((kind, str(block[kind]), plain(line.strip()[2:])))
    return found


def held_out_examples(language: str, directory: Path = HELD_OUT_NLU_DIR) -> dict[str, list[str]]:
    """Intent -> example texts from all of one language's held-out files in `directory`."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in held_out_files(language, directory):
        for _, intent, text in file_examples(path, ("intent",)):
            found[intent].append(text)
    return dict(found)


def evaluate_model(
    model: Path, languages: tuple[str, ...], held_out_dir: Path = HELD_OUT_NLU_DIR
) -> list[IntentReport]:
    """Parse every held-out example of each language with `model`; one report each."""
    from rasa.core.agent import Agent

    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def predict(language: str) -> IntentReport:
        predictions = []
        for intent, examples in held_out_examples(language, held_out_dir).items():
            for text in examples:
                parsed = await agent.parse_message(text)
                top = parsed.get("intent") or {}
                predictions.append(Prediction(text, intent, str(top.get("name")), float(top.get("confidence", 0))))
        return IntentReport(language, predictions)

    async def all_languages() -> list[IntentReport]:
        return [await predict(language) for language in languages]

    return asyncio.run(all_languages())


def sealed_report(model: Path, languages: tuple[str, ...], reports_dir: Path,
                  sealed_dir: Path = SEALED_NLU_DIR) -> dict[str, float]:
    """The final score on the sealed set: per-language reports in <reports_dir>/nlu_sealed/
    and a summary, <reports_dir>/nlu_sealed.md. Only reported, never a threshold."""
    reports = evaluate_model(model, languages, sealed_dir)
    for report in reports:
        report.write(reports_dir / "nlu_sealed")
    scores = {report.language: round(report.macro_f1, 4) for report in reports}
    rows = [f"| {r.language} | {len(r.predictions)} | {len(r.scores)} | {r.macro_f1:.3f} | {r.accuracy:.3f} |"
            for r in reports]
    (reports_dir / "nlu_sealed.md").write_text("\n".join([
        "# Intent evaluation on the sealed set (tests/nlu/sealed)",
        "",
        "Written after the pipeline and the thresholds were chosen on the held-out sets (tests/nlu/*.yml);",
        "reported only, never used to choose or tune anything. Per language: `nlu_sealed/<language>.md`.",
        "",
        "| language | examples | intents | macro-F1 | accuracy |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]), encoding="utf-8")
    return scores


def compare_pipelines(configs: list[Path], languages: tuple[str, ...], project_dir: Path) -> str:
    """Train an NLU model per config, side by side on this machine, and compare them on
    the held-out sets: macro-F1 per language, training time and parse time."""
    rows = []
    rasa = str(Path(sys.executable).parent / "rasa")
    with tempfile.TemporaryDirectory() as out:
        for config in configs:
            started = time.monotonic()
            subprocess.run(
                [rasa, "train", "nlu", "--config", str(config), "--nlu", "nlu_data", "--out", out,
                 "--fixed-model-name", config.stem],
                cwd=project_dir, check=True, capture_output=True,
            )
            trained = time.monotonic() - started
            started = time.monotonic()
            reports = evaluate_model(Path(out) / f"{config.stem}.tar.gz", languages)
            examples = sum(len(report.predictions) for report in reports)
            per_message = (time.monotonic() - started) / max(examples, 1) * 1000
            scores = " | ".join(f"{report.macro_f1:.3f}" for report in reports)
            rows.append(f"| `{config}` | {scores} | {trained:.0f} s | {per_message:.1f} ms |")
    header = " | ".join(f"macro-F1 {language}" for language in languages)
    return "\n".join([
        "# NLU pipelines compared on the held-out sets (tests/nlu)",
        "",
        "Trained and evaluated one after the other in one run on the same machine (2 cores).",
        "Parse time is per message, including Rasa's message handling.",
        "",
        f"| config | {header} | training | parse |",
        "| --- | " + " | ".join("---" for _ in languages) + " | --- | --- |",
        *rows,
        "",
    ])

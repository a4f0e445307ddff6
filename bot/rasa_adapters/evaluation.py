"""Rasa adapter for evaluation: predictions of a trained model on held-out examples."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rasa.core.agent import Agent

from bot.language.evaluation import IntentReport, Prediction
from bot.language.examples import examples_by_intent
from bot.settings import HELD_OUT_NLU_DIR


def evaluate_model(
    model: Path, languages: tuple[str, ...], held_out_dir: Path = HELD_OUT_NLU_DIR
) -> list[IntentReport]:
    """Parse every held-out example of each language with `model`; one report each."""
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def predict(language: str) -> IntentReport:
        predictions = []
        for intent, examples in examples_by_intent(language, held_out_dir, flat=True).items():
            for text in examples:
                parsed = await agent.parse_message(text)
                top = parsed.get("intent") or {}
                predictions.append(Prediction(text, intent, str(top.get("name")), float(top.get("confidence", 0))))
        return IntentReport(language, predictions)

    async def all_languages() -> list[IntentReport]:
        return [await predict(language) for language in languages]

    return asyncio.run(all_languages())


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

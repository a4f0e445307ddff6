"""Read Loket's own NLU example files (nlu_data/<language>/*.yml) without Rasa.

Used to build the Papiamentu language profile and to check that every topic has
training examples in every language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from bot import LANGUAGES
from bot.settings import NLU_DIR

# "[huurtoeslag](programme)" or "[Boneiru]{"entity": "island"}" -> the annotated text
_ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def plain(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example).strip()


def examples_by_intent(language: str, nlu_dir: Path = NLU_DIR, flat: bool = False) -> dict[str, list[str]]:
    """Intent -> plain example texts, from every file in nlu_data/<language>/ (or, with
    `flat`, from the one file <nlu_dir>/<language>.yml, as the held-out sets are kept)."""
    found: dict[str, list[str]] = defaultdict(list)
    paths = [nlu_dir / f"{language}.yml"] if flat else sorted((nlu_dir / language).glob("*.yml"))
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            content = yaml.safe_load(handle) or {}
        for block in content.get("nlu", []):
            if "intent" not in block:
                continue
            lines = str(block.get("examples", "")).splitlines()
            found[block["intent"]].extend(plain(line[2:]) for line in lines if line.strip().startswith("- "))
    return dict(found)


def all_examples(nlu_dir: Path = NLU_DIR) -> dict[str, dict[str, list[str]]]:
    return {language: examples_by_intent(language, nlu_dir) for language in LANGUAGES}

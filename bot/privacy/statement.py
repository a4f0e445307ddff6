"""The privacy statement (knowledge/privacy.yml): read, checked and rendered per language.

`/privacy` in Telegram and the widget's privacy link show it. The texts are data in
three languages; the deployment fills in how long conversations are kept, who is
responsible and how to reach them. A file with a missing language, an unknown
placeholder or a delete command the texts do not name is refused with every problem
listed, so a broken statement never reaches a user.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.settings import KNOWLEDGE_DIR

PRIVACY_FILE = KNOWLEDGE_DIR / "privacy.yml"

# What the deployment fills in; every language must use each of these somewhere.
DEPLOYMENT_PLACEHOLDERS = ("retention_days", "controller", "contact")
# Filled from the file itself: the delete button's label in the same language.
PLACEHOLDERS = frozenset({*DEPLOYMENT_PLACEHOLDERS, "delete_button"})

_TOP_LEVEL = ("title", "sections", "delete_button", "link_label", "delete_commands")
_SECTION_KEY = re.compile(r"[a-z][a-z0-9_]*")
_COMMAND = re.compile(r"/\w+")


class PrivacyError(ValueError):
    """The privacy file cannot be used; `problems` lists every reason."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the privacy statement:\n{listed}")


@dataclass(frozen=True)
class Section:
    key: str
    text: dict[str, str]  # language -> text with {placeholders}


@dataclass(frozen=True)
class PrivacyStatement:
    title: dict[str, str]
    sections: tuple[Section, ...]
    delete_button: dict[str, str]
    link_label: dict[str, str]
    delete_commands: dict[str, str]

    def render(self, language: str, retention_days: int, controller: str, contact: str, *,
               with_title: bool = True) -> str:
        """The statement in `language` (Dutch if Loket does not speak it) as plain-text
        paragraphs separated by a blank line, the title first unless `with_title` is off."""
        language = _supported(language)
        values = {
            "retention_days": str(_days(retention_days)),
            "controller": _filled("controller", controller),
            "contact": _filled("contact", contact),
            "delete_button": self.delete_button[language],
        }
        paragraphs = [self.title[language]] if with_title else []
        paragraphs += [section.text[language].format_map(values) for section in self.sections]
        return "\n\n".join(paragraphs)


def load_privacy(path: Path = PRIVACY_FILE) -> PrivacyStatement:
    """Read and check a privacy file; raises PrivacyError listing every problem."""
    problems: list[str] = []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PrivacyError(path, [f"cannot read: {error}"]) from error
    if not isinstance(raw, dict):
        raise PrivacyError(path, ["expected a mapping with the keys " + ", ".join(_TOP_LEVEL)])
    for key in _TOP_LEVEL:
        if key not in raw:
            problems.append(f"missing '{key}'")
    for key in sorted(set(raw) - set(_TOP_LEVEL), key=str):
        problems.append(f"unknown key '{key}'")

    labels = {key: _texts(raw.get(key), key, problems, placeholders=False)
              for key in ("title", "delete_button", "link_label", "delete_commands") if key in raw}
    for language, command in labels.get("delete_commands", {}).items():
        if not _COMMAND.fullmatch(command):
            problems.append(f"delete_commands.{language}: '{command}' is not a command such as /forget")
    sections = _sections(raw.get("sections"), problems) if "sections" in raw else ()
    _check_coverage(sections, labels.get("delete_commands", {}), problems)
    if problems:
        raise PrivacyError(path, problems)
    return PrivacyStatement(labels["title"], sections, labels["delete_button"], labels["link_label"],
                            labels["delete_commands"])


def _texts(raw: Any, where: str, problems: list[str], placeholders: bool = True) -> dict[str, str]:
    """One non-empty text per language, whitespace folded to single spaces."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a text per language ({', '.join(LANGUAGES)})")
        return {}
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        value = raw.get(language)
        if isinstance(value, str) and value.strip():
            texts[language] = " ".join(value.split())
        else:
            problems.append(f"{where}: missing language '{language}'")
    for extra in sorted(set(raw) - set(LANGUAGES), key=str):
        problems.append(f"{where}: unknown language '{extra}'")
    for language, text in texts.items():
        fields = _fields(text, f"{where}.{language}", problems)
        if fields and not placeholders:
            problems.append(f"{where}.{language}: takes no placeholders, found "
                            + ", ".join(f"{{{field}}}" for field in sorted(fields)))
    return texts


def _fields(text: str, where: str, problems: list[str]) -> set[str]:
    """The placeholders in a text; unknown ones, format specs and stray braces are problems."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        problems.append(f"{where}: unbalanced braces ({error}); write only placeholders such as {{controller}}")
        return set()
    fields = set()
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            allowed = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
            problems.append(f"{where}: unknown placeholder {{{field}}}; allowed: {allowed}")
        elif spec or conversion:
            problems.append(f"{where}: placeholder {{{field}}} must be plain, without ! or :")
        fields.add(field)
    return fields


def _sections(raw: Any, problems: list[str]) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("sections: expected a list of {key, text}")
        return ()
    sections: list[Section] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"sections[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected {{key, text}}")
            continue
        key = item.get("key")
        if not isinstance(key, str) or not _SECTION_KEY.fullmatch(key):
            problems.append(f"{where}: 'key' must be lowercase letters, digits and _")
            key = str(key)
        elif key in seen:
            problems.append(f"{where}: key '{key}' is used twice")
        seen.add(key)
        where = f"sections[{index}] ({key})"
        for extra in sorted(set(item) - {"key", "text"}, key=str):
            problems.append(f"{where}: unknown key '{extra}'")
        texts = _texts(item.get("text"), f"{where}.text", problems)
        by_language = {language: _fields(text, "", []) for language, text in texts.items()}
        if len({frozenset(fields) for fields in by_language.values()}) > 1:
            used = "; ".join(f"{language}: " + (", ".join(f"{{{f}}}" for f in sorted(fields)) or "none")
                             for language, fields in by_language.items())
            problems.append(f"{where}.text: the languages use different placeholders ({used})")
        sections.append(Section(key, texts))
    return tuple(sections)


def _check_coverage(sections: tuple[Section, ...], commands: dict[str, str], problems: list[str]) -> None:
    """Every language uses every deployment placeholder and names every delete command."""
    for language in LANGUAGES:
        texts = [section.text[language] for section in sections if language in section.text]
        if not texts:
            continue
        used = set().union(*(_fields(text, "", []) for text in texts))
        for name in DEPLOYMENT_PLACEHOLDERS:
            if name not in used:
                problems.append(f"sections ({language}): no text uses {{{name}}}")
        joined = " ".join(texts)
        for command in commands.values():
            if not re.search(re.escape(command) + r"(?!\w)", joined):
                problems.append(f"sections ({language}): the delete command {command} is not mentioned")


def _supported(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _days(retention_days: int) -> int:
    if isinstance(retention_days, bool) or not isinstance(retention_days, int) or retention_days < 1:
        raise ValueError(f"retention_days must be a whole number of days, 1 or more, not {retention_days!r}")
    return retention_days


def _filled(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be filled in: the privacy statement names it")
    return " ".join(value.split())


@cache
def _statement() -> PrivacyStatement:
    return load_privacy(PRIVACY_FILE)


def privacy_statement(language: str, retention_days: int, controller: str, contact: str) -> str:
    """The statement of knowledge/privacy.yml in `language` (unknown: Dutch), plain text."""
    return _statement().render(language, retention_days, controller, contact)


def delete_button_label(language: str) -> str:
    """The widget's "delete this conversation" button, in `language` (unknown: Dutch)."""
    return _statement().delete_button[_supported(language)]


def link_label(language: str) -> str:
    """The widget's link to the statement, in `language` (unknown: Dutch)."""
    return _statement().link_label[_supported(language)]


def delete_commands() -> dict[str, str]:
    """The chat commands that delete a conversation, by language: {"nl": "/vergeet", ...}."""
    return dict(_statement().delete_commands)


DEPLOYMENT_FILE = KNOWLEDGE_DIR / "deployment.yml"


@dataclass(frozen=True)
class Deployment:
    """Who runs this Loket (knowledge/deployment.yml), as the statement names them."""

    controller: str
    contact: str

    @property
    def is_example(self) -> bool:
        return "example" in self.controller.lower() or self.contact.endswith(".example")


@cache
def deployment(path: Path = DEPLOYMENT_FILE) -> Deployment:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Deployment(_filled("controller", raw.get("controller", "")), _filled("contact", raw.get("contact", "")))


def deployed_statement(language: str, retention_days: int) -> str:
    """The statement in `language` for this deployment."""
    who = deployment()
    return privacy_statement(language, retention_days, who.controller, who.contact)

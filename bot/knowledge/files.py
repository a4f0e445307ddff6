"""Read the knowledge base from its YAML source files.

Reading is lenient: a malformed entry becomes a `Problem` and reading goes on, so
`loket validate` can report every mistake in one run instead of the first one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot import LANGUAGES
from bot.knowledge.model import (
    Act,
    Document,
    Fact,
    Figure,
    KnowledgeBase,
    Organisation,
    Place,
    Reference,
    SourceRef,
    Sources,
    Status,
    Task,
    Topic,
)
from bot.settings import KNOWLEDGE_DIR


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base has problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n{listed}{more}")


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def yaml_file(self, path: Path) -> Any:
        try:
            with path.open(encoding="utf-8") as handle:
                return yaml.safe_load(handle)
        except (OSError, yaml.YAMLError) as error:
            self.problem(str(path), f"cannot read: {error}")
            return None

    def texts(self, raw: Any, where: str, required: bool = True) -> dict[str, str]:
        if raw is None and not required:
            return {}
        if not isinstance(raw, dict):
            self.problem(where, "expected a text per language (nl, pap, en)")
            return {}
        texts = {}
        for language in LANGUAGES:
            value = raw.get(language)
            if isinstance(value, str) and value.strip():
                texts[language] = " ".join(value.split())
            else:
                self.problem(where, f"missing language '{language}'")
        for extra in set(raw) - set(LANGUAGES):
            self.problem(where, f"unknown language '{extra}'")
        return texts

    def names(self, raw: Any, where: str) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            self.problem(where, "expected names per language (nl, pap, en)")
            return {}
        names = {}
        for language in LANGUAGES:
            value = raw.get(language)
            if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
                names[language] = tuple(v.strip() for v in value)
            else:
                self.problem(where, f"missing language '{language}' (a list of names)")
        return names

    def figures(self, raw: Any, where: str) -> tuple[Figure, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.problem(where, "figures must be a mapping of name to {value, unit}")
            return ()
        figures = []
        for name, spec in raw.items():
            if not isinstance(spec, dict) or "value" not in spec or "unit" not in spec:
                self.problem(f"{where}.{name}", "a figure needs a value and a unit")
                continue
            figures.append(Figure(name=str(name), value=spec["value"], unit=str(spec["unit"])))
        return tuple(figures)

    def status(self, raw: Any, where: str) -> Status:
        if not isinstance(raw, dict):
            self.problem(where, "missing status (planned_in_budget, in_force_since, applies, as_of or target_for)")
            return Status()
        known = {"planned_in_budget", "planned_for", "in_force_since", "until", "applies", "as_of", "target_for"}
        for extra in set(raw) - known:
            self.problem(where, f"unknown status field '{extra}'")
        return Status(
            planned_in_budget=_int_or_none(raw.get("planned_in_budget")),
            planned_for=_int_or_none(raw.get("planned_for")),
            in_force_since=_date_or_none(raw.get("in_force_since")),
            until=_date_or_none(raw.get("until")),
            applies=raw.get("applies") is True,
            as_of=_date_or_none(raw.get("as_of")),
            target_for=_int_or_none(raw.get("target_for")),
        )

    def source(self, raw: Any, where: str) -> SourceRef:
        if not isinstance(raw, dict):
            self.problem(where, "missing source (ref, or doc and section)")
            return SourceRef()
        return SourceRef(
            doc=_str_or_none(raw.get("doc")),
            section=_str_or_none(raw.get("section")),
            ref=_str_or_none(raw.get("ref")),
        )

    def fact(self, raw: Any, where: str) -> Fact | None:
        if not isinstance(raw, dict) or not raw.get("id"):
            self.problem(where, "a fact needs an id")
            return None
        where = f"{where}:{raw['id']}"
        return Fact(
            id=str(raw["id"]),
            text=self.texts(raw.get("text"), f"{where}.text"),
            status=self.status(raw.get("status"), f"{where}.status"),
            source=self.source(raw.get("source"), f"{where}.source"),
            figures=self.figures(raw.get("figures"), f"{where}.figures"),
            main=bool(raw.get("main", False)),
            updates=_str_or_none(raw.get("updates")),
        )

    def act(self, raw: Any, where: str) -> Act | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem(where, "act must be a mapping (text, url, source, ...)")
            return None
        known = {"text", "where", "deadline", "url", "source", "figures", "nothing_to_apply"}
        for extra in set(raw) - known:
            self.problem(where, f"unknown field '{extra}'")
        return Act(
            text=self.texts(raw.get("text"), f"{where}.text"),
            where=self.texts(raw.get("where"), f"{where}.where", required=False),
            deadline=self.texts(raw.get("deadline"), f"{where}.deadline", required=False),
            url=_str_or_none(raw.get("url")),
            source=self.source(raw["source"], f"{where}.source") if raw.get("source") is not None else None,
            figures=self.figures(raw.get("figures"), f"{where}.figures"),
            nothing_to_apply=raw.get("nothing_to_apply") is True,
        )

    def words(self, raw: Any, where: str) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            self.problem(where, "expected words per language (nl, pap, en)")
            return {}
        words = {}
        for language in LANGUAGES:
            value = raw.get(language)
            if isinstance(value, list) and value:
                words[language] = tuple(str(v).strip().lower() for v in value if str(v).strip())
            else:
                self.problem(where, f"missing language '{language}' (a list of words)")
        return words

    def task(self, raw: Any, where: str) -> Task | None:
        if not isinstance(raw, dict) or not raw.get("key"):
            self.problem(where, "a task needs a key")
            return None
        where = f"{where}:{raw['key']}"
        return Task(
            key=str(raw["key"]),
            words=self.words(raw.get("words"), f"{where}.words"),
            do=self.texts(raw.get("do"), f"{where}.do"),
            url=str(raw.get("url") or ""),
            source=self.source(raw.get("source"), f"{where}.source"),
        )

    def organisation(self, path: Path) -> Organisation | None:
        raw = self.yaml_file(path)
        where = f"directory/{path.name}"
        if not isinstance(raw, dict):
            if raw is not None:
                self.problem(where, "a directory file must be a mapping")
            return None
        contact = raw.get("contact") or {}
        if not isinstance(contact, dict):
            self.problem(f"{where}.contact", "contact must be a mapping (text, source)")
            contact = {}
        tasks = tuple(
            task for task in (self.task(item, where) for item in raw.get("tasks") or []) if task is not None
        )
        return Organisation(
            key=str(raw.get("key", "")),
            name=self.texts(raw.get("name"), f"{where}.name"),
            serves=tuple(str(place) for place in raw.get("serves") or []),
            handles=self.texts(raw.get("handles"), f"{where}.handles"),
            website=str(raw.get("website") or ""),
            source=self.source(raw.get("source"), f"{where}.source"),
            tasks=tasks,
            contact=self.texts(contact.get("text"), f"{where}.contact.text", required=False),
            contact_source=(
                self.source(contact["source"], f"{where}.contact.source") if contact.get("source") else None
            ),
            figures=self.figures(raw.get("figures"), f"{where}.figures"),
        )

    def topic(self, path: Path) -> Topic | None:
        raw = self.yaml_file(path)
        where = path.name
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem(where, "a topic file must be a mapping")
            return None
        facts_raw = raw.get("facts") or []
        if not isinstance(facts_raw, list):
            self.problem(where, "facts must be a list")
            facts_raw = []
        facts = tuple(
            fact for fact in (self.fact(item, where) for item in facts_raw) if fact is not None
        )
        applies_in = raw.get("applies_in") or []
        return Topic(
            key=str(raw.get("key", "")),
            category=str(raw.get("category", "")),
            applies_in=tuple(str(region) for region in applies_in),
            names=self.names(raw.get("names"), f"{where}.names"),
            answer=self.texts(raw.get("answer"), f"{where}.answer"),
            contact=self.texts(raw.get("contact"), f"{where}.contact", required=False),
            facts=facts,
            instead_in={str(region): str(key) for region, key in (raw.get("instead_in") or {}).items()},
            act=self.act(raw.get("act"), f"{where}.act"),
        )

    def sources(self, path: Path, references_dir: Path) -> Sources:
        raw = self.yaml_file(path) or {}
        documents = {
            key: Document(
                key=key,
                title=spec["title"],
                publisher=spec.get("publisher", ""),
                year=int(spec["year"]),
                sections=tuple(spec.get("sections", [])),
            )
            for key, spec in (raw.get("documents") or {}).items()
        }
        references: dict[str, Reference] = {}
        for file in sorted(references_dir.glob("*.yml")):
            for key, spec in (self.yaml_file(file) or {}).items():
                where = f"references/{file.name}:{key}"
                if key in references:
                    self.problem(where, "this reference key is also defined in another file")
                if not isinstance(spec, dict) or not spec.get("title") or not spec.get("url"):
                    self.problem(where, "a reference needs a title and a url")
                    continue
                if not isinstance(spec.get("official"), bool):
                    self.problem(where, "say whether the source is official (official: true or false)")
                references[str(key)] = Reference(
                    key=str(key),
                    title=str(spec["title"]),
                    url=str(spec["url"]),
                    official=spec.get("official") is True,
                    publisher=str(spec.get("publisher") or ""),
                    checked=_date_or_none(spec.get("checked")),
                )
        return Sources(documents=documents, references=references)

    def places(self, path: Path) -> dict[str, Place]:
        raw = self.yaml_file(path) or {}
        places: dict[str, Place] = {}
        for key, spec in (raw.get("regions") or {}).items():
            display = self.texts(spec.get("display"), f"{path.name}:{key}.display")
            places[key] = Place(key, "region", key, display, currency=spec.get("currency"))
        for key, spec in (raw.get("islands") or {}).items():
            display = self.texts(spec.get("display"), f"{path.name}:{key}.display")
            names = tuple(str(name) for name in spec.get("names", []))
            places[key] = Place(key, "island", str(spec.get("region", "")), display, names)
        return places

    def categories(self, path: Path) -> dict[str, dict[str, str]]:
        raw = self.yaml_file(path) or {}
        return {key: self.texts(value, f"{path.name}:{key}") for key, value in raw.items()}


def read_knowledge(directory: Path = KNOWLEDGE_DIR) -> tuple[KnowledgeBase, list[Problem]]:
    """Read every file under `directory`; return the base and what was malformed."""
    reader = _Reader()
    topics: dict[str, Topic] = {}
    for path in sorted((directory / "topics").glob("*.yml")):
        topic = reader.topic(path)
        if topic is None:
            continue
        if topic.key != path.stem:
            reader.problem(path.name, f"key '{topic.key}' must equal the file name '{path.stem}'")
        topics[path.stem] = topic
    organisations: dict[str, Organisation] = {}
    for path in sorted((directory / "directory").glob("*.yml")):
        organisation = reader.organisation(path)
        if organisation is None:
            continue
        if organisation.key != path.stem:
            reader.problem(f"directory/{path.name}", f"key '{organisation.key}' must equal the file name")
        organisations[path.stem] = organisation
    knowledge = KnowledgeBase(
        topics=topics,
        sources=reader.sources(directory / "sources.yml", directory / "references"),
        categories=reader.categories(directory / "categories.yml"),
        places=reader.places(directory / "places.yml"),
        organisations=organisations,
    )
    return knowledge, reader.problems


def knowledge_fingerprint(directory: Path = KNOWLEDGE_DIR) -> str:
    """A hash of every knowledge file, for a component that stores the knowledge base
    in the model: a change to any file retrains it instead of reusing a cached one."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.yml")):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


def _date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None

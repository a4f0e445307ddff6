"""Shared fixtures: the real knowledge base, a stored copy of it, and small broken ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeBase, load_valid_knowledge
from bot.knowledge.store import make_engine, save_knowledge

# The project's own PostgreSQL (scripts/postgres): `postgres_url`, `database_backend_url`.
pytest_plugins = ["tests.postgres"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--reports", metavar="DIR", default=None,
                     help="write evaluation reports and screenshots to DIR (`make report` uses reports/)")


@pytest.fixture(scope="session")
def reports_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where reports go: reports/ under `make report`, else a temporary folder, so that
    `make test` leaves the tree as it found it."""
    chosen = request.config.getoption("--reports")
    directory = Path(chosen) if chosen else tmp_path_factory.mktemp("reports")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_valid_knowledge()


@pytest.fixture(scope="session")
def database_url(knowledge: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the real knowledge base, as `loket build` writes it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'loket.db'}"
    save_knowledge(make_engine(url), knowledge)
    return url


@pytest.fixture
def knowledge_dir(tmp_path: Path):
    """A copy of the knowledge sources with one small topic; returns a writer to alter it."""
    for name in ("categories.yml", "places.yml"):
        shutil.copy(KNOWLEDGE_DIR / name, tmp_path / name)
    sources = yaml.safe_load((KNOWLEDGE_DIR / "sources.yml").read_text(encoding="utf-8"))
    sources["documents"]["bzk_2024"]["sections"] = ["Betaalbaar Wonen"]
    sources["documents"]["bzk_2021"]["sections"] = ["Betaalbaar wonen in de huursector"]
    (tmp_path / "sources.yml").write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    (tmp_path / "topics").mkdir()
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "test.yml").write_text(yaml.safe_dump({
        "proef_page": {"title": "Proefregeling aanvragen", "url": "https://www.example.nl/proef/aanvragen",
                       "publisher": "Proefdienst", "official": True, "checked": "2026-11-01"},
        "proef_news": {"title": "Nieuws over de proef", "url": "https://nieuws.example.com/proef",
                       "publisher": "Nieuwssite", "official": False, "checked": "2024-01-01"},
    }), encoding="utf-8")

    def write(topic: dict, name: str | None = None) -> Path:
        path = tmp_path / "topics" / f"{name or topic['key']}.yml"
        path.write_text(yaml.safe_dump(topic, allow_unicode=True), encoding="utf-8")
        return tmp_path

    return write


def small_topic(key: str = "proef", **changes) -> dict:
    """A valid topic citing both budget sections of the `knowledge_dir` fixture."""
    topic = {
        "key": key,
        "category": "wonen",
        "applies_in": ["europees_nederland"],
        "names": {"nl": [f"Proefregeling {key}"], "pap": [f"Areglo di prueba {key}"], "en": [f"Trial scheme {key}"]},
        "answer": {"nl": "Dit is een proef.", "pap": "Esaki ta un prueba.", "en": "This is a trial."},
        "facts": [
            {
                "id": "plan",
                "main": True,
                "text": {"nl": "Gepland: {limit}.", "pap": "Planiá: {limit}.", "en": "Planned: {limit}."},
                "status": {"planned_in_budget": 2024},
                "source": {"doc": "bzk_2024", "section": "Betaalbaar Wonen"},
                "figures": {"limit": {"value": 100, "unit": "EUR"}},
            },
            {
                "id": "old",
                "text": {"nl": "Oud plan.", "pap": "Plan bieu.", "en": "Old plan."},
                "status": {"planned_in_budget": 2021},
                "source": {"doc": "bzk_2021", "section": "Betaalbaar wonen in de huursector"},
            },
        ],
        "act": {
            "text": {"nl": "Vraag het aan met DigiD.", "pap": "Aplika ku DigiD.", "en": "Apply with DigiD."},
            "deadline": {
                "nl": "Uiterlijk {proef_deadline}.", "pap": "Te {proef_deadline}.", "en": "By {proef_deadline}.",
            },
            "url": "https://www.example.nl/proef/aanvragen",
            "source": {"ref": "proef_page"},
            "figures": {"proef_deadline": {"value": "09-01", "unit": "day"}},
        },
    }
    topic.update(changes)
    return topic


class FakeClock:
    """A clock tests move by hand (sessions, lockouts, expiry), never by sleeping."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0  # a TOTP step boundary; no DST change near it

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk_db(tmp_path: Path):
    """An empty desk database (bot.desk.store) of the test's own."""
    from bot.desk import desk_engine, dispose_engines

    yield desk_engine(f"sqlite:///{tmp_path}/desk.db")
    dispose_engines()

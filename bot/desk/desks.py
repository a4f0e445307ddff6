"""The desks that accept handover codes, per deployment (knowledge/desks.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot import LANGUAGES
from bot.settings import KNOWLEDGE_DIR

DESKS_FILE = KNOWLEDGE_DIR / "desks.yml"
EUROPEAN_NETHERLANDS = "europees_nederland"
CARIBBEAN_NETHERLANDS = "caribisch_nederland"


class DesksError(ValueError):
    """knowledge/desks.yml says something Loket cannot use; the message says where."""


@dataclass(frozen=True)
class Desk:
    key: str
    places: tuple[str, ...]
    name: dict[str, str]
    url: str | None

    def serves(self, place: str | None) -> bool:
        return (place or EUROPEAN_NETHERLANDS) in self.places or (
            place is not None and place != EUROPEAN_NETHERLANDS and CARIBBEAN_NETHERLANDS in self.places)


def load_desks(path: Path = DESKS_FILE, known_places: frozenset[str] | None = None) -> tuple[Desk, ...]:
    """Read and check the desks; DesksError names the entry and the problem."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = raw.get("desks")
    if not isinstance(entries, list) or not entries:
        raise DesksError(f"{path.name}: `desks` must list at least one desk")
    desks, keys = [], set()
    for number, entry in enumerate(entries, 1):
        where = f"{path.name}, desk {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise DesksError(f"{where}: each desk needs a `key`")
        if entry["key"] in keys:
            raise DesksError(f"{where}: the key {entry['key']!r} is used twice")
        keys.add(entry["key"])
        places = entry.get("places")
        if not isinstance(places, list) or not places or not all(isinstance(place, str) for place in places):
            raise DesksError(f"{where}: `places` must list region or island keys")
        if known_places is not None and (unknown := set(places) - known_places):
            raise DesksError(f"{where}: unknown places {sorted(unknown)}; see places.yml")
        name = entry.get("name")
        if not isinstance(name, dict) or set(name) != set(LANGUAGES) or not all(name.values()):
            raise DesksError(f"{where}: `name` needs {', '.join(LANGUAGES)}")
        url = entry.get("url")
        if url is not None and not (isinstance(url, str) and url.startswith("https://")):
            raise DesksError(f"{where}: `url` must be an https address")
        desks.append(Desk(entry["key"], tuple(places), {k: str(v) for k, v in name.items()}, url))
    return tuple(desks)


@cache
def deployed_desks() -> tuple[Desk, ...]:
    return load_desks()


def desks_for(place: str | None, desks: tuple[Desk, ...] | None = None) -> list[Desk]:
    """The desks a resident in `place` (an island key, or None) can go to; never empty."""
    desks = deployed_desks() if desks is None else desks
    found = [desk for desk in desks if desk.serves(place)]
    return found or [desk for desk in desks if desk.serves(None)] or list(desks)

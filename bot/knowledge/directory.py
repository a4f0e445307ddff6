"""Find the organisation that handles a resident's task: the directory's own lookup.

A question matches a task when it contains one of the task's words or phrases (folded,
so accents, Papiamentu spellings and close typos still match). Rare words weigh more
than common ones, so "aow" beats "aanvragen". Where the resident lives decides between
entries that handle the same task: a passport is the municipality's in the European
Netherlands and the Census Office's on Saba.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from difflib import get_close_matches

from bot import LANGUAGES
from bot.knowledge.model import KnowledgeBase, Organisation, Task
from bot.language.detection import function_words
from bot.language.text import words

FUZZY_CUTOFF = 0.83
MIN_FUZZY_LENGTH = 6
MIN_SCORE = 1.0  # at least one whole phrase of a task must be in the question
# Short words that name nothing ("kambio di adrès"); short names do count ("WW", "ID").
PARTICLES = frozenset({"di", "mi", "bo", "e", "un", "de", "te", "op", "in", "en", "my", "to", "of", "a", "i"})


@dataclass(frozen=True)
class Referral:
    organisation: Organisation
    task: Task | None
    score: float


def place_in(knowledge: KnowledgeBase, text: str) -> str | None:
    """The island a text names, if any ("op Saba", "na Boneiru")."""
    folded = set(words(text))
    for key, place in knowledge.places.items():
        for name in place.names:
            name_words = words(name)
            if name_words and all(word in folded for word in name_words):
                return key
    return None


class DirectoryIndex:
    """An index over the directory of one knowledge base; build once, query many times."""

    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        # A phrase's content words: "kambio di adrès" matches "kambia mi adrès".
        self._phrases: list[tuple[Organisation, Task, tuple[str, ...]]] = [
            (organisation, task, content)
            for organisation in knowledge.organisations.values()
            for task in organisation.tasks
            for language in LANGUAGES
            for phrase in task.words.get(language, ())
            if (content := _content_words(phrase))
        ]
        per_task = [{w for _, t, phrase in self._phrases if t is task for w in phrase}
                    for _, task, _ in self._phrases]
        frequency: Counter[str] = Counter(w for document in per_task for w in document)
        self._idf = {w: math.log((1 + len(per_task)) / (1 + n)) + 1 for w, n in frequency.items()}
        self._vocabulary = sorted(self._idf)
        # "bij de RDW", "SVB": an organisation named by its short name, whatever the task.
        owners: dict[str, set[str]] = {}
        for organisation in knowledge.organisations.values():
            for name in organisation.name.values():
                for short in re.findall(r"\b[A-Z]{2,5}\b", name):
                    owners.setdefault(words(short)[0], set()).add(organisation.key)
        # Only a short name that one organisation has ("RCN" is several units).
        self._short_names = {short: keys.pop() for short, keys in owners.items() if len(keys) == 1}

    def _resolve(self, query_words: list[str]) -> set[str]:
        resolved = set(query_words)
        for word in query_words:
            if len(word) >= MIN_FUZZY_LENGTH:  # known words too: "kambia" is also close to "kambio"
                close = get_close_matches(word, self._vocabulary, n=2, cutoff=FUZZY_CUTOFF)
                # A typo seldom hits the first two letters; "should" is not "schuld".
                resolved.update(match for match in close if match[:2] == word[:2])
        return resolved

    def _serves(self, organisation: Organisation, place: str | None) -> int:
        """2: serves exactly this island; 1: serves its region; 0: elsewhere. Where the
        place is unknown, the European Netherlands comes first and the islands' offices
        still count (only they handle the AOV)."""
        if place is None:
            return 2 if "europees_nederland" in organisation.serves else 1
        known = self.knowledge.places.get(place)
        region = known.region if known is not None else place
        if place in organisation.serves:
            return 2
        return 1 if region in organisation.serves else 0

    def find(self, text: str, place: str | None = None, limit: int = 3) -> list[Referral]:
        """The organisations and tasks `text` is about, best first, for the resident's place.

        `place` is an island or region key (the conversation's place), or None when it is
        not known; an island named in the text itself wins over it.
        """
        query_words = words(text)
        if not query_words:
            return []
        place = place_in(self.knowledge, text) or (place if isinstance(place, str) else None)
        query = self._resolve(query_words)
        best: dict[tuple[str, str], float] = {}
        for organisation, task, phrase in self._phrases:
            if all(word in query for word in phrase):
                # A longer phrase is more specific: "id kaart" says more than "kaart".
                weight = sum(self._idf.get(word, 1.0) for word in phrase) / len(phrase) * (1 + 0.5 * (len(phrase) - 1))
                key = (organisation.key, task.key)
                best[key] = max(best.get(key, 0.0), weight)
        referrals = []
        for (organisation_key, task_key), score in best.items():
            organisation = self.knowledge.organisations[organisation_key]
            serves = self._serves(organisation, place)
            if serves == 0 or score < MIN_SCORE:
                continue
            referrals.append(Referral(organisation, organisation.task(task_key), score))
        if not referrals:
            named = sorted({self._short_names[word] for word in query_words if word in self._short_names})
            organisations = [self.knowledge.organisations[key] for key in named]
            referrals = [Referral(o, None, MIN_SCORE) for o in organisations if self._serves(o, place)]
        # The resident's place first, then how well the words match.
        referrals.sort(key=lambda r: (-self._serves(r.organisation, place), -r.score, r.organisation.key))
        seen: set[str] = set()
        unique = []
        for referral in referrals:
            if referral.organisation.key not in seen:
                seen.add(referral.organisation.key)
                unique.append(referral)
        return unique[:limit]


def _content_words(phrase: str) -> tuple[str, ...]:
    found = words(phrase)
    content = tuple(word for word in found if word not in function_words() and word not in PARTICLES)
    return content or tuple(found)

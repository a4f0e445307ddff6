"""Find the topics a free-text question is about, tolerant of typos and spellings.

Two signals, both over folded words (accents stripped, Papiamentu spellings folded):
- names: how much of a topic's name or synonym the question contains, each word
  weighted by how rare it is among all names, with close matches for typos;
- content: TF-IDF overlap of the question with the topic's answer and fact texts.
Names count most: they are what people type.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cached_property

from bot import LANGUAGES
from bot.knowledge.model import KnowledgeBase, Topic
from bot.language.text import words

NAME_WEIGHT = 2.0
FUZZY_CUTOFF = 0.8
MIN_FUZZY_LENGTH = 4
MIN_SCORE = 0.35


@dataclass(frozen=True)
class Match:
    topic: Topic
    score: float


class TopicIndex:
    """An index over one knowledge base; build once, query many times."""

    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        self._names: dict[str, list[tuple[str, ...]]] = {
            topic.key: [tuple(words(name)) for language in LANGUAGES for name in topic.names.get(language, ())]
            for topic in knowledge.topics.values()
        }
        self._content: dict[str, Counter[str]] = {
            topic.key: Counter(w for text in _texts(topic) for w in words(text)) for topic in knowledge.topics.values()
        }

    @cached_property
    def _name_idf(self) -> dict[str, float]:
        return _idf([{w for name in names for w in name} for names in self._names.values()])

    @cached_property
    def _content_idf(self) -> dict[str, float]:
        return _idf([set(counts) for counts in self._content.values()])

    @cached_property
    def _vocabulary(self) -> list[str]:
        return sorted(set(self._name_idf) | set(self._content_idf))

    def _resolve(self, query_words: list[str]) -> set[str]:
        """The query's words plus the known words they are probably typos of."""
        resolved = set(query_words)
        for word in query_words:
            if word not in self._name_idf and word not in self._content_idf and len(word) >= MIN_FUZZY_LENGTH:
                resolved.update(get_close_matches(word, self._vocabulary, n=2, cutoff=FUZZY_CUTOFF))
        return resolved

    def _name_score(self, key: str, query: set[str], joined: str) -> float:
        best = 0.0
        for name in self._names[key]:
            if not name:
                continue
            total = sum(self._name_idf[w] for w in name)
            found = sum(self._name_idf[w] for w in name if w in query or (len(w) > 5 and w in joined))
            best = max(best, found / total if total else 0.0)
        return best

    def _content_score(self, key: str, query: set[str]) -> float:
        counts = self._content[key]
        weights = [self._content_idf.get(w, 0.0) for w in query]
        matched = sum(self._content_idf[w] * (1 + math.log(counts[w])) for w in query if counts[w])
        return matched / (sum(weights) * 3) if weights and sum(weights) else 0.0

    def search(self, text: str, limit: int = 3) -> list[Match]:
        """The best-matching topics, best first; empty when nothing fits well enough."""
        query_words = words(text)
        if not query_words:
            return []
        query = self._resolve(query_words)
        joined = "".join(query_words)
        scored = [
            Match(topic, NAME_WEIGHT * self._name_score(key, query, joined) + self._content_score(key, query))
            for key, topic in self.knowledge.topics.items()
        ]
        ranked = sorted((m for m in scored if m.score >= MIN_SCORE), key=lambda m: (-m.score, m.topic.key))
        return ranked[:limit]


def _texts(topic: Topic) -> list[str]:
    texts = [name for language in LANGUAGES for name in topic.names.get(language, ())]
    texts += list(topic.answer.values())
    texts += [text for fact in topic.facts for text in fact.text.values()]
    return texts


def _idf(documents: list[set[str]]) -> dict[str, float]:
    frequency: Counter[str] = Counter(w for document in documents for w in document)
    count = len(documents)
    return {w: math.log((1 + count) / (1 + n)) + 1 for w, n in frequency.items()}

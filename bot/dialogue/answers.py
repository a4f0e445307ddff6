"""What the assistant says about the knowledge base, independent of Rasa."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.dialogue.names import topic_for_intent, topic_intent
from bot.i18n import gettext, supported
from bot.knowledge import KnowledgeBase
from bot.knowledge.directory import DirectoryIndex
from bot.knowledge.lookup import TopicIndex
from bot.knowledge.model import Fact, Topic
from bot.knowledge.render import compose_answer, compose_referral, fact_line, fill, sources_line
from bot.knowledge.store import load_knowledge, make_engine
from bot.language.detection import function_words
from bot.language.text import words

# A lookup match this strong and this far ahead of the next means the message
# names the topic ("rent benefit"), so it is offered first when the NLU is unsure.
CLEAR_MATCH_SCORE = 1.5
CLEAR_MATCH_MARGIN = 0.5
# Topics the classifier gives at least this much are worth offering as a button.
MIN_OPTION_CONFIDENCE = 0.05
MAX_TOPIC_OPTIONS = 2
# Words of "do I qualify?" questions, folded: they say nothing about which fact is meant.
QUALIFY_WORDS = frozenset(
    "recht krijg krijgen aanmerking kunnen eligible qualify entitled still derecho derechi hana haya "
    "aplika apply benefit".split()
)


@dataclass(frozen=True)
class Option:
    """A button: what the user sees, and the message it sends."""

    title: str
    payload: str


class Answers:
    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        self.index = TopicIndex(knowledge)
        self.directory = DirectoryIndex(knowledge)

    def knows(self, topic_key: str | None) -> bool:
        return topic_key is not None and topic_key in self.knowledge.topics

    def topic(self, topic_key: str, language: str | None, island: str | None = None) -> str:
        """The answer about a topic; for someone on an island where it does not apply,
        what applies there instead (the place said earlier in the conversation counts)."""
        language = supported(language)
        topic = self.knowledge.topic(topic_key)
        place = self.knowledge.places.get(island) if isinstance(island, str) else None
        if place is not None and place.region not in topic.applies_in:
            return self._on_island(topic, place.region, place.display[language], language)
        return compose_answer(self.knowledge, topic_key, language)

    def referral(self, text: str, place: str | None, language: str | None) -> str | None:
        """Who handles the task in `text` for someone in `place`, and what to do; None if no entry fits."""
        found = self.directory.find(text, place, limit=1)
        if not found:
            return None
        best = found[0]
        return compose_referral(
            self.knowledge, best.organisation.key, best.task.key if best.task else None, supported(language)
        )

    def fact_question(self, topic_key: str, text: str, language: str | None) -> str | None:
        """The facts a "can I get X for Y?" question is really about ("for my service costs"),
        or None when it only asks whether the user qualifies, or gives values to check."""
        if any(ch.isdigit() for ch in text):
            return None  # values ("I am 19, my rent is 550"): the check reads them
        topic = self.knowledge.topic(topic_key)
        name_words = {w for names in topic.names.values() for name in names for w in words(name)}
        specific = [w for w in words(text) if len(w) >= 5 and w not in name_words and w not in QUALIFY_WORDS]
        facts = facts_about(topic, " ".join(specific), limit=2) if specific else ()
        if not facts:
            return None
        language = supported(language)
        lines = "\n".join(f"• {fact_line(fact, topic, language)}" for fact in facts)
        return "\n\n".join([topic.name(language), lines, sources_line(facts, self.knowledge, language)])

    def follow_up(self, topic_key: str | None, text: str, island: str | None, language: str | None) -> str | None:
        """Answer "en op Bonaire?" or "and for a VvE?" about the topic just discussed.

        None when the conversation has no topic or nothing in the topic fits.
        """
        language = supported(language)
        if not self.knows(topic_key):
            return None
        topic = self.knowledge.topic(topic_key)  # type: ignore[arg-type]
        place = self.knowledge.places.get(island) if isinstance(island, str) else None
        if place is not None:
            return self._on_island(topic, place.region, place.display[language], language)
        facts = facts_about(topic, text)
        if not facts:
            return None
        lines = "\n".join(f"• {fact_line(fact, topic, language)}" for fact in facts)
        return "\n\n".join([topic.name(language), lines, sources_line(facts, self.knowledge, language)])

    def _on_island(self, topic: Topic, region: str, place: str, language: str) -> str:
        name = topic.name(language)
        if region in topic.applies_in:
            lead = gettext(language, "{topic} also applies on {place}.", topic=name, place=place)
            return f"{lead}\n\n{self.topic(topic.key, language)}"
        lead = gettext(language, "{topic} does not apply on {place}.", topic=name, place=place)
        other = topic.instead_in.get(region)
        if other is None:
            return f"{lead} " + gettext(language, "Ask the public entity of the island what help there is.")
        return f"{lead} " + gettext(language, "This is what there is:") + f"\n\n{self.topic(other, language)}"

    def clear_topic_for(self, text: str) -> str | None:
        """The topic a message clearly names, or None when it is not clear."""
        matches = self.index.search(text, limit=2)
        if not matches or matches[0].score < CLEAR_MATCH_SCORE:
            return None
        if len(matches) > 1 and matches[0].score - matches[1].score < CLEAR_MATCH_MARGIN:
            return None
        return matches[0].topic.key

    def clarifying_options(
        self, ranking: Sequence[tuple[str, float]], text: str, language: str | None
    ) -> list[Option]:
        """Buttons for an unclear message: the two likeliest topics, then "something else"."""
        language = supported(language)
        keys: list[str] = []
        clear = self.clear_topic_for(text)
        if clear is not None:
            keys.append(clear)
        for intent, confidence in ranking:
            key = topic_for_intent(intent)
            if self.knows(key) and confidence >= MIN_OPTION_CONFIDENCE and key not in keys:
                keys.append(key)  # type: ignore[arg-type]
        options = [
            Option(self.knowledge.topic(key).name(language), f"/{topic_intent(key)}")
            for key in keys[:MAX_TOPIC_OPTIONS]
        ]
        return options + [Option(gettext(language, "Something else"), "/out_of_scope")]

    def capabilities(self, language: str | None) -> str:
        language = supported(language)
        groups = "\n".join(f"• {names[language]}" for names in self.knowledge.categories.values())
        return "\n\n".join(
            [
                gettext(language, "I answer questions about government schemes, with the source:"),
                groups,
                gettext(language, "Ask your question in your own words, in Dutch, Papiamentu or English."),
            ]
        )


@lru_cache(maxsize=1)
def answers_from_database(url: str | None = None) -> Answers:
    """The knowledge base as `loket build` stored it (DATABASE_URL, else var/loket.db)."""
    return Answers(load_knowledge(make_engine(url)))


def facts_about(topic: Topic, text: str, limit: int = 3) -> tuple[Fact, ...]:
    """The facts of `topic` that a follow-up question's words point to, best first.

    Words are weighted by how rare they are among the topic's facts, so "VvE" counts
    and "voor" hardly does; a word found in most facts cannot pick a fact on its own.
    """
    fact_words = [
        {w for language in topic.answer for w in words(fill(fact.text[language], topic, language))}
        for fact in topic.facts
    ]
    count = len(fact_words)
    query = {w for w in words(text) if len(w) >= 3} - function_words()
    found_in = {w: sum(w in fw for fw in fact_words) for w in query}
    telling = {w: math.log(count / n) for w, n in found_in.items() if n and (n <= count / 2 or count < 2)}
    if not telling:
        return ()
    scored = [
        (sum(telling.get(w, 0.0) for w in query & fw), fact)
        for fw, fact in zip(fact_words, topic.facts, strict=True)
    ]
    best = max(score for score, _ in scored)
    ranked = [fact for score, fact in sorted(scored, key=lambda pair: -pair[0]) if score > 0 and score >= best * 0.6]
    return tuple(ranked[:limit])

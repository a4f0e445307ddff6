"""What the assistant says about the knowledge base, independent of Rasa."""

from __future__ import annotations

from functools import lru_cache

from bot.i18n import gettext, supported
from bot.knowledge import KnowledgeBase
from bot.knowledge.lookup import TopicIndex
from bot.knowledge.render import compose_answer
from bot.knowledge.store import load_knowledge, make_engine

# When the NLU is unsure, a lookup match this strong and this far ahead of the next
# one means the user named the topic (e.g. "rent benefit"), so answer it.
CLEAR_MATCH_SCORE = 1.5
CLEAR_MATCH_MARGIN = 0.5


class Answers:
    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        self.index = TopicIndex(knowledge)

    def knows(self, topic_key: str | None) -> bool:
        return topic_key is not None and topic_key in self.knowledge.topics

    def topic(self, topic_key: str, language: str | None) -> str:
        return compose_answer(self.knowledge, topic_key, supported(language))

    def clear_topic_for(self, text: str) -> str | None:
        """The topic a message clearly names, or None when it is not clear."""
        matches = self.index.search(text, limit=2)
        if not matches or matches[0].score < CLEAR_MATCH_SCORE:
            return None
        if len(matches) > 1 and matches[0].score - matches[1].score < CLEAR_MATCH_MARGIN:
            return None
        return matches[0].topic.key

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

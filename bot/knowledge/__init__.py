"""The sourced knowledge base: reading, validating, storing, looking up, rendering."""

from bot.knowledge.files import KNOWLEDGE_DIR, KnowledgeError, Problem, read_knowledge
from bot.knowledge.model import Fact, Figure, KnowledgeBase, Topic
from bot.knowledge.validate import validate

__all__ = [
    "KNOWLEDGE_DIR",
    "Fact",
    "Figure",
    "KnowledgeBase",
    "KnowledgeError",
    "Problem",
    "Topic",
    "read_knowledge",
    "validate",
    "load_valid_knowledge",
]


def load_valid_knowledge(directory=KNOWLEDGE_DIR) -> KnowledgeBase:
    """Read and validate the YAML sources; raise KnowledgeError listing every problem."""
    knowledge, problems = read_knowledge(directory)
    problems += validate(knowledge)
    if problems:
        raise KnowledgeError(problems)
    return knowledge

"""The Informatiepunt desk: handovers made with a resident's consent, staff accounts
for the console, feedback on answers and the questions Loket could not answer.

Plain Python over the desk's own database (`bot.desk.store`), apart from the knowledge
base and the conversations. This module is the public interface.
"""

from bot.desk.desks import Desk, DesksError, deployed_desks, desks_for, load_desks
from bot.desk.feedback import GAP_REASONS, Feedback, TopicFeedback
from bot.desk.gaps import Group, Question, group_questions
from bot.desk.handovers import (
    CODE_ALPHABET,
    BadCode,
    Draft,
    Handover,
    Handovers,
    Line,
    Outcome,
    parse_code,
    shown,
)
from bot.desk.resident import (
    FEEDBACK_QUESTION,
    comment_noted,
    consent_question,
    feedback_buttons,
    handover_offer,
    handover_reply,
    not_helpful_reply,
    talk_to_person_button,
    thanks_for_feedback,
    withdraw_button,
    withdrawn_reply,
)
from bot.desk.services import Purged, feedback_store, handover_store, purge_desk, staff_store
from bot.desk.staff import Account, AuditEntry, Locked, LoginFailed, Session, Staff, WeakPassword
from bot.desk.store import desk_engine, dispose_engines
from bot.desk.summary import STAFF_LANGUAGES, labels, staff_summary, staff_time

__all__ = [
    "CODE_ALPHABET",
    "FEEDBACK_QUESTION",
    "GAP_REASONS",
    "STAFF_LANGUAGES",
    "Account",
    "AuditEntry",
    "BadCode",
    "Desk",
    "DesksError",
    "Draft",
    "Feedback",
    "Group",
    "Handover",
    "Handovers",
    "Line",
    "Locked",
    "LoginFailed",
    "Outcome",
    "Question",
    "Session",
    "Staff",
    "TopicFeedback",
    "WeakPassword",
    "deployed_desks",
    "desk_engine",
    "desks_for",
    "dispose_engines",
    "group_questions",
    "labels",
    "load_desks",
    "parse_code",
    "shown",
    "staff_time",
    "staff_summary",
    "Purged",
    "comment_noted",
    "handover_offer",
    "consent_question",
    "feedback_store",
    "feedback_buttons",
    "handover_reply",
    "handover_store",
    "not_helpful_reply",
    "purge_desk",
    "staff_store",
    "talk_to_person_button",
    "thanks_for_feedback",
    "withdraw_button",
    "withdrawn_reply",
]

"""The desk's stores as the settings in force configure them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.desk.feedback import Feedback
from bot.desk.handovers import Handovers
from bot.desk.staff import Staff
from bot.desk.store import desk_engine
from bot.settings import Settings, settings


def handover_store(config: Settings | None = None) -> Handovers:
    config = config or settings()
    return Handovers(desk_engine(config.desk_database_url), config.handover_days)


def feedback_store(config: Settings | None = None) -> Feedback:
    config = config or settings()
    return Feedback(desk_engine(config.desk_database_url), config.feedback_days)


def staff_store(config: Settings | None = None) -> Staff:
    config = config or settings()
    return Staff(desk_engine(config.desk_database_url), audit_days=config.audit_days)


@dataclass(frozen=True)
class Purged:
    handovers: int
    feedback: int
    staff: int  # expired sessions and old audit entries


def purge_desk(config: Settings | None = None) -> Purged:
    """Delete what has outlived its retention period: expired handovers, old feedback and
    unanswered questions, idle sessions and old audit entries."""
    config = config or settings()
    return Purged(handover_store(config).purge(), feedback_store(config).purge(), staff_store(config).purge())

"""Rasa custom actions for privacy: the statement, forgetting a conversation, and what
a new session keeps. Thin adapters over `bot.privacy` and `bot.dialogue`."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.conversation import reply_language
from bot.desk import handover_store
from bot.dialogue import FORGET_CANCELLED_INTENT, FORGET_CONFIRMED_INTENT, FORGET_MARK, SESSION_SLOTS, payload
from bot.i18n import N_, gettext
from bot.privacy import deployed_statement
from bot.settings import settings

DomainDict = dict[str, Any]
CODES_SLOT = "handover_codes"  # the codes of this conversation's handovers


WITHDRAW_FAILED = N_("Sorry, I could not withdraw your code just now. Please try again in a moment.")
logger = logging.getLogger(__name__)


def withdraw_codes(tracker: Tracker) -> int | None:
    """Delete this conversation's handovers; the number deleted, None if the desk database
    cannot be reached (forgetting the conversation goes on)."""
    codes = tracker.get_slot(CODES_SLOT) or []
    try:
        return handover_store().delete([code for code in codes if isinstance(code, str)]) if codes else 0
    except SQLAlchemyError:
        logger.exception("could not withdraw a handover")
        return None


class ActionPrivacyStatement(Action):
    """/privacy: what is stored, for how long, why, and how to delete it."""

    def name(self) -> str:
        return "action_privacy_statement"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=deployed_statement(reply_language(tracker), settings().retention_days))
        return []


class ActionConfirmForget(Action):
    """/vergeet, /forget, /lubidá: ask first, with yes and no buttons."""

    def name(self) -> str:
        return "action_confirm_forget"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = reply_language(tracker)
        dispatcher.utter_message(
            text=gettext(language, "Shall I delete this whole conversation? This cannot be undone."),
            buttons=[{"title": gettext(language, "Yes, delete it"), "payload": payload(FORGET_CONFIRMED_INTENT)},
                     {"title": gettext(language, "No, keep it"), "payload": payload(FORGET_CANCELLED_INTENT)}],
        )
        return []


class ActionForget(Action):
    """Say it is done; the channel deletes the conversation once Rasa has saved this turn."""

    def name(self) -> str:
        return "action_forget"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = reply_language(tracker)
        withdrawn = withdraw_codes(tracker)  # forgetting withdraws a handover too
        dispatcher.utter_message(text=gettext(language, "Done: this conversation is deleted. You can start again "
                                                        "whenever you like."))
        if withdrawn is None:
            dispatcher.utter_message(text=gettext(language, WITHDRAW_FAILED))
        dispatcher.utter_message(json_message=FORGET_MARK)
        return []


class ActionSessionStart(Action):
    """A new session keeps the language and the place, nothing else (bot.dialogue.SESSION_SLOTS)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        kept = [SlotSet(slot, tracker.get_slot(slot)) for slot in SESSION_SLOTS if tracker.get_slot(slot) is not None]
        return [SessionStarted(), *kept, ActionExecuted("action_listen")]

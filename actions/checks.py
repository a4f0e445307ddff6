"""Rasa forms for the entitlement checks: thin adapters over `bot.entitlements`.

What a check asks, in which order and when, and how an answer is read all come from
knowledge/rules/ through `bot.entitlements`; the slots, forms and questions
(`utter_ask_<slot>`) are generated from the same files by `loket build`. The forms
ask only for what is still missing, accept "weet ik niet", take corrections
("nee, 650 euro") and stop on "stop". They never ask for a name, BSN, address or
date of birth.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal
from functools import cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import answers_from_database, validate_check_form
from bot.entitlements import Checks, InvalidAnswer, result_text, still_to_ask
from bot.i18n import gettext

DomainDict = dict[str, Any]
BOOKKEEPING_SLOTS = ("check_stopped", "check_last_answered", "check_scheme")


@cache
def checks() -> Checks:
    return Checks(answers_from_database().knowledge)


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "nl"


class CheckFormValidation(FormValidationAction, ABC):
    """Reads each answer of one check's form; a subclass names the scheme. Abstract,
    so the action server registers only the subclasses."""

    @property
    @abstractmethod
    def scheme(self) -> str: ...

    def name(self) -> str:
        return validate_check_form(self.scheme)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("check_stopped"):
            return []
        questions = checks().questions[self.scheme]
        answers = {question.name: tracker.get_slot(question.slot) for question in questions}
        on_island = bool(checks().known_island(tracker.get_slot("island")) or checks().island_of(answers.get("place")))
        return still_to_ask(questions, answers, on_island)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The answers in the latest message: to the question asked, a correction of the
        one before, or values given in passing (which never overwrite earlier answers)."""
        asked = tracker.get_slot("requested_slot")
        understood = checks().reader(self.scheme).read(
            tracker.latest_message.get("text") or "", asked, tracker.get_slot("check_last_answered"))
        if understood.stop:
            return [SlotSet("check_stopped", True)]
        language = _language(tracker)
        events: list[EventType] = []
        for slot in await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain):
            if understood.unreadable == slot:
                dispatcher.utter_message(text=gettext(language, "Sorry, I could not read that answer."))
            if slot not in understood.values:
                continue
            if slot not in (asked, understood.corrected) and tracker.get_slot(slot) is not None:
                continue
            if understood.corrected == slot:
                dispatcher.utter_message(text=gettext(language, "Thanks, I changed your earlier answer."))
            value = understood.values[slot]
            # Slots travel as JSON: amounts as text ("1200.50"), read back with Decimal.
            events += [SlotSet(slot, str(value) if isinstance(value, Decimal) else value),
                       SlotSet("check_last_answered", slot)]
        return events

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # rasa_sdk's own run() keeps only the form's slots; the bookkeeping slots
        # (stopped, last answered) must survive too, so the events are put together here.
        asked = tracker.get_slot("requested_slot")
        events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if not events:
            # Nothing new (e.g. an answer it could not read, or nothing left to ask on an
            # island): mark the turn, or Rasa would reject the form's turn without a slot.
            events.append(SlotSet("check_last_answered", asked))
        return events + ([next_slot] if next_slot else [])


class ValidateHuurtoeslagForm(CheckFormValidation):
    scheme = "huurtoeslag"


class ValidateWarmtefondsForm(CheckFormValidation):
    scheme = "warmtefonds"


class ActionReportCheck(Action):
    """After a check form: the outcome first, then the reasons, then the sources."""

    def name(self) -> str:
        return "action_report_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = _language(tracker)
        scheme = tracker.get_slot("check_scheme")
        reset = [SlotSet(question.slot, None) for questions in checks().questions.values() for question in questions]
        reset += [SlotSet(slot, None) for slot in BOOKKEEPING_SLOTS]
        if tracker.get_slot("check_stopped") or scheme not in checks().questions:
            dispatcher.utter_message(text=gettext(language, "I stopped the check. You can ask me something else."))
            return reset
        answers = {question.name: tracker.get_slot(question.slot) for question in checks().questions[scheme]}
        try:
            year = checks().year_for(scheme, tracker.get_slot("check_year"))
            case = checks().from_answers(scheme, answers, year=year, island=tracker.get_slot("island"))
        except InvalidAnswer:  # a slot changed outside the form; start again rather than guess
            dispatcher.utter_message(text=gettext(language, "Sorry, I could not read that answer."))
            return reset
        result = checks().run(case, language)
        dispatcher.utter_message(text=result_text(result, language))
        if result.details.get("instead"):
            dispatcher.utter_message(text=answers_from_database().topic(str(result.details["instead"]), language))
        return reset

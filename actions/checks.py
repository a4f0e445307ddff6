"""Rasa forms for the entitlement checks: thin adapters over `bot.entitlements`.

What a check asks, in which order and when, and how an answer is read all come from
knowledge/rules/ through `bot.entitlements`; the slots, forms and questions
(`utter_ask_<slot>`) are generated from the same files by `loket build`. The forms
ask only for what is still missing, accept "weet ik niet", take corrections
("nee, 650 euro") and stop on "stop". They never ask for a name, BSN, address or
date of birth.

An unlikely answer ("ik ben 7") is asked back first: the form then requests the slot
`check_confirm`, which has no question of its own (the validation action says "Did
you mean ...?"), and keeps the answer there until yes or no. Values in the first
message are answered with the rules they already meet. After the check, the short
outcome stays in `check_outcome` for the session, so that an answer arriving late
("I am 30") is told the check has ended and what it found.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal
from functools import cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import reply_language
from bot.desk import handover_offer
from bot.dialogue import answers_from_database, check_payload, validate_check_form
from bot.entitlements import Checks, InvalidAnswer, Pending, outcome_summary, result_text, still_to_ask
from bot.i18n import gettext
from bot.settings import settings

DomainDict = dict[str, Any]
REQUESTED_SLOT = "requested_slot"
CONFIRM_SLOT = "check_confirm"  # {"slot": ..., "value": ...}: an unlikely answer waiting for yes or no
OUTCOME_SLOT = "check_outcome"  # what the last check of this session found (outcome_summary)
BOOKKEEPING_SLOTS = ("check_stopped", "check_last_answered", "check_scheme", CONFIRM_SLOT)


@cache
def checks() -> Checks:
    return Checks(answers_from_database().knowledge)


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
        one before, values given in passing (which never overwrite earlier answers), or
        yes/no to "Did you mean ...?"."""
        asked = tracker.get_slot(REQUESTED_SLOT)
        confirming = asked == CONFIRM_SLOT
        pending = Pending.from_slot(tracker.get_slot(CONFIRM_SLOT)) if confirming else None
        understood = checks().reader(self.scheme).read(
            tracker.latest_message.get("text") or "", None if confirming else asked,
            tracker.get_slot("check_last_answered"), pending)
        if understood.stop:
            return [SlotSet("check_stopped", True)]
        language = reply_language(tracker)
        if understood.problem is not None:
            dispatcher.utter_message(text=understood.problem.text(language))
        events: list[EventType] = []
        for slot in await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain):
            if slot not in understood.values:
                continue
            if slot not in (asked, understood.corrected) and tracker.get_slot(slot) is not None and \
                    not (pending and pending.slot == slot):
                continue
            if understood.corrected == slot:
                dispatcher.utter_message(text=gettext(language, "Thanks, I changed your earlier answer."))
            value = understood.values[slot]
            # Slots travel as JSON: amounts as text ("1200.50"), read back with Decimal.
            events += [SlotSet(slot, str(value) if isinstance(value, Decimal) else value),
                       SlotSet("check_last_answered", slot)]
        if understood.confirm is not None and understood.confirm_question is not None:
            dispatcher.utter_message(text=understood.confirm_question.text(language))
            events.append(SlotSet(CONFIRM_SLOT, understood.confirm.as_slot()))
        elif confirming:
            events.append(SlotSet(CONFIRM_SLOT, None))
        if asked is None and understood.values:
            self._rule_notes(dispatcher, tracker, events, language)
        return events

    def _rule_notes(self, dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType],
                    language: str) -> None:
        """When the check starts with values already given ("Ik ben 19 en mijn huur is 550
        euro"): the rules those values meet, before the next question."""
        slots = {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
        questions = checks().questions[self.scheme]
        answers = {q.name: slots.get(q.slot, tracker.get_slot(q.slot)) for q in questions}
        year = checks().year_for(self.scheme, tracker.get_slot("check_year"))
        reply = checks().notes_reply(self.scheme, answers, year, language, checks().known_island(
            tracker.get_slot("island")))
        if reply:
            dispatcher.utter_message(text=reply)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # rasa_sdk's own run() keeps only the form's slots; the bookkeeping slots
        # (stopped, last answered, an answer to confirm) must survive too, so the
        # events are put together here.
        asked = tracker.get_slot(REQUESTED_SLOT)
        events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        if tracker.get_slot(CONFIRM_SLOT) is not None and not tracker.get_slot("check_stopped"):
            # "Did you mean ...?" was asked above; the slot has no question of its own.
            next_slot: EventType | None = SlotSet(REQUESTED_SLOT, CONFIRM_SLOT)
        else:
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
    """After a check form: the outcome first, then the reasons, then the sources. Run
    when no check is going on (the rule for an answer that arrives after the check),
    it says the check has ended and what it found: `after_check`."""

    def name(self) -> str:
        return "action_report_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = reply_language(tracker)
        scheme = tracker.get_slot("check_scheme")
        if scheme is None and not tracker.get_slot("check_stopped"):
            return self.after_check(dispatcher, tracker)
        reset = [SlotSet(question.slot, None) for questions in checks().questions.values() for question in questions]
        reset += [SlotSet(slot, None) for slot in BOOKKEEPING_SLOTS]
        if tracker.get_slot("check_stopped") or scheme not in checks().questions:
            dispatcher.utter_message(text=gettext(language, "I stopped the check. You can ask me something else."))
            stopped = outcome_summary(None, scheme, stopped=True) if scheme in checks().questions else None
            return reset + [SlotSet(OUTCOME_SLOT, stopped)]
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
        if result.eligible is None:  # "can't tell yet": a person at a desk can look further
            dispatcher.utter_message(**handover_offer(language, settings().handover_days))
        return reset + [SlotSet(OUTCOME_SLOT, outcome_summary(result, scheme))]

    def after_check(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """ "I am 30", "about 700 dollars" after the check has ended: it has ended, and
        this is what it found. Any other message: ask to say it another way."""
        language = reply_language(tracker)
        if not checks().is_bare_answer(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(
                text=gettext(language, "Sorry, I didn't quite understand. Could you say it another way?"))
            return []
        outcome = last_outcome(tracker)
        scheme = outcome.get("scheme") if outcome else None
        buttons = [{"title": gettext(language, "Check if I qualify"), "payload": check_payload(scheme)}] \
            if isinstance(scheme, str) and scheme in checks().questions else []
        dispatcher.utter_message(text=checks().after_check_reply(outcome, language), buttons=buttons)
        return []


def last_outcome(tracker: Tracker) -> dict[str, Any] | None:
    """The outcome of this session's last check: the slot, or (while the domain does not
    declare it) its last SlotSet since the session started. Never an earlier session's."""
    outcome = tracker.get_slot(OUTCOME_SLOT)
    if isinstance(outcome, dict):
        return outcome
    found = None
    for event in tracker.events:
        if event.get("event") == "session_started":
            found = None
        elif event.get("event") == "slot" and event.get("name") == OUTCOME_SLOT:
            found = event.get("value")
    return found if isinstance(found, dict) else None


def last_check_answers(tracker: Tracker) -> tuple[str, dict[str, Any], str | None] | None:
    """The scheme, answers ({question name: value}) and year of this session's last check,
    read back from the events (the form's slots are emptied when it reports). For a
    handover the resident agreed to; None when no check ran this session."""
    slot_question = {question.slot: (scheme, question.name)
                     for scheme, questions in checks().questions.items() for question in questions}
    found: tuple[str, dict[str, Any], str | None] | None = None
    scheme: str | None = None
    answers: dict[str, Any] = {}
    year: str | None = None
    for event in tracker.events:
        if event.get("event") == "session_started":
            found, scheme, answers, year = None, None, {}, None
        if event.get("event") != "slot":
            continue
        name, value = event.get("name"), event.get("value")
        if name == "check_scheme" and isinstance(value, str):
            scheme, answers, year = value, {}, None
        elif name == "check_year" and value is not None:
            year = str(value)
        elif name in slot_question and value is not None and slot_question[name][0] == scheme:
            answers[slot_question[name][1]] = value
        elif name == OUTCOME_SLOT and isinstance(value, dict) and scheme is not None:
            found = (scheme, dict(answers), year)
    return found

"""Rasa forms for the entitlement checks: thin adapters over `bot.entitlements`.

The forms ask only for what is still missing (answers given earlier, even in the
first message, are kept), accept "weet ik niet", take corrections ("nee, 650 euro")
and stop on "stop". They never ask for a name, BSN, address or date of birth.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import answers_from_database
from bot.entities import EntityFinder
from bot.entitlements.conversation import (
    HUURTOESLAG_SLOTS,
    UNKNOWN,
    WARMTEFONDS_SLOTS,
    AnswerReader,
    Understood,
)
from bot.entitlements.huurtoeslag import HuurtoeslagCase
from bot.entitlements.service import Checks, find_island, result_text
from bot.entitlements.warmtefonds import WarmtefondsCase
from bot.i18n import gettext

DomainDict = dict[str, Any]
CHECK_FORMS = {"huurtoeslag": "huurtoeslag_form", "warmtefonds": "warmtefonds_form"}
DEFAULT_YEAR = 2026
BOOKKEEPING_SLOTS = frozenset({"check_stopped", "check_last_answered"})
_checks: Checks | None = None


def checks() -> Checks:
    global _checks
    if _checks is None:
        _checks = Checks(answers_from_database().knowledge)
    return _checks


def _reader() -> AnswerReader:
    knowledge = checks().knowledge
    islands = {name: key for key, place in knowledge.places.items() if place.kind == "island" for name in place.names}
    return AnswerReader(EntityFinder({}, islands))


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "nl"


def _understood(tracker: Tracker) -> Understood:
    return _reader().read(
        tracker.latest_message.get("text") or "",
        tracker.get_slot("requested_slot"),
        tracker.get_slot("check_last_answered"),
    )


def _extractor(slot: str) -> Callable[..., Coroutine[Any, Any, dict[str, Any]]]:
    async def extract(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        understood = _understood(tracker)
        asked = tracker.get_slot("requested_slot")
        if understood.stop:
            return {"check_stopped": True}
        if understood.unreadable == slot:
            dispatcher.utter_message(text=gettext(_language(tracker), "Sorry, I could not read that answer."))
            return {}
        if slot not in understood.values:
            return {}
        if slot != asked and slot != understood.corrected and tracker.get_slot(slot) is not None:
            return {}  # volunteered in passing: never overwrite an earlier answer
        if understood.corrected == slot:
            dispatcher.utter_message(text=gettext(_language(tracker), "Thanks, I changed your earlier answer."))
        value = understood.values[slot]
        # Slots travel as JSON: amounts as text ("1200.50"), read back with Decimal.
        return {slot: str(value) if isinstance(value, Decimal) else value, "check_last_answered": slot}

    return extract


class _CheckForm(FormValidationAction, ABC):
    """Shared by both check forms; abstract, so the action server skips it."""

    form_slots: tuple[str, ...] = ()

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[Any]:
        # rasa_sdk keeps only the form's own slots after validation; the bookkeeping
        # slots (stopped, last answered) must survive too.
        asked = tracker.get_slot("requested_slot")
        extraction = await self.get_extraction_events(dispatcher, tracker, domain)
        bookkeeping = [event for event in extraction if event.get("name") in BOOKKEEPING_SLOTS]
        tracker.add_slots(extraction)
        events = bookkeeping + await self._extract_validation_events(dispatcher, tracker, domain)
        if not any(event.get("name") != "requested_slot" for event in events):
            # Nothing left to ask (e.g. the user turned out to live on an island): Rasa
            # would take a turn without a new slot for an answer it did not understand.
            events.append(SlotSet("check_last_answered", asked))
        return events

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for slot in cls.form_slots:
            setattr(cls, f"extract_{slot}", staticmethod(_extractor(slot)))


class ValidateHuurtoeslagForm(_CheckForm):
    form_slots = HUURTOESLAG_SLOTS

    def name(self) -> str:
        return "validate_huurtoeslag_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("check_stopped") or tracker.get_slot("island"):
            return []  # stopped, or on an island where huurtoeslag does not apply
        return list(self.form_slots)


class ValidateWarmtefondsForm(_CheckForm):
    form_slots = WARMTEFONDS_SLOTS

    def name(self) -> str:
        return "validate_warmtefonds_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        place = tracker.get_slot("wf_place")
        if tracker.get_slot("check_stopped"):
            return []
        if tracker.get_slot("island") or find_island(checks().knowledge, place):
            return ["wf_place"]  # keep the place; nothing more to ask on an island
        slots = ["wf_place", "wf_owner"]
        owner = tracker.get_slot("wf_owner")
        if owner is False:
            slots.append("wf_vve")
        if owner is True or owner == UNKNOWN:
            slots.append("wf_income")
        return slots


QUESTIONS = {
    "ht_age": "How old are you?",
    "ht_rent": "What is your rent per month, in euros?",
    "ht_assets": "How much savings and other assets did you have on 1 January (together with a partner)?",
    "ht_partner": "Do you live together with a partner? (yes or no)",
    "ht_independent": "Does your home have its own front door, kitchen, toilet and shower? (yes or no)",
    "ht_registered": "Is everyone who lives in the home registered at the address? (yes or no)",
    "ht_residence": "Do you have Dutch nationality or a valid residence permit? (yes or no)",
    "wf_place": "In which town or on which island is the home?",
    "wf_owner": "Do you own the home and live in it yourself? (yes or no)",
    "wf_vve": "Are you asking for an owners' association (VvE)? (yes or no)",
    "wf_income": "What is the combined yearly income (verzamelinkomen) of you and your partner, in euros?",
}


def _question(slot: str, english: str) -> type[Action]:
    def run(self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[Any]:
        dispatcher.utter_message(text=gettext(_language(tracker), english))
        return []

    return type(f"AskFor_{slot}", (Action,), {"__module__": __name__, "name": lambda self: f"action_ask_{slot}",
                                              "run": run})


# One action per question, as Rasa forms ask through `action_ask_<slot>`.
_QUESTION_ACTIONS = [_question(slot, english) for slot, english in QUESTIONS.items()]


def _messages_for_translation() -> None:
    """The questions, spelled out once more for the message extractor (bot/locale)."""
    gettext("nl", "How old are you?")
    gettext("nl", "What is your rent per month, in euros?")
    gettext("nl", "How much savings and other assets did you have on 1 January (together with a partner)?")
    gettext("nl", "Do you live together with a partner? (yes or no)")
    gettext("nl", "Does your home have its own front door, kitchen, toilet and shower? (yes or no)")
    gettext("nl", "Is everyone who lives in the home registered at the address? (yes or no)")
    gettext("nl", "Do you have Dutch nationality or a valid residence permit? (yes or no)")
    gettext("nl", "In which town or on which island is the home?")
    gettext("nl", "Do you own the home and live in it yourself? (yes or no)")
    gettext("nl", "Are you asking for an owners' association (VvE)? (yes or no)")
    gettext("nl", "What is the combined yearly income (verzamelinkomen) of you and your partner, in euros?")


def _known(value: Any) -> Any:
    return None if value == UNKNOWN else value


def _amount(value: Any) -> Decimal | None:
    known = _known(value)
    return None if known is None else Decimal(str(known))


class ActionReportCheck(Action):
    """After a check form: the outcome first, then the reasons, then the sources."""

    def name(self) -> str:
        return "action_report_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[Any]:
        language = _language(tracker)
        scheme = tracker.get_slot("check_scheme")
        reset = [SlotSet(slot, None) for slot in (*HUURTOESLAG_SLOTS, *WARMTEFONDS_SLOTS)]
        reset += [SlotSet("check_stopped", None), SlotSet("check_last_answered", None), SlotSet("check_scheme", None)]
        if tracker.get_slot("check_stopped"):
            dispatcher.utter_message(text=gettext(language, "I stopped the check. You can ask me something else."))
            return reset
        knowledge = checks().knowledge
        if scheme == "huurtoeslag":
            year = tracker.get_slot("check_year")
            case = HuurtoeslagCase(
                year=int(year) if str(year) in ("2024", "2025", "2026") else DEFAULT_YEAR,
                age=None if _known(tracker.get_slot("ht_age")) is None else int(tracker.get_slot("ht_age")),
                rent=_amount(tracker.get_slot("ht_rent")),
                assets=_amount(tracker.get_slot("ht_assets")),
                partner=_known(tracker.get_slot("ht_partner")),
                independent=_known(tracker.get_slot("ht_independent")),
                registered=_known(tracker.get_slot("ht_registered")),
                lawful_residence=_known(tracker.get_slot("ht_residence")),
                island=tracker.get_slot("island"),
            )
            result = checks().huurtoeslag(case, language)
        else:
            place = _known(tracker.get_slot("wf_place"))
            case_wf = WarmtefondsCase(
                income=_amount(tracker.get_slot("wf_income")),
                owner=_known(tracker.get_slot("wf_owner")),
                vve=_known(tracker.get_slot("wf_vve")),
                place=place,
                island=tracker.get_slot("island") or find_island(knowledge, place),
            )
            result = checks().warmtefonds(case_wf, language)
        dispatcher.utter_message(text=result_text(result, language))
        if result.details.get("instead"):
            dispatcher.utter_message(text=answers_from_database().topic(str(result.details["instead"]), language))
        return reset

"""Rasa custom actions for the desk: a handover with consent, withdrawing it, and
"Did this help?". Thin adapters over `bot.desk`."""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.checks import ActionReportCheck, checks, last_check_answers, last_outcome
from actions.conversation import reply_language
from actions.privacy import CODES_SLOT, WITHDRAW_FAILED, ActionForget, withdraw_codes
from bot.desk import (
    Draft,
    Line,
    Outcome,
    comment_noted,
    desks_for,
    feedback_store,
    handover_offer,
    handover_reply,
    handover_store,
    not_helpful_reply,
    staff_summary,
    talk_to_person_button,
    thanks_for_feedback,
    withdraw_button,
    withdrawn_reply,
)
from bot.dialogue import (
    AFFIRM_INTENT,
    DENY_INTENT,
    FEEDBACK_HELPFUL_INTENT,
    HANDOVER_CONSENT_INTENT,
    REQUEST_HUMAN_INTENT,
    WITHDRAW_HANDOVER_INTENT,
    YES_NO_QUESTIONS,
    answers_from_database,
    payload,
    payload_intent,
    topic_for_intent,
)
from bot.entitlements import InvalidAnswer, result_text
from bot.i18n import gettext
from bot.settings import settings

DomainDict = dict[str, Any]
COMMENT_SLOT = "feedback_comment_for"
STAFF_LANGUAGES = ("nl", "en")
# Messages that are not the resident's question: a yes, a no, a greeting, asking for a person.
NOT_A_QUESTION = frozenset({AFFIRM_INTENT, DENY_INTENT, "greet", "thank", "goodbye", REQUEST_HUMAN_INTENT})
logger = logging.getLogger(__name__)


def _intent(tracker: Tracker) -> str | None:
    """The latest message's intent as the pipeline set it (a payload's or the yes/no reader's included)."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def _session_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The events of this session (an action in RECENT_EVENTS_ACTIONS gets only the last two user turns)."""
    events = list(tracker.events)
    starts = [index for index, event in enumerate(events) if event.get("event") == "session_started"]
    return events[starts[-1]:] if starts else events


def _user_text(event: dict[str, Any]) -> str | None:
    """What the user wrote or the button they pressed showed; None for a bare payload."""
    shown = (event.get("metadata") or {}).get("shown_as")
    text = event.get("text") or ""
    if isinstance(shown, str) and shown:
        return shown
    return None if text.startswith("/") else text


def open_question(tracker: Tracker) -> str:
    """The resident's question in their own words: the last message of this session that
    asked something, else the request for a person itself."""
    fallback = ""
    for event in reversed(_session_events(tracker)):
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if not text or text.startswith("/"):
            continue
        if intent not in NOT_A_QUESTION:
            return text
        if intent == REQUEST_HUMAN_INTENT and not fallback:
            fallback = text
    return fallback


def _transcript(tracker: Tracker) -> list[Line]:
    lines = []
    for event in _session_events(tracker):
        if event.get("event") == "user":
            text = _user_text(event)
            if text:
                lines.append(Line("user", text))
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(Line("bot", str(event["text"])))
    return lines


def _topics(tracker: Tracker) -> list[str]:
    found: list[str] = []
    for event in _session_events(tracker):
        if event.get("event") == "slot" and event.get("name") in ("topic", "check_scheme") \
                and isinstance(event.get("value"), str) and event["value"] not in found:
            found.append(event["value"])
    return found


def _channel(tracker: Tracker) -> str:
    prefix = tracker.sender_id.split("-", 1)[0]
    return prefix if prefix in ("widget", "telegram", "rest") else (tracker.get_latest_input_channel() or "rest")


def _island(tracker: Tracker) -> str | None:
    value = tracker.get_slot("island")
    return value if isinstance(value, str) else None


def _check_outcome(tracker: Tracker, language: str) -> tuple[dict[str, str], Outcome | None]:
    """The last check's answers and its outcome with reasons, written out for the resident and for staff."""
    found = last_check_answers(tracker)
    if found is None:
        return {}, None
    scheme, answers, year = found
    try:
        case = checks().from_answers(scheme, answers, year=checks().year_for(scheme, year), island=_island(tracker))
    except InvalidAnswer:
        return {name: str(value) for name, value in answers.items()}, None
    texts, eligible = {}, None
    for shown_in in {language, *STAFF_LANGUAGES}:
        result = checks().run(case, shown_in)
        texts[shown_in], eligible = result_text(result, shown_in), result.eligible
    return {name: str(value) for name, value in answers.items()}, Outcome(scheme, eligible, texts)


def offer_handover(dispatcher: CollectingDispatcher, language: str) -> None:
    """What would be shared and for how long, with yes and no buttons."""
    dispatcher.utter_message(**handover_offer(language, settings().handover_days))


def record_gap(tracker: Tracker, reason: str, topic: str | None = None) -> None:
    """A question Loket could not answer, for "Wat Loket niet wist"; never in the way of the reply."""
    try:
        feedback_store().gap(open_question(tracker), reply_language(tracker), reason, topic)
    except SQLAlchemyError:
        logger.exception("could not record an unanswered question")


class ActionOfferHandover(Action):
    """ "Ik wil een medewerker": say what a handover shares and for how long, and ask."""

    def name(self) -> str:
        return "action_offer_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        offer_handover(dispatcher, reply_language(tracker))
        return []


class ActionCreateHandover(Action):
    """Yes: copy what was agreed into a handover and give its code, the desks and how to withdraw it."""

    def name(self) -> str:
        return "action_create_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = reply_language(tracker)
        answers, outcome = _check_outcome(tracker, language)
        island = _island(tracker)
        draft = Draft(language=language, channel=_channel(tracker), question=open_question(tracker),
                      topics=_topics(tracker), place=island, answers=answers, outcome=outcome,
                      transcript=_transcript(tracker))
        knowledge = answers_from_database().knowledge
        summaries = {}
        for staff_language in STAFF_LANGUAGES:
            titles = {key: topic.name(staff_language) for key, topic in knowledge.topics.items()}  # type: ignore[arg-type]
            place = knowledge.places[island].display[staff_language] if island in knowledge.places else None
            summaries[staff_language] = staff_summary(draft, titles, place, staff_language)
        try:
            handover = handover_store().create(draft, summaries)
        except SQLAlchemyError:
            logger.exception("could not store a handover")
            dispatcher.utter_message(text=gettext(language, "Sorry, I could not make a code just now. Please try "
                                                            "again in a moment."))
            return []
        days = settings().handover_days
        dispatcher.utter_message(text=handover_reply(handover, desks_for(island), language, days),
                                 buttons=withdraw_button(language, payload(WITHDRAW_HANDOVER_INTENT)))
        codes = [*(tracker.get_slot(CODES_SLOT) or []), handover.code]
        return [SlotSet(CODES_SLOT, codes)]


class ActionWithdrawHandover(Action):
    """The button under a code: delete the handover."""

    def name(self) -> str:
        return "action_withdraw_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        removed = withdraw_codes(tracker)
        if removed is None:  # the desk database cannot be reached: keep the codes, to try again
            dispatcher.utter_message(text=gettext(reply_language(tracker), WITHDRAW_FAILED))
            return []
        dispatcher.utter_message(text=withdrawn_reply(reply_language(tracker), removed))
        return [SlotSet(CODES_SLOT, None)]


def _rated_topic(tracker: Tracker) -> str | None:
    topic = next(tracker.get_latest_entity_values("programme"), None) or tracker.get_slot("topic")
    return topic if isinstance(topic, str) and answers_from_database().knows(topic) else None


class ActionRecordFeedback(Action):
    """ "Did this help?" answered: yes thanks; no asks for one sentence, offers a person and
    logs the question for "Wat Loket niet wist"."""

    def name(self) -> str:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        helpful = _intent(tracker) in (FEEDBACK_HELPFUL_INTENT, AFFIRM_INTENT)
        return self.record(dispatcher, tracker, helpful)

    def record(self, dispatcher: CollectingDispatcher, tracker: Tracker, helpful: bool) -> list[EventType]:
        language, topic = reply_language(tracker), _rated_topic(tracker)
        if topic is None:  # a crafted payload, or a topic no longer known
            dispatcher.utter_message(text=thanks_for_feedback(language))
            return []
        try:
            token = feedback_store().rate(topic, language, helpful)
        except SQLAlchemyError:
            logger.exception("could not store feedback")
            token = None
        if helpful:
            dispatcher.utter_message(text=thanks_for_feedback(language))
            return []
        record_gap(tracker, "not_helpful", topic)
        dispatcher.utter_message(text=not_helpful_reply(language),
                                 buttons=talk_to_person_button(language, payload(REQUEST_HUMAN_INTENT)))
        return [SlotSet(COMMENT_SLOT, token)]


def take_comment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The message right after "no" on "Did this help?" is its optional comment, unless it
    is a question about a topic, a button or a yes or no. Read by the actions that answer
    a message with no topic (not understood, out of scope, a follow-up), so no action runs
    on every turn for it. None: not a comment, answer the message as usual."""
    token = tracker.get_slot(COMMENT_SLOT)
    # Only the message right after the slot was set; a later one is answered as usual (a
    # token left in the slot is never read again, and the next "no" replaces it).
    if not isinstance(token, str) or not _set_in_previous_turn(tracker, COMMENT_SLOT):
        return None
    text = tracker.latest_message.get("text") or ""
    intent = _intent(tracker) or ""
    if not text or text.startswith("/") or topic_for_intent(intent) is not None \
            or intent in (AFFIRM_INTENT, DENY_INTENT, REQUEST_HUMAN_INTENT):
        return None
    try:
        if feedback_store().comment(token, text):
            dispatcher.utter_message(text=comment_noted(reply_language(tracker)))
    except SQLAlchemyError:
        logger.exception("could not store a feedback comment")
    return [SlotSet(COMMENT_SLOT, None)]


def _set_in_previous_turn(tracker: Tracker, slot: str) -> bool:
    """The slot was set between the user's message before the latest one and the latest."""
    events = list(tracker.events)
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return False
    for event in reversed(events[:users[-1]]):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == slot and event.get("value") is not None:
            return True
    return False


def _asked_yes_no(tracker: Tracker) -> tuple[str, str, dict[str, Any]] | None:
    """The yes and no intents of the question the bot's last reply asked with buttons, and
    the yes button's entities; None if that reply asked none."""
    events = list(tracker.events)
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    for event in reversed(events[:users[-1]] if users else events):
        if event.get("event") == "user":
            return None
        if event.get("event") != "bot":
            continue
        buttons = (event.get("data") or {}).get("buttons") or []
        intents = {payload_intent(str(button.get("payload") or "")): button for button in buttons}
        for yes, no in YES_NO_QUESTIONS:
            if yes in intents and no in intents:
                raw = str(intents[yes].get("payload") or "")
                entities = json.loads(raw[raw.index("{"):]) if "{" in raw else {}
                return yes, no, entities if isinstance(entities, dict) else {}
    return None


class ActionYesNo(Action):
    """A typed "ja" or "nee": the answer to the buttons of the reply before it, else what
    it means in the dialogue (a late answer to a check, or ask again)."""

    def name(self) -> str:
        return "action_yes_no"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        yes = _intent(tracker) == AFFIRM_INTENT
        asked = _asked_yes_no(tracker)
        question = asked[0] if asked else None
        if question == HANDOVER_CONSENT_INTENT:
            if yes:
                return ActionCreateHandover().run(dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_human_handover")  # nothing stored: the usual referral
            return []
        if question == FEEDBACK_HELPFUL_INTENT:
            topic = asked[2].get("programme") if asked else None
            events = [SlotSet("topic", topic)] if isinstance(topic, str) else []
            if events:
                tracker.add_slots(events)
            return [*events, *ActionRecordFeedback().record(dispatcher, tracker, yes)]
        if question is not None:  # deleting the whole conversation
            if yes:
                return ActionForget().run(dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_forget_cancelled")
            return []
        if last_outcome(tracker) is not None:
            return ActionReportCheck().after_check(dispatcher, tracker)
        dispatcher.utter_message(
            text=gettext(reply_language(tracker), "Sorry, I didn't quite understand. Could you say it another way?"))
        return []

"""Rasa custom actions for answers: thin adapters over `bot.dialogue.answers`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.checks import ActionReportCheck, checks, last_outcome
from actions.conversation import reply_language
from actions.desk import offer_handover, record_gap, take_comment
from bot import LANGUAGES
from bot.desk import FEEDBACK_QUESTION, feedback_buttons
from bot.dialogue import (
    FEEDBACK_HELPFUL_INTENT,
    FEEDBACK_NOT_HELPFUL_INTENT,
    NON_TEXT_REPLY,
    answers_from_database,
    check_form,
    check_payload,
    payload,
    topic_for_intent,
)
from bot.entitlements import SCHEMES, asks_for_check
from bot.i18n import gettext

DomainDict = dict[str, Any]


class ActionAnswerTopic(Action):
    """Answer a question about a topic from the knowledge base, in the user's language."""

    def name(self) -> str:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if _late_check_answer(tracker):  # "I am 30" after the check ended: not a question about the topic
            return ActionReportCheck().after_check(dispatcher, tracker)
        answers = answers_from_database()
        topic = topic_for_intent(tracker.get_intent_of_latest_message())
        previous = tracker.get_slot("topic")
        if previous and previous != topic and answers.clear_topic_for(tracker.latest_message.get("text") or "") is None:
            follow_up = _island_follow_up(tracker)  # "i na Boneiru?" read as an island topic
            if follow_up is not None:
                dispatcher.utter_message(text=follow_up)
                return []
        if not answers.knows(topic):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        language = reply_language(tracker)
        has_check = topic in SCHEMES
        text = tracker.latest_message.get("text") or ""
        wants_check = asks_for_check(text) or any(
            entity.get("entity") == "check" for entity in tracker.latest_message.get("entities", [])
        )
        fact_reply = answers.fact_question(topic, text, language) if has_check and wants_check else None
        if fact_reply is not None:  # "Krijg ik nog huurtoeslag voor servicekosten?": the fact, then the check
            _answer_with_feedback(dispatcher, fact_reply, topic, language, _check_button(topic, language))
            return [SlotSet("topic", topic)]
        if has_check and wants_check:
            dispatcher.utter_message(text=gettext(
                language, "Let's check. I'll ask a few short questions; say 'stop' to stop. I never ask for your "
                          "name, BSN or address."))
            return [SlotSet("topic", topic), SlotSet("check_scheme", topic), FollowupAction(check_form(topic))]  # type: ignore[arg-type]
        buttons = []
        if has_check:
            buttons = _check_button(topic, language)  # type: ignore[arg-type]
        island = _island(tracker.get_slot("island"))
        _answer_with_feedback(dispatcher, answers.topic(topic, language, island), topic, language, buttons)
        return [SlotSet("topic", topic)]


class ActionAnswerFollowUp(Action):
    """ "en op Bonaire?" after an answer: the same topic, for that island or group."""

    def name(self) -> str:
        return "action_answer_follow_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if _late_check_answer(tracker):  # "I am 30" after the check ended reads like a follow-up too
            return ActionReportCheck().after_check(dispatcher, tracker)
        if (comment := take_comment(dispatcher, tracker)) is not None:
            return comment
        answers = answers_from_database()
        topic = tracker.get_slot("topic")
        if not answers.knows(topic):
            dispatcher.utter_message(
                text=gettext(
                    reply_language(tracker),
                    "Which scheme are you asking about? For example: rent benefit, the Warmtefonds or DigiD.",
                )
            )
            return []
        island = _island(next(tracker.get_latest_entity_values("island"), None))
        language = reply_language(tracker)
        reply = answers.follow_up(topic, tracker.latest_message.get("text") or "", island, language)
        if reply is None:
            dispatcher.utter_message(text=answers.topic(topic, language, _island(tracker.get_slot("island"))))
        else:
            dispatcher.utter_message(text=reply)
        return []


def _answer_with_feedback(dispatcher: CollectingDispatcher, text: str, topic: str, language: str,
                          buttons: list[dict[str, str]]) -> None:
    """An answer about a topic, asking "Did this help?" with yes and no buttons on the same message."""
    rated = feedback_buttons(language, payload(FEEDBACK_HELPFUL_INTENT, programme=topic),
                             payload(FEEDBACK_NOT_HELPFUL_INTENT, programme=topic))
    dispatcher.utter_message(text=f"{text}\n\n{gettext(language, FEEDBACK_QUESTION)}", buttons=[*buttons, *rated])


def _check_button(topic: str, language: str) -> list[dict[str, str]]:
    """The button under an answer that starts the topic's check."""
    return [{"title": gettext(language, "Check if I qualify"), "payload": check_payload(topic)}]


def _late_check_answer(tracker: Tracker) -> bool:
    """An answer to a check's question ("I am 30") that arrives after this session's check ended."""
    if tracker.active_loop.get("name") or last_outcome(tracker) is None:
        return False
    return checks().is_bare_answer(tracker.latest_message.get("text") or "")


def _island(value: object) -> str | None:
    """An island key from a slot or entity; anything else a crafted payload may hold is ignored."""
    return value if isinstance(value, str) else None


def _island_follow_up(tracker: Tracker) -> str | None:
    """A short message naming an island right after a topic's answer: the topic there."""
    island = _island(next(tracker.get_latest_entity_values("island"), None))
    text = tracker.latest_message.get("text") or ""
    if island is None or len(text.split()) > 4:
        return None
    return answers_from_database().follow_up(tracker.get_slot("topic"), text, island, reply_language(tracker))


def _referral(tracker: Tracker) -> str | None:
    """The directory's answer to the latest message, if an organisation handles it."""
    text = tracker.latest_message.get("text") or ""
    return answers_from_database().referral(text, _island(tracker.get_slot("island")), reply_language(tracker))


class ActionReferOrganisation(Action):
    """A task another organisation handles ("Wanneer krijg ik AOW?"): say who, and what to do."""

    def name(self) -> str:
        return "action_refer_organisation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        referral = _referral(tracker)
        if referral is None:
            dispatcher.utter_message(response="utter_out_of_scope")
            if tracker.get_intent_of_latest_message() == "out_of_scope":
                record_gap(tracker, "out_of_scope")
        else:
            dispatcher.utter_message(text=referral)
        return []


class ActionOutOfScope(Action):
    """Outside the topics: the organisation that handles it if the directory knows one, else
    the honest "I can't help with that" and the referral to a person."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if _late_check_answer(tracker):
            return ActionReportCheck().after_check(dispatcher, tracker)
        if (comment := take_comment(dispatcher, tracker)) is not None:
            return comment
        return ActionReferOrganisation().run(dispatcher, tracker, domain)


class ActionDefaultAskAffirmation(Action):
    """First stage of the two-stage fallback: a task the directory knows gets its organisation;
    otherwise offer the likeliest topics as buttons."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if _late_check_answer(tracker):
            return [*ActionReportCheck().after_check(dispatcher, tracker), UserUtteranceReverted()]
        if (comment := take_comment(dispatcher, tracker)) is not None:
            return comment
        follow_up = _island_follow_up(tracker)  # "i na Boneiru?" when the classifier is torn
        if follow_up is not None:
            dispatcher.utter_message(text=follow_up)
            return [UserUtteranceReverted()]
        referral = _referral(tracker)
        if referral is not None:
            dispatcher.utter_message(text=referral)
            return [UserUtteranceReverted()]
        message = tracker.latest_message
        ranking = [(item.get("name"), float(item.get("confidence", 0.0))) for item in message.get("intent_ranking", [])]
        language = reply_language(tracker)
        options = answers_from_database().clarifying_options(ranking, message.get("text") or "", language)
        dispatcher.utter_message(
            text=gettext(language, "I'm not sure I understood. Did you mean one of these?"),
            buttons=[{"title": option.title, "payload": option.payload} for option in options],
        )
        return []


class ActionDefaultAskRephrase(Action):
    """Second stage of the two-stage fallback: ask to say it another way."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=gettext(reply_language(tracker), "Sorry, I didn't quite understand. Could you say it another way?")
        )
        return []


class ActionDefaultFallback(Action):
    """Giving up honestly: say so, and offer a person (a handover, with consent)."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        language = reply_language(tracker)
        dispatcher.utter_message(text=gettext(language, "I'm sorry, I don't know the answer to this."))
        record_gap(tracker, "fallback")
        offer_handover(dispatcher, language)
        return [UserUtteranceReverted()]


class ActionNonText(Action):
    """A sticker or photo: ask for text in the conversation's language (else the app's)."""

    def name(self) -> str:
        return "action_non_text"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        # The language a message of this conversation showed or chose; before any, the app's.
        shown = tracker.get_slot("language_choice") or tracker.get_slot("language")
        hint = next(tracker.get_latest_entity_values("language_hint"), None)
        language = hint if not shown and hint in LANGUAGES else reply_language(tracker)
        dispatcher.utter_message(text=gettext(language, NON_TEXT_REPLY))
        return []


class ActionDescribeCapabilities(Action):
    """Say what Loket can help with, from the knowledge base's categories."""

    def name(self) -> str:
        return "action_describe_capabilities"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=answers_from_database().capabilities(reply_language(tracker)))
        return []

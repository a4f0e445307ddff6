"""What a resident reads about a handover and about feedback, in their language.

The texts are English msgids translated in bot/i18n/locale; the figures (days, the
code, the desks) are filled in here, so no reply can show a period or a place that
the settings and knowledge/desks.yml do not say.
"""

from __future__ import annotations

from bot.desk.desks import Desk
from bot.desk.handovers import Handover
from bot.dialogue import HANDOVER_CONSENT_INTENT, HANDOVER_DECLINED_INTENT, payload
from bot.i18n import N_, gettext
from bot.knowledge.render import link

WITHDRAW_COMMANDS = {"nl": "/vergeet", "pap": "/lubidá", "en": "/forget"}
FEEDBACK_QUESTION = N_("Did this help?")


def consent_question(language: str, days: int) -> str:
    return gettext(
        language,
        "I can pass your question to a person at a help desk, so you don't have to tell it all again. I would "
        "share: your question, the topics, the answers and outcome of a check, and this conversation, without "
        "personal numbers such as a BSN, IBAN, phone number, e-mail or date of birth. You get a code; the desk "
        "sees it only with that code, and it is deleted after {days} days, or sooner if you ask. Shall I make a "
        "code?", days=days)


def handover_offer(language: str, days: int) -> dict[str, object]:
    """The consent question with its yes and no buttons, as a reply's text and buttons."""
    return {"text": consent_question(language, days),
            "buttons": [{"title": gettext(language, "Yes, make a code"), "payload": payload(HANDOVER_CONSENT_INTENT)},
                        {"title": gettext(language, "No, thanks"), "payload": payload(HANDOVER_DECLINED_INTENT)}]}


def handover_reply(handover: Handover, desks: list[Desk], language: str, days: int) -> str:
    places = "; ".join(link(desk.name[language], desk.url) if desk.url else desk.name[language] for desk in desks)
    lines = [
        gettext(language, "Your code is {code}.", code=handover.shown_code),
        gettext(language, "Show it at {desks}. Staff there open your question with it.", desks=places),
        gettext(language, "The code is valid for {days} days.", days=days),
        gettext(language, "To withdraw it, send {command} or press the button.", command=WITHDRAW_COMMANDS[language]),
    ]
    return "\n".join(lines)


def withdraw_button(language: str, payload: str) -> list[dict[str, str]]:
    return [{"title": gettext(language, "Withdraw my code"), "payload": payload}]


def withdrawn_reply(language: str, removed: int) -> str:
    if removed:
        return gettext(language, "Done: your code is withdrawn and what it shared is deleted.")
    return gettext(language, "There is no open code to withdraw.")


def feedback_buttons(language: str, yes_payload: str, no_payload: str) -> list[dict[str, str]]:
    return [{"title": gettext(language, "Yes"), "payload": yes_payload},
            {"title": gettext(language, "No"), "payload": no_payload}]


def thanks_for_feedback(language: str) -> str:
    return gettext(language, "Thank you, that helps us improve Loket.")


def not_helpful_reply(language: str) -> str:
    return gettext(language, "Sorry it did not help. If you like, tell me in one sentence what you were looking for; "
                             "I pass it on without your name. Or talk to a person:")


def talk_to_person_button(language: str, payload: str) -> list[dict[str, str]]:
    return [{"title": gettext(language, "Talk to a person"), "payload": payload}]


def comment_noted(language: str) -> str:
    return gettext(language, "Thank you, I have noted that.")

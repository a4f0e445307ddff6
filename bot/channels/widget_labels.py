"""The web widget's own words, in every language Loket speaks.

English msgids translated in bot/locale/<language>.po like every other message,
so the widget's labels have one place and change with the widget's language.
"""

from __future__ import annotations

from bot import LANGUAGE_NAMES, LANGUAGES
from bot.i18n import gettext

WIDGET_MESSAGES: dict[str, str] = {
    "title": "Loket",
    "subtitle": "Help with government schemes",
    "open": "Chat with Loket",
    "close": "Close the chat",
    "language": "Language",
    "log": "Conversation with Loket",
    "welcome": "Hello! Ask your question about housing, rent benefit, energy, DigiD or other government "
               "schemes. I always name my source. Please do not type personal details such as your BSN.",
    "input": "Your question",
    "send": "Send",
    "typing": "Loket is typing…",
    "sending": "Sending…",
    "offline": "No connection. Your message is kept and sent again as soon as the connection is back.",
    "failed": "Something went wrong on our side. Your message is kept; try again in a moment.",
    "retry": "Try again",
    "new": "New conversation",
    "you": "You",
    "bot": "Loket",
    "options": "Choose an answer",
    "too_long": "Your message is too long. Please use fewer words.",
    "source": "Source",
}


def widget_labels() -> dict[str, dict[str, str]]:
    """{language: {label key: text}} for the widget script."""
    return {
        language: {key: gettext(language, message) for key, message in WIDGET_MESSAGES.items()}
        | {"language_name": LANGUAGE_NAMES[language]}
        for language in LANGUAGES
    }

"""The web widget's own words, in every language Loket speaks.

English msgids translated in bot/i18n/locale/<language>.po like every other message,
so the widget's labels have one place and change with the widget's language.
"""

from __future__ import annotations

from bot import LANGUAGE_NAMES, LANGUAGES
from bot.channels.rate_limits import RATE_LIMITED
from bot.i18n import N_, gettext
from bot.privacy.statement import delete_button_label, link_label

WIDGET_MESSAGES: dict[str, str] = {
    "title": N_("Loket"),
    "subtitle": N_("Help with government schemes"),
    "open": N_("Chat with Loket"),
    "close": N_("Close the chat"),
    "language": N_("Language"),
    "log": N_("Conversation with Loket"),
    "welcome": N_("Hello! Ask your question about housing, rent benefit, energy, DigiD or other government "
               "schemes. I always name my source. Please do not type personal details such as your BSN."),
    "input": N_("Your question"),
    "send": N_("Send"),
    "typing": N_("Loket is typing…"),
    "offline": N_("No connection. Your message is kept and sent again as soon as the connection is back."),
    "failed": N_("Something went wrong on our side. Your message is kept; try again in a moment."),
    "retry": N_("Try again"),
    "new": N_("New conversation"),
    "you": N_("You"),
    "bot": N_("Loket"),
    "options": N_("Choose an answer"),
    "too_long": N_("Your message is too long. Please use fewer words."),
    "source": N_("Source"),
}


def widget_labels() -> dict[str, dict[str, str]]:
    """{language: {label key: text}} for the widget script."""
    return {
        language: {key: gettext(language, message) for key, message in WIDGET_MESSAGES.items()}
        | {"language_name": LANGUAGE_NAMES[language], "rate_limited": gettext(language, RATE_LIMITED),
           "privacy": link_label(language), "forget": delete_button_label(language)}
        for language in LANGUAGES
    }

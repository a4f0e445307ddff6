"""What Loket's replies look like in Telegram, and what a typed /command asks.

Plain Python with no network. Replies use Telegram's HTML parse mode, so every text
is escaped; a reply longer than Telegram's limit is split at paragraphs, then lines,
then words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import User

from bot import LANGUAGES
from bot.channels.messages import BotMessage, Button, command_payload
from bot.channels.rate_limits import RATE_LIMITED
from bot.dialogue.names import switch_language_payload
from bot.i18n import N_, gettext
from bot.language.detection import named_language

MAX_MESSAGE_CHARS = 4096  # Telegram's limit on a message's text, after entities are parsed
SOURCE_LABELS = tuple(gettext(language, "Source") + ":" for language in LANGUAGES)
# The replies' one link markup, "[label](https://…)" (bot.knowledge.render.link).
LINK = re.compile(r"\[([^\]]+)\]\((https://[^\s)]+)\)")

# Commands Telegram users type, and what Loket's assistant is sent for them.
LANGUAGE_COMMANDS = frozenset({"taal", "language", "idioma", "lenga"})
HELP_COMMANDS = frozenset({"help", "hulp", "yudá", "yuda"})

# Texts the adapter itself sends; English msgids translated in bot/i18n/locale/*.po.
NOTICES: dict[str, str] = {
    "caption": N_("I cannot see pictures, so I only read the words with it."),
    "edited": N_("You changed a message. I only read new messages, so please send your question again."),
    "channel": N_("Loket answers in a private chat. Send me a message there."),
    "expired": N_("This button no longer works. Please type your question."),
    "rate_limited": RATE_LIMITED,
    "too_long": N_("Your message is too long. Please use fewer words."),  # the assistant reads 2,000 characters
    "unavailable": N_("Loket cannot answer right now. Please try again later, or ask an Informatiepunt Digitale "
                   "Overheid in the library."),
}


def notice(key: str, language: str) -> str:
    return gettext(language, NOTICES[key])


@dataclass(frozen=True)
class OutgoingMessage:
    """One Telegram message: HTML text and, on the last part of a reply, its buttons."""

    html: str
    buttons: tuple[Button, ...] = ()


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """`text` in parts of at most `limit` characters, broken where a reader would."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _escaped_with_links(text: str) -> str:
    parts, last = [], 0
    for match in LINK.finditer(text):
        parts.append(html.escape(text[last:match.start()], quote=False))
        label, url = match.groups()
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(label, quote=False)}</a>')
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


def to_html(text: str) -> str:
    """Escaped for parse_mode=HTML, links as links; the source line in italics, so it stands apart."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        escaped = _escaped_with_links(paragraph)
        paragraphs.append(f"<i>{escaped}</i>" if paragraph.startswith(SOURCE_LABELS) else escaped)
    return "\n\n".join(paragraphs)


def outgoing_messages(replies: Sequence[BotMessage]) -> list[OutgoingMessage]:
    """The Telegram messages for the assistant's replies."""
    messages: list[OutgoingMessage] = []
    for reply in replies:
        parts = split_text(reply.text) or [""]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            text = part or "\u2026"  # a reply of buttons only still needs a text
            messages.append(OutgoingMessage(to_html(text), reply.buttons if last else ()))
    return messages


def language_hint(user: User | None) -> str | None:
    """The user's Telegram language, if Loket speaks it (only a hint: the chat decides)."""
    code = ((user.language_code if user else None) or "").lower().split("-")[0]
    return code if code in LANGUAGES else None


def command_texts(text: str, language_hint: str | None) -> tuple[str, ...] | None:
    """What to send the assistant for a /command, or None if `text` is not one.

    Read from the text rather than with PTB's CommandHandler: every command, known or
    not, becomes something to ask, and "/yudá" is no valid Bot API command name.
    """
    if not text.startswith("/") or len(text) < 2 or not text[1].isalpha():
        return None
    fixed = command_payload(text)  # /vergeet, /forget, /lubidá, /privacy
    if fixed is not None:
        return (fixed,)
    command, _, argument = text[1:].partition(" ")
    command = command.split("@", 1)[0].lower()
    if command == "start":
        greet = f'/greet{{"language": "{language_hint}"}}' if language_hint else "/greet"
        return greet, switch_language_payload()
    if command in LANGUAGE_COMMANDS:
        return (switch_language_payload(named_language(argument) if argument.strip() else None),)
    if command in HELP_COMMANDS:
        return ("/capabilities",)
    words = " ".join(part for part in (command.replace("_", " "), argument.strip()) if part)
    return (words,)  # "/huurtoeslag" is read as the question "huurtoeslag"

"""What Loket sends to Telegram and what it makes of Telegram's updates.

Plain Python with no network: the adapter in `bot.channels.telegram` does the
talking. Replies use Telegram's HTML parse mode, so every text is escaped; a
reply longer than Telegram's limit is split at paragraphs, then lines, then words.
"""

from __future__ import annotations

import hashlib
import html
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot import LANGUAGES
from bot.channels.messages import BotMessage, Button
from bot.i18n import N_, gettext
from bot.language import named_language, switch_language_payload

MAX_MESSAGE_CHARS = 4096  # Telegram's limit on a message's text, after entities are parsed
MAX_CALLBACK_BYTES = 64  # Telegram's limit on an inline button's callback_data
SOURCE_LABELS = tuple(gettext(language, "Source") + ":" for language in LANGUAGES)

# Commands Telegram users type, and what Loket's assistant is sent for them.
LANGUAGE_COMMANDS = frozenset({"taal", "language", "idioma", "lenga"})
HELP_COMMANDS = frozenset({"help", "hulp", "yudá", "yuda"})

# Texts the adapter itself sends; English msgids translated in bot/locale/*.po.
NOTICES: dict[str, str] = {
    "non_text": N_("I can only read text. Please type your question in a few words."),
    "caption": N_("I cannot see pictures, so I only read the words with it."),
    "edited": N_("You changed a message. I only read new messages, so please send your question again."),
    "channel": N_("Loket answers in a private chat. Send me a message there."),
    "expired": N_("This button no longer works. Please type your question."),
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


def to_html(text: str) -> str:
    """Escaped for parse_mode=HTML; the source line in italics, so it stands apart."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        escaped = html.escape(paragraph, quote=False)
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


class PayloadBook:
    """Button payloads as callback_data: itself when short enough, else a key to look up.

    Telegram allows 64 bytes; a longer payload is kept here, the newest few thousand
    of them. A key that is gone (after a restart) reads as None: the button expired.
    """

    def __init__(self, size: int = 5000) -> None:
        self._size = size
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def callback_data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith("#"):
            return payload
        key = "#" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._size:
            self._payloads.popitem(last=False)
        return key

    def payload(self, callback_data: str | None) -> str | None:
        if not callback_data:
            return None
        if callback_data.startswith("#"):
            return self._payloads.get(callback_data)
        return callback_data


UpdateKind = Literal["text", "callback", "non_text", "caption", "edited", "channel", "ignored"]


@dataclass(frozen=True)
class Inbound:
    """What a Telegram update asks of Loket."""

    kind: UpdateKind
    chat_id: int | None = None
    texts: tuple[str, ...] = ()  # messages for the assistant, in order
    language_hint: str | None = None  # the user's Telegram language, if Loket speaks it
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None  # the message whose buttons were pressed


def command_texts(text: str, language_hint: str | None) -> tuple[str, ...] | None:
    """What to send the assistant for a /command, or None if `text` is not one."""
    if not text.startswith("/") or len(text) < 2 or not text[1].isalpha():
        return None
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


def _language(user: Mapping[str, Any] | None) -> str | None:
    code = str((user or {}).get("language_code") or "").lower().split("-")[0]
    return code if code in LANGUAGES else None


def read_update(update: Mapping[str, Any]) -> Inbound:
    """Classify an update as the Bot API sends it (a JSON object)."""
    if "callback_query" in update:
        query = update["callback_query"]
        message = query.get("message") or {}
        return Inbound(
            "callback", (message.get("chat") or {}).get("id"), language_hint=_language(query.get("from")),
            callback_id=query.get("id"), callback_data=query.get("data"), message_id=message.get("message_id"),
        )
    for key, kind in (("edited_message", "edited"), ("channel_post", "channel"), ("edited_channel_post", "channel")):
        if key in update:
            message = update[key]
            return Inbound(kind, (message.get("chat") or {}).get("id"), language_hint=_language(message.get("from")))
    message = update.get("message")
    if not isinstance(message, Mapping):
        return Inbound("ignored")
    chat_id = (message.get("chat") or {}).get("id")
    hint = _language(message.get("from"))
    text = str(message.get("text") or "").strip()
    if text:
        commands = command_texts(text, hint)
        if commands is not None:
            return Inbound("text", chat_id, commands, hint)
        return Inbound("text", chat_id, (text,), hint)
    caption = str(message.get("caption") or "").strip()
    if caption:
        return Inbound("caption", chat_id, (caption,), hint)
    return Inbound("non_text", chat_id, language_hint=hint)

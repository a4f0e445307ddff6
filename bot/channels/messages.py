"""What a channel shows of a conversation: the bot's messages with their buttons,
and the history of a conversation as Rasa's tracker recorded it.

Plain Python over the dictionaries Rasa's REST channel returns and its tracker
events serialise to, so both channels share it and it is tested without Rasa.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.dialogue.names import FORGET_INTENT, FORGET_MARK, PRIVACY_INTENT, payload
from bot.i18n import N_, gettext
from bot.language import conversation_language
from bot.language.text import strip_accents
from bot.privacy.statement import delete_commands

MAX_MESSAGE_CHARS = 2000
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[Button, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"from": "bot", "text": self.text, "buttons": [button.as_dict() for button in self.buttons]}


@dataclass(frozen=True)
class UserMessage:
    text: str
    message_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"from": "user", "text": self.text, "message_id": self.message_id}


HistoryEntry = BotMessage | UserMessage


def bot_message(raw: Mapping[str, Any]) -> BotMessage | None:
    """One message of Rasa's REST reply or of a `bot` event's data; None when it has nothing to show."""
    text = str(raw.get("text") or "").strip()
    buttons = tuple(
        Button(str(button.get("title", "")), str(button.get("payload", "")))
        for button in raw.get("buttons") or ()
        if isinstance(button, Mapping) and button.get("title") and button.get("payload")
    )
    if not text and not buttons:
        return None
    return BotMessage(text, buttons)


def bot_messages(raw_messages: Iterable[Mapping[str, Any]]) -> list[BotMessage]:
    return [message for raw in raw_messages if (message := bot_message(raw)) is not None]


def _shown_text(event: Mapping[str, Any]) -> str:
    """What the user saw themselves send: a button's title rather than its payload."""
    metadata = event.get("metadata") or {}
    shown = metadata.get("shown_as") if isinstance(metadata, Mapping) else None
    return str(shown or event.get("text") or "")


def _bot_event_message(event: Mapping[str, Any]) -> BotMessage | None:
    data = event.get("data") or {}
    buttons = data.get("buttons") if isinstance(data, Mapping) else None
    return bot_message({"text": event.get("text"), "buttons": buttons})


def conversation_history(events: Iterable[Mapping[str, Any]]) -> list[HistoryEntry]:
    """The messages a person saw, in order, from a tracker's events."""
    history: list[HistoryEntry] = []
    for event in events:
        if event.get("event") == "user":
            history.append(UserMessage(_shown_text(event), event.get("message_id")))
        elif event.get("event") == "bot" and (message := _bot_event_message(event)) is not None:
            history.append(message)
    return history


def replies_to(events: Sequence[Mapping[str, Any]], message_id: str) -> list[BotMessage] | None:
    """The bot's replies to the user message `message_id`, or None if it never arrived.

    A channel that resends a message after a lost connection gets these back
    instead of having the message handled twice.
    """
    for index, event in enumerate(events):
        if event.get("event") == "user" and event.get("message_id") == message_id:
            replies: list[BotMessage] = []
            for later in events[index + 1:]:
                if later.get("event") == "user":
                    break
                if later.get("event") == "bot" and (message := _bot_event_message(later)) is not None:
                    replies.append(message)
            return replies
    return None


class BadRequest(ValueError):
    """A request a channel cannot take; the message says what is wrong."""


@dataclass(frozen=True)
class IncomingMessage:
    """A message as the widget sends it, checked."""

    conversation_id: str
    message_id: str
    text: str
    shown_as: str | None = None


def message_text(value: object, field: str) -> str:
    """A user's message: a non-empty string of valid Unicode (no lone surrogates), not too long."""
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{field} must be a non-empty string")
    if len(value) > MAX_MESSAGE_CHARS:
        raise BadRequest(f"{field} is longer than {MAX_MESSAGE_CHARS} characters")
    if not _valid_unicode(value):
        raise BadRequest(f"{field} must be valid Unicode text")
    return value.strip()


def _valid_unicode(value: str) -> bool:
    """No lone surrogates ("\ud800" in JSON): they cannot be stored or logged."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def conversation_id(value: object) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        raise BadRequest("conversation_id must be a UUID such as " + str(uuid.uuid4()))
    return value


def incoming_message(body: object) -> IncomingMessage:
    """The widget's JSON body as a message, or BadRequest naming the field that is wrong."""
    if not isinstance(body, Mapping):
        raise BadRequest("the body must be a JSON object")
    message_id = body.get("message_id")
    if not isinstance(message_id, str) or not _UUID.match(message_id):
        raise BadRequest("message_id must be a UUID")
    text = message_text(body.get("text"), "text")
    shown_as = body.get("shown_as")
    if shown_as is not None and (not isinstance(shown_as, str) or len(shown_as) > MAX_MESSAGE_CHARS):
        raise BadRequest("shown_as must be a string")
    return IncomingMessage(conversation_id(body.get("conversation_id")), message_id, text, shown_as or None)


Sender = Literal["widget", "telegram", "rest"]
MAX_SENDER_CHARS = 128


def sender_id(channel: Sender, conversation: str | int) -> str:
    """The Rasa sender id of a conversation on a channel, so channels never share a tracker."""
    return f"{channel}-{conversation}"


@dataclass(frozen=True)
class RestMessage:
    sender: str
    text: str


def rest_message(body: object, trusted: bool) -> RestMessage:
    """Rasa's REST body ({"sender", "message"}) checked. A trusted caller (one with the
    REST token: the Telegram adapter, `loket chat`) addresses any conversation; anyone
    else's sender id is put in the `rest-` namespace, so it can never reach a widget or
    Telegram conversation."""
    if not isinstance(body, Mapping):
        raise BadRequest('the body must be a JSON object such as {"sender": "me", "message": "Hallo"}')
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS \
            or not _valid_unicode(sender):
        raise BadRequest(f"sender must be a non-empty string of at most {MAX_SENDER_CHARS} characters")
    text = message_text(text, "message")
    sender = sender.strip()
    return RestMessage(sender if trusted else sender_id("rest", sender), text)


# Commands people type, in any of the three languages, and the payload each becomes.
# The delete commands come from the privacy statement (knowledge/privacy.yml).
PRIVACY_COMMANDS = frozenset({"privacy", "privasidat"})


def _forget_commands() -> frozenset[str]:
    words = {command.removeprefix("/") for command in delete_commands().values()}
    return frozenset(words | {strip_accents(word) for word in words})


def command_payload(text: str) -> str | None:
    """ "/vergeet", "/forget", "/lubidá" -> "/forget"; "/privacy" -> "/privacy"; else None."""
    word = text.strip().lower()
    if not word.startswith("/") or " " in word:
        return None
    word = word[1:].split("@", 1)[0]  # "/vergeet@LoketBot" in a Telegram group
    if word in _forget_commands():
        return payload(FORGET_INTENT)
    if word in PRIVACY_COMMANDS:
        return payload(PRIVACY_INTENT)
    return None


def without_forget_mark(raw_messages: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], bool]:
    """The bot's messages without action_forget's mark, and whether it was there."""
    kept = [message for message in raw_messages if message.get("custom") != FORGET_MARK]
    return kept, len(kept) != len(raw_messages)


# A turn that produced no reply: the action server did not answer (it stopped, or it is
# restarting), and Rasa carries on without the action's messages. Never an empty reply.
NO_REPLY = N_("Sorry, something went wrong on our side. Please send your message again in a moment.")


def reply_language(slots: Mapping[str, Any]) -> str:
    """The conversation's language from its slots, by the rule every answer follows."""
    return conversation_language(slots.get("language_choice"), slots.get("language"), None)


def no_reply(language: str) -> str:
    return gettext(language, NO_REPLY)

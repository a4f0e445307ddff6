"""What Loket does with each kind of Telegram update.

PTB's handlers and filters sort the updates (a pressed button, a channel post, an
edited message, text, a caption, anything else); the callbacks here ask the assistant
and send its replies, or send a notice in the chat's language.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    InvalidCallbackData,
    MessageHandler,
    filters,
)

from bot import DEFAULT_LANGUAGE
from bot.channels.locks import ConversationLocks
from bot.channels.messages import MAX_MESSAGE_CHARS, BotMessage, sender_id
from bot.channels.rate_limits import RateLimits
from bot.channels.rest import AssistantUnavailable
from bot.channels.telegram_buttons import keyboard, payload
from bot.channels.telegram_delivery import Deliverer
from bot.channels.telegram_format import OutgoingMessage, command_texts, language_hint, notice, outgoing_messages
from bot.channels.telegram_rasa import RasaClient
from bot.dialogue import non_text_payload
from bot.language.detection import LanguageDetector

logger = logging.getLogger("loket.telegram")
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


class OnePerChat(BaseUpdateProcessor):
    """Updates of different chats at once, a chat's own one at a time in arrival order.

    PTB has all-at-once or one-at-a-time for the whole bot; a conversation needs its
    turns in order (Rasa keeps one tracker per chat), while one slow answer must not
    hold up the other chats: hence a lock per chat. The Application starts an update's
    task in arrival order and that task takes the lock before it awaits anything.
    """

    def __init__(self, max_concurrent_updates: int = 4096) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = ConversationLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._locks(chat.id):
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class ChatLanguages:
    """The language each chat was last answered in, read off the assistant's replies,
    so the adapter's own notices (a sticker, an edited message) use it too."""

    def __init__(self, detector: LanguageDetector, size: int = 100_000) -> None:
        self._detector = detector
        self._size = size
        self._languages: OrderedDict[int, str] = OrderedDict()

    def learn(self, chat_id: int, replies: Sequence[BotMessage]) -> None:
        for reply in replies:
            first_paragraph = reply.text.split("\n\n", 1)[0]
            language = self._detector.detect(first_paragraph).language
            if language:
                self._languages[chat_id] = language
                self._languages.move_to_end(chat_id)
        while len(self._languages) > self._size:
            self._languages.popitem(last=False)

    def of(self, chat_id: int, hint: str | None) -> str:
        """The chat's language; else the user's Telegram language if Loket speaks it; else Dutch."""
        return self._languages.get(chat_id) or hint or DEFAULT_LANGUAGE


class TelegramHandlers:
    def __init__(self, rasa: RasaClient, deliverer: Deliverer, languages: ChatLanguages,
                 limits: RateLimits | None = None) -> None:
        self.rasa = rasa
        self.deliverer = deliverer
        self.languages = languages
        # Per chat only: every update comes from Telegram's servers, so no address limit.
        self.limits = limits or RateLimits(flood_per_address_per_minute=0)

    def handlers(self) -> list[BaseHandler[Update, Any, None]]:
        """In order: the first that matches an update handles it; an update none matches is ignored."""
        message = filters.UpdateType.MESSAGE
        return [
            CallbackQueryHandler(self.pressed),
            MessageHandler(filters.UpdateType.CHANNEL_POSTS, self._notice("channel")),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, self._notice("edited")),
            MessageHandler(message & filters.TEXT, self.text),
            MessageHandler(message & filters.CAPTION, self.caption),
            MessageHandler(message, self.non_text),  # stickers, photos, voice, ...
        ]

    async def failed(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB's error handler: log with the update; the next updates still run."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("could not handle update %s", update_id, exc_info=context.error)

    # ---- the kinds of update ----

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None  # filters.TEXT
        text = message.text.strip()
        hint = language_hint(update.effective_user)
        await self._ask(context.bot, message.chat_id, hint, command_texts(text, hint) or (text,))

    async def caption(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A picture with words: the words are the question."""
        message = update.effective_message
        assert message is not None and message.caption is not None  # filters.CAPTION
        hint = language_hint(update.effective_user)
        await self._say(context.bot, message.chat_id, "caption", hint)
        await self._ask(context.bot, message.chat_id, hint, (message.caption.strip(),))

    async def non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A sticker, photo or voice message: the assistant asks for text, in the conversation's language."""
        message = update.effective_message
        assert message is not None  # filters.UpdateType.MESSAGE
        hint = language_hint(update.effective_user)
        await self._ask(context.bot, message.chat_id, hint, (non_text_payload(hint),))

    async def pressed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button: answer the query (a toast if it expired), clear the keyboard, ask its payload."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:  # a button under an inline-mode message: no chat to answer in
            return
        hint = language_hint(query.from_user)
        pressed = payload(query.data)
        expired = isinstance(pressed, InvalidCallbackData)
        toast = notice("expired", self.languages.of(chat.id, hint)) if expired else None
        await self.deliverer.call("answerCallbackQuery", {"chat_id": chat.id}, partial(query.answer, text=toast))
        if query.message is not None:
            await self.deliverer.call(
                "editMessageReplyMarkup", {"chat_id": chat.id, "message_id": query.message.message_id},
                partial(context.bot.edit_message_reply_markup, chat.id, query.message.message_id, reply_markup=None),
            )
        if not isinstance(pressed, InvalidCallbackData):
            await self._ask(context.bot, chat.id, hint, (pressed,))

    def _notice(self, key: str) -> Callback:
        async def send_notice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_chat is not None  # every message has a chat
            await self._say(context.bot, update.effective_chat.id, key, language_hint(update.effective_user))

        return send_notice

    # ---- answering ----

    async def _ask(self, bot: Bot, chat_id: int, hint: str | None, texts: Sequence[str]) -> None:
        if not (await self.limits.allow_async(sender_id("telegram", chat_id))).allowed:
            await self._say(bot, chat_id, "rate_limited", hint)
            return
        if any(len(text) > MAX_MESSAGE_CHARS for text in texts):  # Telegram allows 4,096; Loket reads 2,000
            await self._say(bot, chat_id, "too_long", hint)
            return
        for text in texts:
            try:
                replies = await self.rasa.ask(sender_id("telegram", chat_id), text)
            except AssistantUnavailable as error:
                logger.error("assistant unavailable for chat %s: %s", chat_id, error)
                await self._say(bot, chat_id, "unavailable", hint)
                return
            self.languages.learn(chat_id, replies)
            await self._send(bot, chat_id, outgoing_messages(replies))

    async def _say(self, bot: Bot, chat_id: int, key: str, hint: str | None) -> None:
        await self._send(bot, chat_id, [OutgoingMessage(notice(key, self.languages.of(chat_id, hint)))])

    async def _send(self, bot: Bot, chat_id: int, messages: Sequence[OutgoingMessage]) -> None:
        for message in messages:
            send = partial(bot.send_message, chat_id, message.html, parse_mode=ParseMode.HTML,
                           reply_markup=keyboard(message.buttons),
                           link_preview_options=LinkPreviewOptions(is_disabled=True))
            await self.deliverer.call("sendMessage", {"chat_id": chat_id, "text": message.html}, send)

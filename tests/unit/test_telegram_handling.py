"""Telegram updates as python-telegram-bot parses them (Update.de_json), handled by the
adapter's Application, with the Bot API replaced by PTB's own seam (a BaseRequest that
records every call) and the assistant by a stand-in. The Application's rate limiter is
the real AIORateLimiter, so a 429 waits its real `retry_after` (1 s here)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import defaultdict, deque
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram import Update
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest, RequestData

from bot.channels import telegram as adapter
from bot.channels.messages import BotMessage, Button
from bot.channels.rest import AssistantUnavailable
from bot.channels.telegram_delivery import Deliverer, rate_limiter
from bot.channels.telegram_format import notice
from bot.channels.telegram_handlers import ChatLanguages, TelegramHandlers
from bot.channels.telegram_runners import ALLOWED_UPDATES, SECRET_HEADER, WEBHOOK_PATH, poll, webhook_app
from bot.language.detection import project_detector
from bot.settings import settings

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Loket", "username": "loket_test_bot"}
SECRET = "s3cret_-"
CHECK_PAYLOAD = '/ask_huurtoeslag{"check": "yes"}'
LONG_PAYLOAD = '/ask_huurtoeslag{"check": "yes", "island": "sint_eustatius", "year": "2026"}'  # 75 bytes


class RecordingRequest(BaseRequest):
    """The Bot API in-process: records calls, answers as Telegram does, fails when told to."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.times: list[float] = []  # time.monotonic() of each call
        self.failures: dict[str, deque[tuple[int, dict[str, Any]]]] = defaultdict(deque)
        self.updates: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        self.calls.append((endpoint, params))
        self.times.append(time.monotonic())
        if self.failures[endpoint]:
            status, extra = self.failures[endpoint].popleft()
            return status, json.dumps({"ok": False, "error_code": status, "description": "Failure", **extra}).encode()
        return 200, json.dumps({"ok": True, "result": self._result(endpoint, params)}).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint == "getUpdates":
            offset = int(params.get("offset") or 0)
            return [update for update in self.updates if update["update_id"] >= offset]
        if endpoint in ("sendMessage", "editMessageReplyMarkup"):
            return {"message_id": int(params.get("message_id") or next(self._message_ids)), "date": 0,
                    "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER,
                    "text": params.get("text", "")}
        return True

    def of(self, endpoint: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == endpoint]

    def sent(self, chat_id: int | None = None) -> list[str]:
        return [params["text"] for params in self.of("sendMessage") if chat_id in (None, params["chat_id"])]


class Assistant:
    """Rasa's stand-in: records what it is asked and answers from a table."""

    def __init__(self, answers: dict[str, list[BotMessage]] | None = None, delays: dict[str, float] | None = None):
        self.answers = answers or {}
        self.delays = delays or {}
        self.asked: list[tuple[str, str]] = []

    async def ask(self, sender: str, text: str) -> list[BotMessage]:
        self.asked.append((sender, text))
        await asyncio.sleep(self.delays.get(text, 0))
        if text == "crash":
            raise RuntimeError("a bug")
        if text not in self.answers:
            raise AssistantUnavailable("no such answer")
        return self.answers[text]


ANSWERS = {
    "Wat is huurtoeslag?": [BotMessage("Huurtoeslag < huur & meer.\n\nBron: BZK 2024",
                                       (Button("Kijk of ik er recht op heb", CHECK_PAYLOAD),))],
    "Kiko ta e Warmtefonds?": [BotMessage("E Warmtefonds ta yuda bo ku un fiansa.")],
    "Hallo": [BotMessage("Hallo! Ik ben Loket.")],
    '/greet{"language": "en"}': [BotMessage("Hello! I'm Loket.")],
    "/switch_language": [BotMessage("Which language would you like?", (
        Button("Nederlands", '/switch_language{"language_choice": "nl"}'),
        Button("Papiamentu", '/switch_language{"language_choice": "pap"}'),
        Button("English", '/switch_language{"language_choice": "en"}')))],
    '/switch_language{"language_choice": "pap"}': [BotMessage("For di awor mi ta kontestá na papiamentu.")],
    CHECK_PAYLOAD: [BotMessage("Bo ta biba na Boneiru, Sint Eustatius of Saba?")],
    "te lang": [BotMessage("Kies maar.", (Button("Te lang", LONG_PAYLOAD), Button("Ja", "/affirm")))],
    "Is dit mijn brief?": [BotMessage("Dat kan ik niet zien.")],
    "lang": [BotMessage("x " * 2500, (Button("Ja", "/affirm"),))],
}


class Bot:
    """An Application with Loket's handlers, a recording Bot API and a stand-in assistant."""

    def __init__(self, tmp_path, assistant: Assistant | None = None) -> None:
        self.api = RecordingRequest()
        self.assistant = assistant or Assistant(ANSWERS)
        self.slept: list[float] = []  # the Deliverer's waits; the rate limiter's are real
        self.deliverer = Deliverer(tmp_path / "undelivered.jsonl", sleep=self._sleep)
        self.handlers = TelegramHandlers(self.assistant, self.deliverer,  # type: ignore[arg-type]
                                         ChatLanguages(project_detector()))
        self.config = settings({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_UNDELIVERED_FILE": str(tmp_path / "u.jsonl")})
        self.application = adapter.build_application(self.config, self.handlers, request=self.api)

    async def _sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def handle(self, *updates: dict[str, Any]) -> None:
        """Each update as PTB parses it, through the Application's handlers, one after the other.

        A new Application (same handlers, same Bot API) for each event loop, as its rate
        limiter's aiolimiter buckets belong to one loop."""
        self.application = adapter.build_application(self.config, self.handlers, request=self.api)

        async def main() -> None:
            async with self.application:
                for update in updates:
                    await self.application.process_update(Update.de_json(update, self.application.bot))

        asyncio.run(main())


_update_ids = itertools.count(1)


def user(chat_id: int = 5, language: str = "nl") -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Annemarie", "last_name": "Jansen",
            "username": "annemarie_j", "language_code": language}


def message(chat_id: int = 5, language: str = "nl", **content: Any) -> dict[str, Any]:
    return {"message_id": 1, "date": int(time.time()), "from": user(chat_id, language),
            "chat": {"id": chat_id, "type": "private", "first_name": "Annemarie"}, **content}


def text(value: str, chat_id: int = 5, language: str = "nl") -> dict[str, Any]:
    content: dict[str, Any] = {"text": value}
    if value.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(value.split()[0])}]
    return {"update_id": next(_update_ids), "message": message(chat_id, language, **content)}


def press(data: str, chat_id: int = 5, message_id: int = 77, language: str = "nl") -> dict[str, Any]:
    return {"update_id": next(_update_ids), "callback_query": {
        "id": "c1", "from": user(chat_id, language), "chat_instance": "1", "data": data,
        "message": {"message_id": message_id, "date": 0, "chat": {"id": chat_id, "type": "private"},
                    "from": BOT_USER, "text": "…"}}}


def test_a_question_is_answered_in_html_with_its_button(tmp_path):
    bot = Bot(tmp_path)
    bot.handle(text("Wat is huurtoeslag?"))
    assert bot.assistant.asked == [("telegram-5", "Wat is huurtoeslag?")]
    [reply] = bot.api.of("sendMessage")
    assert reply["text"] == "Huurtoeslag &lt; huur &amp; meer.\n\n<i>Bron: BZK 2024</i>"
    assert reply["parse_mode"] == "HTML" and reply["link_preview_options"] == {"is_disabled": True}
    [[button]] = reply["reply_markup"]["inline_keyboard"]
    assert (button["text"], button["callback_data"]) == ("Kijk of ik er recht op heb", CHECK_PAYLOAD)


def test_a_button_whose_payload_is_too_long_for_telegram_is_left_out(tmp_path, caplog):
    bot = Bot(tmp_path)
    with caplog.at_level(logging.WARNING, logger="loket.telegram"):
        bot.handle(text("te lang"))
    [reply] = bot.api.of("sendMessage")
    assert reply["text"] == "Kies maar." and reply["reply_markup"]["inline_keyboard"] == [
        [{"text": "Ja", "callback_data": "/affirm"}]]
    assert "left out" in caplog.text and LONG_PAYLOAD in caplog.text


def test_the_users_name_is_never_sent_to_the_assistant(tmp_path):
    bot = Bot(tmp_path)
    bot.handle(text("/start", language="en"), text("Hallo"), press('/switch_language{"language_choice": "pap"}'))
    assert {sender for sender, _ in bot.assistant.asked} == {"telegram-5"}
    asked = json.dumps(bot.assistant.asked)
    assert not any(name in asked for name in ("Annemarie", "Jansen", "annemarie_j"))


@pytest.mark.parametrize(
    "typed, asked",
    [
        ("/start", ['/greet{"language": "en"}', "/switch_language"]),
        ("/taal pap", ['/switch_language{"language_choice": "pap"}']),
        ("/language@loket_test_bot english", ['/switch_language{"language_choice": "en"}']),
        ("/idioma", ["/switch_language"]),
        ("/help", ["/capabilities"]),
        ("/huurtoeslag", ["huurtoeslag"]),
        ("  Wat is huurtoeslag?  ", ["Wat is huurtoeslag?"]),
    ],
)
def test_commands_and_text(tmp_path, typed, asked):
    bot = Bot(tmp_path)
    bot.handle(text(typed, language="en-GB"))
    assert [question for _, question in bot.assistant.asked] == asked


def test_start_greets_and_offers_the_languages(tmp_path):
    bot = Bot(tmp_path)
    bot.handle(text("/start", language="en"))
    greeting, choice = bot.api.of("sendMessage")
    assert greeting["text"] == "Hello! I'm Loket." and "reply_markup" not in greeting
    assert [row[0]["text"] for row in choice["reply_markup"]["inline_keyboard"]] == [
        "Nederlands", "Papiamentu", "English"]


def test_a_button_press_is_answered_its_keyboard_cleared_and_its_payload_asked(tmp_path):
    bot = Bot(tmp_path)
    bot.handle(text("Wat is huurtoeslag?"))
    [[button]] = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    bot.handle(press(button["callback_data"]))
    assert bot.assistant.asked[-1] == ("telegram-5", CHECK_PAYLOAD)
    [answered] = bot.api.of("answerCallbackQuery")
    assert answered == {"callback_query_id": "c1"}  # no toast
    [cleared] = bot.api.of("editMessageReplyMarkup")
    assert (cleared["chat_id"], cleared["message_id"], cleared.get("reply_markup")) == (5, 77, None)
    assert bot.api.sent()[-1] == "Bo ta biba na Boneiru, Sint Eustatius of Saba?"


def test_a_button_pressed_after_a_restart_still_works(tmp_path):
    Bot(tmp_path).handle(text("Wat is huurtoeslag?"))
    restarted = Bot(tmp_path)  # or another replica: nothing is remembered between them
    restarted.handle(press(CHECK_PAYLOAD))
    assert restarted.assistant.asked == [("telegram-5", CHECK_PAYLOAD)]
    assert restarted.api.of("answerCallbackQuery") == [{"callback_query_id": "c1"}]


# A key of the former PayloadBook, a foreign button's data, and none: no Loket payload.
@pytest.mark.parametrize("data", ["#5d41402abc4b2a76b9719d911017c592", "game:42", ""])
def test_an_expired_button_gets_a_polite_toast_in_the_users_language(tmp_path, data):
    bot = Bot(tmp_path)
    bot.handle(press(data, language="pap"))
    [answered] = bot.api.of("answerCallbackQuery")
    assert answered["text"] == notice("expired", "pap") != notice("expired", "nl")
    assert len(bot.api.of("editMessageReplyMarkup")) == 1
    assert bot.assistant.asked == [] and bot.api.sent() == []


def test_a_long_reply_is_split_with_the_buttons_on_the_last_part(tmp_path):
    bot = Bot(tmp_path)
    bot.handle(text("lang"))
    first, last = bot.api.of("sendMessage")
    assert len(first["text"]) <= 4096 and len(last["text"]) <= 4096
    assert "reply_markup" not in first and last["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ja"


STICKER = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512,
           "is_animated": False, "is_video": False}
PHOTO = [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]


@pytest.mark.parametrize(
    "update, key",
    [
        ({"edited_message": {**message(text="Hallo"), "edit_date": 1}}, "edited"),
        ({"channel_post": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "channel"}, "text": "x"}},
         "channel"),
        ({"edited_channel_post": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "channel"}, "text": "x",
                                  "edit_date": 1}}, "channel"),
    ],
)
def test_updates_without_text_get_a_notice_and_ask_nothing(tmp_path, update, key):
    bot = Bot(tmp_path)
    bot.handle({"update_id": next(_update_ids), **update})
    assert bot.api.sent(5) == [notice(key, "nl")] and bot.assistant.asked == []


@pytest.mark.parametrize(
    "content",
    [{"sticker": STICKER}, {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, {"photo": PHOTO}],
)
def test_a_sticker_photo_or_voice_message_asks_the_assistant_which_knows_the_conversations_language(
    tmp_path, content
):
    bot = Bot(tmp_path)
    bot.handle({"update_id": next(_update_ids), "message": message(**content)})
    assert bot.assistant.asked == [("telegram-5", '/non_text{"language_hint":"nl"}')]


def test_notices_are_in_the_language_the_chat_was_answered_in(tmp_path):
    bot = Bot(tmp_path)
    edited = {"update_id": next(_update_ids), "edited_message": {**message(text="Kiko?"), "edit_date": 1}}
    bot.handle(text("Kiko ta e Warmtefonds?"), edited)
    assert bot.api.sent()[-1] == notice("edited", "pap")


def test_a_notice_uses_the_users_telegram_language_before_the_chat_has_one(tmp_path):
    bot = Bot(tmp_path)
    edited = {**message(language="en", text="Hi"), "edit_date": 1}
    bot.handle({"update_id": next(_update_ids), "edited_message": edited})
    assert bot.api.sent() == [notice("edited", "en")]


def test_a_caption_is_read_as_the_question(tmp_path):
    bot = Bot(tmp_path)
    bot.handle({"update_id": next(_update_ids), "message": message(photo=PHOTO, caption="Is dit mijn brief?")})
    assert bot.api.sent() == [notice("caption", "nl"), "Dat kan ik niet zien."]
    assert bot.assistant.asked == [("telegram-5", "Is dit mijn brief?")]


def test_an_update_loket_has_no_handler_for_is_ignored(tmp_path):
    bot = Bot(tmp_path)
    bot.handle({"update_id": next(_update_ids), "my_chat_member": {
        "chat": {"id": 5, "type": "private"}, "from": user(), "date": 0,
        "old_chat_member": {"status": "member", "user": BOT_USER},
        "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0}}})
    assert bot.api.of("sendMessage") == [] and bot.assistant.asked == []


def test_an_unavailable_assistant_gets_a_notice(tmp_path):
    bot = Bot(tmp_path, Assistant({}))
    bot.handle(text("Wat is huurtoeslag?", language="en"))
    assert bot.api.sent() == [notice("unavailable", "en")]


def test_a_failing_update_is_logged_and_the_next_one_still_answered(tmp_path, caplog):
    bot = Bot(tmp_path)
    with caplog.at_level(logging.ERROR, logger="loket.telegram"):
        bot.handle(text("crash"), text("Hallo"))
    assert "could not handle update" in caplog.text and "a bug" in caplog.text
    assert bot.api.sent() == ["Hallo! Ik ben Loket."]


TOO_MANY = (429, {"parameters": {"retry_after": 1}})


def sends(bot: Bot, chat_id: int = 5) -> list[tuple[str, float]]:
    """Each sendMessage try to the chat (refused ones too): its text and when."""
    return [(params["text"], at) for (name, params), at in zip(bot.api.calls, bot.api.times, strict=True)
            if name == "sendMessage" and params["chat_id"] == chat_id]


def test_a_429_waits_retry_after_in_the_rate_limiter_and_5xx_back_off_in_the_deliverer(tmp_path):
    bot = Bot(tmp_path)
    bot.api.failures["sendMessage"].extend([TOO_MANY, (500, {}), (502, {})])
    bot.handle(text("Hallo"))
    tries = sends(bot)
    assert [sent for sent, _ in tries] == ["Hallo! Ik ben Loket."] * 4
    assert tries[1][1] - tries[0][1] >= 1.0  # retry_after, waited by AIORateLimiter
    assert bot.slept == [0.5, 1.0]  # the 5xx only
    assert not bot.deliverer.undelivered.exists()


def test_during_a_429_a_chats_replies_keep_their_order_and_other_chats_wait(tmp_path):
    assistant = Assistant({"a": [BotMessage("first")], "b": [BotMessage("second")], "c": [BotMessage("other chat")]},
                          delays={"c": 0.2})
    bot = Bot(tmp_path, assistant)
    bot.api.failures["sendMessage"].append(TOO_MANY)

    async def main() -> None:
        async with bot.application:
            await bot.application.start()
            for update in (text("a"), text("b"), text("c", chat_id=6)):
                await bot.application.update_queue.put(Update.de_json(update, bot.application.bot))
            await bot.application.update_queue.join()
            await bot.application.stop()

    asyncio.run(main())
    chat_5, [(_, other_at)] = sends(bot, 5), sends(bot, 6)
    assert [sent for sent, _ in chat_5] == ["first", "first", "second"]
    assert chat_5[1][1] - chat_5[0][1] >= 1.0 and other_at - chat_5[0][1] >= 1.0
    assert bot.slept == [] and not bot.deliverer.undelivered.exists()


def test_a_429_the_rate_limiter_gives_up_on_is_kept_and_the_chat_goes_on(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(adapter, "rate_limiter", lambda: rate_limiter(max_retries=1))
    bot = Bot(tmp_path)
    bot.api.failures["sendMessage"].extend([TOO_MANY, TOO_MANY])
    with caplog.at_level(logging.ERROR, logger="loket.telegram"):
        bot.handle(text("Hallo"), text("Hallo"))
    assert [sent for sent, _ in sends(bot)] == ["Hallo! Ik ben Loket."] * 3  # two tries, then the next reply
    [entry] = [json.loads(line) for line in bot.deliverer.undelivered.read_text().splitlines()]
    assert (entry["what"], entry["chat_id"], entry["text"]) == ("sendMessage", 5, "Hallo! Ik ben Loket.")
    assert "Flood control exceeded" in entry["error"] and bot.slept == []


def test_the_adapter_retries_a_429_four_times(tmp_path):
    limiter = Bot(tmp_path).application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter) and limiter._max_retries == 4  # five tries, as for 5xx


def test_a_reply_that_keeps_failing_is_logged_and_kept(tmp_path, caplog):
    bot = Bot(tmp_path)
    bot.api.failures["sendMessage"].extend([(500, {})] * 5)
    with caplog.at_level(logging.ERROR, logger="loket.telegram"):
        bot.handle(text("Hallo"), text("Hallo"))
    [entry] = [json.loads(line) for line in bot.deliverer.undelivered.read_text().splitlines()]
    assert (entry["what"], entry["chat_id"], entry["text"]) == ("sendMessage", 5, "Hallo! Ik ben Loket.")
    assert "not delivered after 5 attempt(s)" in caplog.text
    assert len(bot.api.of("sendMessage")) == 6  # five tries, then the next update's reply


def test_a_chats_updates_are_answered_in_order_while_other_chats_go_on(tmp_path):
    assistant = Assistant({"slow": [BotMessage("first")], "fast": [BotMessage("second")],
                           "other": [BotMessage("other chat")]}, delays={"slow": 0.3})
    bot = Bot(tmp_path, assistant)

    async def main() -> None:
        async with bot.application:
            await bot.application.start()
            for update in (text("slow"), text("fast"), text("other", chat_id=6)):
                await bot.application.update_queue.put(Update.de_json(update, bot.application.bot))
            await bot.application.update_queue.join()
            await bot.application.stop()

    asyncio.run(main())
    assert bot.api.sent() == ["other chat", "first", "second"]


def test_the_webhook_checks_the_secret_and_queues_parsed_updates(tmp_path):
    bot = Bot(tmp_path)
    update = text("Wat is huurtoeslag?")

    async def main() -> list[int]:
        client = TestClient(TestServer(webhook_app(bot.application, SECRET)))
        async with client:
            statuses = []
            for headers, body in [({}, json.dumps(update)), ({SECRET_HEADER: "wrong"}, json.dumps(update)),
                                  ({SECRET_HEADER: SECRET}, "{not json"), ({SECRET_HEADER: SECRET}, "{}"),
                                  ({SECRET_HEADER: SECRET}, '{"update_id": 1, "message": "not an object"}'),
                                  ({SECRET_HEADER: SECRET}, json.dumps(update))]:
                response = await client.post(WEBHOOK_PATH, data=body, headers=headers)
                statuses.append(response.status)
            health = await client.get("/health")
            assert (health.status, await health.json()) == (200, {"status": "ok"})
        return statuses

    assert asyncio.run(main()) == [403, 403, 400, 400, 400, 200]
    queued = bot.application.update_queue.get_nowait()
    assert isinstance(queued, Update) and queued.update_id == update["update_id"]
    assert queued.effective_message.text == "Wat is huurtoeslag?" and queued.effective_chat.id == 5
    assert bot.application.update_queue.empty()


def test_a_webhook_without_a_secret_refuses_everything(tmp_path):
    bot = Bot(tmp_path)

    async def main() -> int:
        async with TestClient(TestServer(webhook_app(bot.application, None))) as client:
            response = await client.post(WEBHOOK_PATH, json=text("Hallo"), headers={SECRET_HEADER: ""})
            return response.status

    assert asyncio.run(main()) == 403 and bot.application.update_queue.empty()


def test_polling_deletes_the_webhook_and_answers_queued_updates(tmp_path):
    bot = Bot(tmp_path)
    bot.api.updates.append(text("Hallo", chat_id=8))

    async def main() -> None:
        stop = asyncio.Event()
        async with bot.application:
            await bot.application.start()
            polling = asyncio.create_task(poll(bot.application, stop))
            for _ in range(200):
                if bot.api.sent(8):
                    break
                await asyncio.sleep(0.02)
            stop.set()
            await polling
            await bot.application.stop()

    asyncio.run(main())
    endpoints = [name for name, _ in bot.api.calls]
    assert "deleteWebhook" in endpoints and endpoints.index("deleteWebhook") < endpoints.index("getUpdates")
    assert bot.api.sent(8) == ["Hallo! Ik ben Loket."]
    assert bot.api.of("getUpdates")[0]["allowed_updates"] == ALLOWED_UPDATES

"""Telegram end to end: updates posted to the adapter's webhook as Telegram posts them,
the real assistant behind it, and a fake Bot API that records what the user would see."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.tooling.servers import free_port

from .fake_bot_api import FakeBotApi

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.telegram]

SECRET = "loket-test_secret-1"
_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


class Adapter:
    def __init__(self, port: int, process: subprocess.Popen[bytes], undelivered: Path, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}/telegram"
        self.health = f"http://127.0.0.1:{port}/health"
        self.process = process
        self.undelivered = undelivered
        self.log = log

    def post(self, update: dict, secret: str | None = SECRET, raw: bytes | None = None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(self.url, data=raw or json.dumps(update).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def start_adapter(assistant, fake: FakeBotApi, tmp_path: Path, webhook: bool) -> Adapter:
    port = free_port()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
           "LOKET_TELEGRAM_PORT": str(port), "LOKET_RASA_URL": assistant.url, "LOKET_REST_TOKEN": assistant.rest_token,
           "TELEGRAM_UNDELIVERED_FILE": str(tmp_path / "undelivered.jsonl")}
    if webhook:
        env |= {"TELEGRAM_WEBHOOK_URL": "https://loket.example/telegram", "TELEGRAM_WEBHOOK_SECRET": SECRET}
    log = tmp_path / "telegram.log"
    # At DEBUG, so that the test of the logs sees everything any library writes.
    command = [str(Path(sys.executable).parent / "loket"), "telegram", "--log-level", "DEBUG"]
    process = subprocess.Popen(command, env=env,  # noqa: S603
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    adapter = Adapter(port, process, tmp_path / "undelivered.jsonl", log)
    deadline = time.monotonic() + 60
    while webhook:
        try:
            with urllib.request.urlopen(adapter.health, timeout=2):  # noqa: S310
                break
        except OSError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the adapter did not start"
            time.sleep(0.3)
    return adapter


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def fake():
    with FakeBotApi() as api:
        yield api


@pytest.fixture(scope="module")
def adapter(assistant, fake, tmp_path_factory):
    adapter = start_adapter(assistant, fake, tmp_path_factory.mktemp("telegram"), webhook=True)
    yield adapter
    stop(adapter.process)


def new_chat() -> int:
    return random.randint(10**8, 10**9)  # noqa: S311 - a test chat id


def user(chat_id: int, language: str = "nl") -> dict:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": language}


def message(chat_id: int, language: str = "nl", **content) -> dict:
    return {"message_id": next(_message_ids), "date": int(time.time()), "from": user(chat_id, language),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"}, **content}


def text_update(chat_id: int, text: str, language: str = "nl") -> dict:
    content: dict = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "message": message(chat_id, language, **content)}


def press(chat_id: int, message_id: int, data: str, language: str = "nl") -> dict:
    return {"update_id": next(_update_ids), "callback_query": {
        "id": str(random.randint(1, 10**12)), "from": user(chat_id, language), "chat_instance": "1",  # noqa: S311
        "data": data, "message": {"message_id": message_id, "date": int(time.time()),
                                  "chat": {"id": chat_id, "type": "private"}, "text": "…"}}}


def keyboard(call) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [(button["text"], button["callback_data"]) for row in markup.get("inline_keyboard", []) for button in row]


def visible(html_text: str) -> str:
    """What Telegram shows for an HTML-mode text: Loket only uses <i> and <a href>."""
    tags = r'</?i>|<a href="https://[^"<>]+">|</a>'
    assert re.fullmatch(rf"([^<&]|&(lt|gt|amp|quot);|{tags})*", html_text, flags=re.S), html_text
    return re.sub(tags, "", html_text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def links(html_text: str) -> list[str]:
    return re.findall(r'<a href="(https://[^"]+)">', html_text)


def say(adapter: Adapter, fake: FakeBotApi, update: dict, replies: int = 1) -> list:
    content = next(value for value in update.values() if isinstance(value, dict))
    chat_id = (content.get("message") or content)["chat"]["id"]
    before = len(fake.of("sendMessage", chat_id))
    assert adapter.post(update) == 200
    calls = fake.wait_for("sendMessage", before + replies, chat_id)
    return calls[before:]


def test_the_webhook_refuses_a_wrong_or_missing_secret(adapter, fake):
    chat = new_chat()
    assert adapter.post(text_update(chat, "Wat is huurtoeslag?"), secret=None) == 403
    assert adapter.post(text_update(chat, "Wat is huurtoeslag?"), secret="wrong") == 403
    assert adapter.post({}, raw=b"{not json") == 400
    time.sleep(1.5)
    assert fake.of("sendMessage", chat) == []


@pytest.mark.parametrize(
    "question, language, fact, source, check_button",
    [
        ("Wat verandert er aan de huurtoeslag?", "nl", "1 januari 2026", "<i>Bron: ", "Kijk of ik er recht op heb"),
        ("Kiko ta kambia na huurtoeslag?", "pap", "1 Yanüari 2026", "<i>Fuente: ", None),
        ("What changes in rent benefit?", "en", "1 January 2026", "<i>Source: ", None),
    ],
)
def test_a_question_is_answered_with_its_source_in_each_language(adapter, fake, question, language, fact, source,
                                                                  check_button):
    [reply] = say(adapter, fake, text_update(new_chat(), question, language))
    assert reply.params["parse_mode"] == "HTML"
    assert len(visible(reply.params["text"])) <= 4096
    assert fact in reply.params["text"]
    lines = [line for line in reply.params["text"].splitlines() if line]
    assert lines[-2].startswith(source)
    assert lines[-1] == {"nl": "Heeft dit geholpen?", "pap": "Esaki a yuda bo?", "en": "Did this help?"}[language]
    assert any(url.startswith("https://www.belastingdienst.nl/") for url in links(reply.params["text"]))
    # "Did this help?" on the same message's keyboard: the check's button, then yes and no side by side
    rows = reply.params["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in rows] == [1, 2]
    assert rows[0][0]["callback_data"].startswith("/ask_huurtoeslag")
    assert [button["callback_data"].split("{")[0] for button in rows[1]] == ["/feedback_helpful",
                                                                            "/feedback_not_helpful"]
    if check_button:
        assert rows[0][0]["text"] == check_button


def test_start_greets_and_offers_a_language_and_a_button_press_is_answered(adapter, fake):
    chat = new_chat()
    greeting, question = say(adapter, fake, text_update(chat, "/start", language="en"), replies=2)
    assert visible(greeting.params["text"]).startswith("Hello! I'm Loket.")
    assert visible(question.params["text"]) == "Which language would you like?"
    choices = dict(keyboard(question))
    assert list(choices) == ["Nederlands", "Papiamentu", "English"]

    [confirmation] = say(adapter, fake, press(chat, 77, choices["Papiamentu"]))
    assert visible(confirmation.params["text"]) == "For di awor mi ta kontestá na papiamentu."
    assert len(fake.of("answerCallbackQuery")) >= 1
    cleared = [call for call in fake.of("editMessageReplyMarkup", chat) if int(call.params["message_id"]) == 77]
    assert len(cleared) == 1 and not cleared[0].params.get("reply_markup")


def test_the_language_commands_switch_the_language(adapter, fake):
    chat = new_chat()
    [pap] = say(adapter, fake, text_update(chat, "/taal pap"))
    assert visible(pap.params["text"]) == "For di awor mi ta kontestá na papiamentu."
    [english] = say(adapter, fake, text_update(chat, "/language@loket_test_bot english"))
    assert visible(english.params["text"]) == "From now on I will answer in English."
    [ask] = say(adapter, fake, text_update(chat, "/taal"))
    assert [title for title, _ in keyboard(ask)] == ["Nederlands", "Papiamentu", "English"]


def test_updates_without_text_get_a_polite_reply_in_the_users_language(adapter, fake):
    chat = new_chat()
    say(adapter, fake, text_update(chat, "Kiko ta e Warmtefonds?", "nl"))  # the conversation is in Papiamentu now
    sticker = {"update_id": next(_update_ids), "message": message(chat, "nl", sticker={
        "file_id": "x", "file_unique_id": "x", "type": "regular", "width": 512, "height": 512,
        "is_animated": False, "is_video": False})}
    [reply] = say(adapter, fake, sticker)
    assert visible(reply.params["text"]) == "Mi por lesa teksto so. Skirbi bo pregunta den un par di palabra."

    voice = {"update_id": next(_update_ids), "message": message(chat, "nl", voice={
        "file_id": "v", "file_unique_id": "v", "duration": 3})}
    [reply] = say(adapter, fake, voice)
    assert "teksto" in reply.params["text"]

    edited = {"update_id": next(_update_ids), "edited_message": {**message(chat, "nl", text="Bon dia"),
                                                                  "edit_date": int(time.time())}}
    [reply] = say(adapter, fake, edited)
    assert visible(reply.params["text"]).startswith("Bo a kambia un mensahe.")

    english_chat = new_chat()
    photo = {"update_id": next(_update_ids), "message": message(english_chat, "en", photo=[
        {"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}])}
    [reply] = say(adapter, fake, photo)
    assert visible(reply.params["text"]) == "I can only read text. Please type your question in a few words."

    channel = -100 - new_chat()
    post = {"update_id": next(_update_ids), "channel_post": {
        "message_id": 5, "date": int(time.time()), "chat": {"id": channel, "type": "channel", "title": "News"},
        "text": "Nieuws"}}
    [reply] = say(adapter, fake, post)
    assert visible(reply.params["text"]) == "Loket antwoordt in een privégesprek. Stuur me daar een bericht."

    # and the conversation goes on
    [answer] = say(adapter, fake, text_update(chat, "Danki"))
    assert "Di nada" in answer.params["text"]
    assert adapter.process.poll() is None


def test_a_429_is_retried_after_retry_after(adapter, fake):
    chat = new_chat()
    fake.fail_next("sendMessage", 429, retry_after=2)
    [reply] = say(adapter, fake, text_update(chat, "Hallo"))
    tries = fake.of("sendMessage", chat, ok_only=False)
    assert [call.status for call in tries] == [429, 200]
    assert tries[1].params["text"] == tries[0].params["text"]
    assert tries[1].at - tries[0].at >= 1.9


def test_5xx_is_retried_with_growing_waits(adapter, fake):
    chat = new_chat()
    fake.fail_next("sendMessage", 500, times=2)
    say(adapter, fake, text_update(chat, "Hallo"))
    tries = fake.of("sendMessage", chat, ok_only=False)
    assert [call.status for call in tries] == [500, 500, 200]
    first_wait, second_wait = tries[1].at - tries[0].at, tries[2].at - tries[1].at
    assert second_wait > first_wait * 1.5


def test_a_delivery_that_keeps_failing_is_logged_and_kept(adapter, fake):
    chat = new_chat()
    fake.fail_next("sendMessage", 500, times=5)
    assert adapter.post(text_update(chat, "Hallo")) == 200
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (adapter.undelivered.exists()
                                               and str(chat) in adapter.undelivered.read_text()):
        time.sleep(0.2)
    kept = [json.loads(line) for line in adapter.undelivered.read_text().splitlines()]
    [entry] = [entry for entry in kept if entry["chat_id"] == chat]
    assert entry["what"] == "sendMessage" and "Hallo" in entry["text"]
    assert "not delivered after 5 attempt(s)" in adapter.log.read_text()
    assert [call.status for call in fake.of("sendMessage", chat, ok_only=False)] == [500] * 5


def test_polling_mode_answers_queued_updates(assistant, fake, tmp_path):
    chat = new_chat()
    fake.queue_update(text_update(chat, "What is the Warmtefonds?", "en"))
    polling = start_adapter(assistant, fake, tmp_path, webhook=False)
    try:
        [reply] = fake.wait_for("sendMessage", 1, chat)
        assert "Source:" in reply.params["text"]
        assert any(call.method == "deleteWebhook" for call in fake.calls)
    finally:
        stop(polling.process)


def test_the_adapters_conversations_are_its_own_and_its_token_never_logged(adapter, fake, assistant):
    chat = new_chat()
    say(adapter, fake, text_update(chat, "Wat is huurtoeslag?", "nl"))
    # With the REST token the adapter addresses telegram-<chat>; a caller without it cannot.
    engine = create_engine(assistant.tracker_url)
    with engine.connect() as connection:
        senders = set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
    assert f"telegram-{chat}" in senders and f"rest-telegram-{chat}" not in senders
    log = adapter.log.read_text(encoding="utf-8")
    assert " DEBUG " in log  # the adapter logged at DEBUG, every library included
    assert fake.token not in log and fake.token.split(":")[1] not in log


@pytest.mark.parametrize(
    "question, language, url",
    [
        ("Wanneer krijg ik AOW?", "nl", "https://www.svb.nl/"),
        ("Wat is de Woo?", "nl", "https://"),
        ("How do I apply for the Warmtefonds loan?", "en", "https://www.warmtefonds.nl/"),
    ],
)
def test_one_answer_is_one_message_with_its_links(adapter, fake, question, language, url):
    [reply] = say(adapter, fake, text_update(new_chat(), question, language))
    time.sleep(1.0)  # a second message would have arrived by now
    chat = reply.params["chat_id"]
    assert len(fake.of("sendMessage", int(chat))) == 1
    assert "\n\n" in reply.params["text"]  # the paragraphs stay together
    assert any(link.startswith(url) for link in links(reply.params["text"]))


def say_all(adapter: Adapter, fake: FakeBotApi, update: dict, chat: int) -> list[str]:
    """Every message the user sees after `update`, once the replies have stopped coming."""
    before = len(fake.of("sendMessage", chat))
    say(adapter, fake, update)
    time.sleep(2.0)
    return [visible(call.params["text"]) for call in fake.of("sendMessage", chat)[before:]]


def test_on_bonaire_the_place_is_kept_after_a_check_and_late_answers_are_recognised(adapter, fake):
    chat = new_chat()
    say_all(adapter, fake, text_update(chat, "Bon dia! Mi ta biba na Boneiru."), chat)
    ended = say_all(adapter, fake, text_update(chat, "Am I eligible for rent benefit?", "en"), chat)
    assert any("Bonaire" in text for text in ended), ended
    late = say_all(adapter, fake, text_update(chat, "I am 30", "en"), chat)
    assert len(late) == 1 and "has already ended" in late[0], late
    again = say_all(adapter, fake, text_update(chat, "What is rent benefit?", "en"), chat)
    assert again[0].startswith("Rent benefit does not apply on Bonaire."), again  # the place is kept

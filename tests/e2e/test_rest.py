"""End to end: the real action server and Rasa server, over the REST channel."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.channels.rest import send
from bot.dialogue import FEEDBACK_HELPFUL_INTENT, FEEDBACK_NOT_HELPFUL_INTENT, check_payload, payload
from bot.language.detection import project_detector
from bot.tooling.servers import Servers, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def detector():
    return project_detector()


def ask(assistant: Servers, text: str, sender: str | None = None) -> str:
    messages = send(assistant.rest_url, sender or uuid.uuid4().hex, text)
    assert messages, f"no reply to {text!r}"
    return "\n".join(str(message.get("text", "")) for message in messages)


@pytest.mark.parametrize(
    "question, language, fact, planned, source",
    [
        ("Wat verandert er aan de huurtoeslag?", "nl", "1 januari 2026", "(gepland in de begroting van 2024)",
         "Bron: "),
        ("Kiko ta kambia na huurtoeslag?", "pap", "1 Yanüari 2026", "(planiá den e presupuesto di 2024)", "Fuente: "),
        ("What changes in rent benefit?", "en", "1 January 2026", "(planned in the 2024 budget)", "Source: "),
    ],
)
def test_huurtoeslag_question_in_each_language(assistant, detector, question, language, fact, planned, source):
    reply = ask(assistant, question)
    assert fact in reply
    assert "932,93" in reply or "932.93" in reply  # the 2026 ceiling
    assert planned in reply  # what the 2024 budget planned, marked as a plan
    *_, source_line, helped = [line for line in reply.splitlines() if line]
    assert source_line.startswith(source) and "overtoeslagen.nl" in source_line
    assert helped.endswith("?")  # "Did this help?", with its yes and no buttons
    assert detector.detect(reply.split("\n\n")[0]).language == language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik wil graag met een echt mens praten", "Zal ik een code maken?"),  # a handover, with consent
        ("Wat voor weer wordt het morgen in Utrecht?", "Informatiepunt Digitale Overheid"),
        ("what's the weather like tomorrow", "Sorry, I can't answer that"),
    ],
)
def test_out_of_scope_and_handover_point_to_a_person(assistant, text, expected):
    assert expected in ask(assistant, text)


def test_a_conversation_keeps_its_language_over_short_messages(assistant):
    sender = uuid.uuid4().hex
    assert "Bon dia" in ask(assistant, "Bon dia", sender)
    reply = ask(assistant, "Kiko ta e Warmtefonds?", sender)
    assert "Fuente:" in reply
    assert "Di nada" in ask(assistant, "Masha danki", sender)


def test_capabilities_in_english(assistant):
    reply = ask(assistant, "What can you do?")
    assert "Housing and rent" in reply and "Caribbean Netherlands" in reply


def converse(assistant: Servers, *texts: str) -> list[list[dict[str, object]]]:
    sender = uuid.uuid4().hex
    return [send(assistant.rest_url, sender, text) for text in texts]


def joined(messages: list[dict[str, object]]) -> str:
    # babel puts a no-break space between currency and amount ("€\xa0650")
    return "\n".join(str(message.get("text", "")) for message in messages).replace("\xa0", " ")


def test_a_follow_up_about_an_island_keeps_the_topic_in_papiamentu(assistant):
    first, follow_up = converse(assistant, "Kiko ta huurtoeslag i kon e ta funshona?", "i na Boneiru?")
    assert "Fuente:" in joined(first)
    reply = joined(follow_up)
    assert "no ta konta na Boneiru" in reply
    assert "Bijdrage Particuliere Verhuur" in reply  # what there is on Bonaire instead
    assert "Fuente:" in reply


def test_a_follow_up_about_a_group_keeps_the_topic_in_english(assistant):
    first, follow_up = converse(assistant, "How does the Warmtefonds energy loan work?", "and for a VvE?")
    assert "Source:" in joined(first)
    reply = joined(follow_up)
    assert "VvE" in reply and "Source:" in reply


def test_a_follow_up_without_a_topic_asks_for_one(assistant):
    (reply,) = converse(assistant, "and on Saba?")
    assert "Which scheme are you asking about?" in joined(reply)


def test_an_explicit_language_choice_wins_over_detection(assistant):
    switched, answer, greeting = converse(assistant, "English please", "Wat is huurtoeslag precies?", "Bon dia")
    assert "From now on I will answer in English." in joined(switched)
    assert "Source:" in joined(answer)
    assert "Hello!" in joined(greeting)


def test_an_unclear_message_offers_topics_as_buttons_in_the_users_language(assistant):
    offer, picked = converse(assistant, "Ik heb een vraag over iets met geld", "/ask_huurtoeslag")
    buttons = [button for message in offer for button in message.get("buttons", [])]  # type: ignore[union-attr]
    assert "Bedoel je een van deze?" in joined(offer)
    assert buttons[-1] == {"title": "Iets anders", "payload": "/out_of_scope"}
    assert all(str(button["payload"]).startswith("/") for button in buttons)
    assert "Bron:" in joined(picked)


@pytest.mark.parametrize(
    "language, turns",
    [
        ("pap", [("Bon dia", "Bon dia!"), ("Kiko bo por hasi pa mi?", "Bibienda i hür"),
                 ("Kiko ta e plan pa kas di hür sosial na Boneiru?", "Fuente:"),
                 ("Kiko ta e wer mañan?", "Informatiepunt Digitale Overheid"),
                 ("Mi ke papia ku un hende di berdat", "Bo ke pa mi traha un kódigo?"),
                 ("Masha danki", "Di nada"), ("Ayó", "Ayó!")]),
        ("en", [("Hello there", "Hello!"), ("What can you help me with?", "Housing and rent"),
                ("How do I get a BSN on Saba?", "Source:"),
                ("Who will win the football tonight?", "Sorry, I can't answer that"),
                ("Can I talk to a real person please", "Shall I make a code?"),
                ("Thanks a lot", "You're welcome"), ("Bye", "Goodbye!")]),
    ],
)
def test_every_kind_of_answer_in_papiamentu_on_bonaire_and_english_on_saba(assistant, language, turns):
    replies = converse(assistant, *[text for text, _ in turns])
    for (text, expected), reply in zip(turns, replies, strict=True):
        assert expected in joined(reply), f"{language}: {text!r} got {joined(reply)!r}"


def test_a_huurtoeslag_check_in_dutch_uses_the_first_message_and_takes_a_correction(assistant):
    replies = converse(
        assistant,
        "Heb ik recht op huurtoeslag? Ik ben 22 en betaal 600 euro huur",
        "nee, 650 euro",  # corrects the rent from the first message
        "weet ik niet",  # assets
        "nee",  # partner
        "ja", "ja", "ja",
    )
    first = joined(replies[0])
    assert "BSN" in first  # it says it will never ask for it
    assert "1 januari" in first  # age and rent were in the first message: it asks for assets next
    assert "aangepast" in joined(replies[1]) and "1 januari" in joined(replies[1])
    outcome = joined(replies[-1][:1])
    assert outcome.startswith("Uitkomst: Loket kan het nog niet zeggen.")  # the assets are unknown
    assert "/handover_consent" in str(replies[-1][-1].get("buttons"))  # can't tell yet: a person is offered
    assert "€ 650" in outcome and "€ 600" not in outcome
    assert outcome.splitlines()[-1].startswith("Bron:")
    never_asked = ("geboortedatum", "wat is je adres", "wat is je naam", "je bsn", "burgerservicenummer")
    # the handover offer names what it never shares (BSN, date of birth): it asks for none of them
    asked = [message for reply in replies for message in reply
             if "/handover_consent" not in str(message.get("buttons"))]
    assert not any(phrase in joined([message]).lower() for message in asked for phrase in never_asked)


def test_a_warmtefonds_check_in_english_for_an_owner(assistant):
    replies = converse(assistant, "Am I eligible for a Warmtefonds loan?", "Utrecht", "yes", "about 45k a year")
    outcome = joined(replies[-1])
    assert outcome.startswith("Outcome: you probably qualify.")
    assert "0%" in outcome and "Source:" in outcome


def test_a_warmtefonds_check_on_bonaire_in_papiamentu_says_it_does_not_apply(assistant):
    replies = converse(assistant, "Mi tin derecho riba un fiansa di Warmtefonds?", "Boneiru")
    outcome = joined(replies[-1])
    assert outcome.startswith("Resultado: probablemente bo no tin derecho.")
    assert "Boneiru" in outcome


def test_a_check_can_be_stopped(assistant):
    replies = converse(assistant, "Am I eligible for rent benefit?", "stop", "What is DigiD?")
    assert "stopped the check" in joined(replies[1])
    assert "Source:" in joined(replies[2])


def test_a_huurtoeslag_check_in_papiamentu_for_a_young_person(assistant):
    replies = converse(assistant, "Mi tin derecho riba huurtoeslag? Mi tin 19 aña", "mi no sa", "450", "no",
                       "si", "si", "si")
    assert "1 di yanüari" in joined(replies[1]) or "1 yanüari" in joined(replies[1]).lower()
    outcome = joined(replies[-1])
    # Since 2026 an unknown rent rules nobody out; the other answers all pass.
    assert outcome.startswith("Resultado: probablemente bo tin derecho.")
    assert outcome.splitlines()[-1].startswith("Fuente:")


def test_a_huurtoeslag_check_in_english_with_a_correction_and_an_unknown(assistant):
    replies = converse(assistant, "Am I eligible for rent benefit? I'm 30 and my rent is 700 euro",
                       "no, 750 euro", "I don't know", "no", "yes", "yes", "yes")
    assert "changed your earlier answer" in joined(replies[1])
    outcome = joined(replies[-1][:1])
    assert outcome.startswith("Outcome: Loket can't tell yet.")  # the assets are unknown
    assert "€750" in outcome and "€700" not in outcome
    assert outcome.splitlines()[-1].startswith("Source:")


def post(url: str, raw: bytes, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, data=raw, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - localhost
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.mark.parametrize("raw", [b"", b"null", b"[]", b"{}", b'{"sender": "x"}', b'{"sender": 5, "message": "hoi"}',
                                 b"{not json", b'{"sender": "x", "message": "\\ud800"}'])
def test_a_bad_rest_body_gets_400_not_500(assistant, raw):
    status, body = post(assistant.rest_url, raw)
    assert status == 400, body


def test_no_endpoint_reads_more_than_a_megabyte(assistant):
    huge = json.dumps({"sender": "x", "message": "a" * (1024 * 1024 + 10)}).encode()
    for url in (assistant.rest_url, f"{assistant.url}/chat/webhook"):
        status, _ = post(url, huge)
        assert status == 413, url


def test_a_rest_caller_without_the_token_cannot_reach_a_widget_conversation(assistant):
    conversation = str(uuid.uuid4())
    send(assistant.rest_url, f"widget-{conversation}", "Wat is huurtoeslag?")
    with urllib.request.urlopen(f"{assistant.url}/chat/history?conversation_id={conversation}") as response:  # noqa: S310
        assert json.load(response)["messages"] == []
    # With the token (as the Telegram adapter has it) the same sender id is that conversation.
    send(assistant.rest_url, f"widget-{conversation}", "Wat is huurtoeslag?", token=assistant.rest_token)
    with urllib.request.urlopen(f"{assistant.url}/chat/history?conversation_id={conversation}") as response:  # noqa: S310
        assert [entry["from"] for entry in json.load(response)["messages"]][:1] == ["user"]


def test_a_wrong_token_is_no_token(assistant):
    conversation = str(uuid.uuid4())
    send(assistant.rest_url, f"widget-{conversation}", "Hallo", token="x" * 43)
    with urllib.request.urlopen(f"{assistant.url}/chat/history?conversation_id={conversation}") as response:  # noqa: S310
        assert json.load(response)["messages"] == []


def test_the_action_server_answers_only_the_rasa_server_and_only_on_loopback(assistant):
    webhook = f"http://127.0.0.1:{assistant.actions_port}/webhook"
    status, _ = post(webhook, json.dumps({"next_action": "action_answer_topic", "tracker": {}}).encode())
    assert status == 401
    status, _ = post(webhook, b"{}", {"Authorization": "Bearer wrong"})
    assert status == 401
    listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A"]  # state LISTEN
    ours = [address for address in listening if int(address.split(":")[1], 16) == assistant.actions_port]
    assert ours == [f"0100007F:{assistant.actions_port:04X}"]  # 127.0.0.1 only


def test_the_endpoints_file_holds_no_password(tmp_path):
    servers = Servers(rasa_port=free_port(), tracker_url="postgresql://loket:geheim-wachtwoord@db.example/loket")
    written = servers._endpoints_file().read_text(encoding="utf-8")
    assert "geheim-wachtwoord" not in written and "${LOKET_TRACKER_DB_PASSWORD}" in written
    assert servers._environment()["LOKET_TRACKER_DB_PASSWORD"] == "geheim-wachtwoord"
    assert servers.actions_token not in written and servers.rest_token not in written


def test_a_fact_question_about_a_scheme_with_a_check_gets_the_fact_and_the_check_as_a_button(assistant):
    [message] = send(assistant.rest_url, uuid.uuid4().hex, "Krijg ik nog huurtoeslag voor mijn servicekosten?")
    assert "servicekosten" in str(message["text"]) and "Kijk of ik er recht op heb" not in str(message["text"])
    assert [button["payload"] for button in message.get("buttons", [])] == [
        check_payload("huurtoeslag"), payload(FEEDBACK_HELPFUL_INTENT, programme="huurtoeslag"),
        payload(FEEDBACK_NOT_HELPFUL_INTENT, programme="huurtoeslag")]


def test_values_in_the_first_message_are_answered_with_the_rule_they_meet(assistant):
    text = ask(assistant, "Ik ben 19 en mijn huur is 550 euro, kan ik in 2026 huurtoeslag krijgen?")
    assert "498,20" in text, text

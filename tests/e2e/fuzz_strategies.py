"""Hypothesis strategies and fixed seed inputs for the fuzz test (tests/e2e/test_fuzz.py):
odd message texts, Rasa's `/intent{...}` syntax with unexpected slots, and request bodies
for the REST channel, the widget and the Telegram webhook, valid and not.

Every strategy draws a `Body`: the raw bytes to post and a short description of them
(what an assertion message shows when the server fails on it)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from hypothesis import strategies as st

MAX_MESSAGE_CHARS = 2000  # bot.channels.messages.MAX_MESSAGE_CHARS
TELEGRAM_MAX_CHARS = 4096

# ---- pieces of odd text ----

CONTROL = [chr(code) for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3000", "\u00a0", "\u2028",
             "\u2029", "\ufffd", "\ufffe", "\uffff", "\U000e0001", "\U0010ffff"]
EMOJI = ["🏠", "🙂", "👩‍👩‍👧‍👦", "🇳🇱", "🏳️‍🌈", "👍🏽", "❤️", "🤷‍♀️", "\U0001f9d1\u200d\U0001f4bb"]
SCRIPTS = ["שלום", "مرحبا", "ما هو", "سلام", "Привет", "你好", "こんにちは", "안녕하세요", "नमस्ते", "Ελληνικά", "ﷺ",
           "Z̴̡̛a̸̢l̷g̵o̶", "ǅ", "ß", "İ", "ﬃ", "𝕳𝖚𝖚𝖗"]
PLACEHOLDERS = ["{name}", "{{x}}", "%s", "%d", "%(name)s", "${HOME}", "$HOME", "{0}", "{}", "{{", "}}", "{", "}",
                "{language}", "{topic!r}", "{0.__class__}", "<%= x %>", "{{7*7}}", "#{x}", "\\n", "\\u0000"]
MARKUP = ["<b>", "</i>", "<script>alert(1)</script>", "&amp;", "&lt;", "*bold*", "_x_", "`code`", "[a](http://x)",
          "'; DROP TABLE events; --", "\" OR 1=1", "../../etc/passwd", "\\", "\"", "'"]
WORDS = ["Wat is huurtoeslag?", "Kiko ta huurtoeslag?", "What is rent benefit?", "Hallo", "Bon dia", "Hello", "DigiD",
         "Warmtefonds", "Bonaire", "Saba", "ja", "nee", "si", "no", "stop", "23", "650 euro", "English please",
         "Papiamentu", "Nederlands", "Masha danki", "?", "!", "huurtoeslag huurtoeslag huurtoeslag"]

# ---- Rasa's /intent{...} syntax ----

KNOWN_INTENTS = ["greet", "thank", "goodbye", "capabilities", "request_human", "out_of_scope", "switch_language",
                 "follow_up", "nlu_fallback", "ask_huurtoeslag", "ask_warmtefonds", "ask_digid_mijnoverheid",
                 "ask_cn_bsn_digid", "ask_woo"]
ODD_INTENTS = ["no_such_intent", "restart", "session_start", "back", "action_listen", "ASK_HUURTOESLAG", "greet ",
               "ask_", "ask_no_such_topic", "utter_greet", "action_answer_topic", "huurtoeslag_form", "", "greet/greet",
               "ask_huurtoeslag@0.3", "greet@x", "greet@1e999", "greet@-1", "😀", "switch_language\u200f"]
SLOTS = ["language", "language_choice", "topic", "island", "programme", "amount", "currency",
         "age", "year", "check", "check_scheme", "check_stopped", "check_year", "requested_slot", "ht_age", "ht_rent",
         "ht_assets", "ht_partner", "ht_independent", "ht_registered", "ht_residence", "wf_place", "wf_owner",
         "wf_vve", "wf_income", "no_such_slot", "", "__proto__"]
SLOT_VALUES = ["xx", "<b>", "ninety", "nl", "pap", "en", "EN", "", " ", "yes", "no", "bonaire", "atlantis",
               "huurtoeslag", "no_such_topic", "huurtoeslag_form", "{name}", "%s", "\u200f", "-1", "1e999", "NaN"]
BROKEN_ARGUMENTS = ['{"language": ', '{language: "nl"}', "{'language': 'nl'}", '{"a": 1}}', "[1, 2]", '"x"', "{",
                    "}", "{}", "{{}}", '{"language_choice": "en",}', '{"x": NaN}', '{"x": Infinity}', "{\"x\": 1e999}",
                    '{"x": "\\ud800"}', '{"x": ' + "[" * 50 + "]" * 50 + "}", "null", "true", " {\"language\": \"en\"}",
                    '{"language": "en"} trailing']


def json_scalars() -> st.SearchStrategy[object]:
    return st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                     st.sampled_from(SLOT_VALUES))


def json_values() -> st.SearchStrategy[object]:
    return st.recursive(json_scalars(), lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)


@st.composite
def intent_messages(draw: st.DrawFn) -> str:
    """`/intent`, `/intent{...}` with any slots and values, or with arguments that are no JSON."""
    intent = draw(st.one_of(st.sampled_from(KNOWN_INTENTS), st.sampled_from(ODD_INTENTS),
                            st.from_regex(r"[a-z_]{1,20}", fullmatch=True)))
    arguments = draw(st.one_of(
        st.just(""),
        st.dictionaries(st.sampled_from(SLOTS), json_values(), min_size=1, max_size=4).map(json.dumps),
        st.dictionaries(st.sampled_from(SLOTS), st.sampled_from(SLOT_VALUES), min_size=1, max_size=3).map(
            lambda entities: json.dumps(entities, ensure_ascii=False)),
        st.sampled_from(BROKEN_ARGUMENTS),
    ))
    suffix = draw(st.sampled_from(["", "", "", " hallo", "\n", " /greet", "\u200f"]))
    return f"/{intent}{arguments}{suffix}"


def _long(piece: str, length: int) -> str:
    return (piece * (length // max(len(piece), 1) + 1))[:length]


@st.composite
def long_texts(draw: st.DrawFn) -> str:
    """Messages around the 2000-character limit (and Telegram's 4096)."""
    length = draw(st.sampled_from([1999, 2000, 2001, 2100, 4096, 4097]) | st.integers(min_value=500, max_value=2200))
    piece = draw(st.sampled_from(["Wat is huurtoeslag? ", "a", "🏠", "\u200f", " ", "ab\n", "{name}", "é"]))
    return _long(piece, length)


@st.composite
def mixed_texts(draw: st.DrawFn) -> str:
    """A sentence with odd pieces spliced in."""
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(WORDS), st.sampled_from(CONTROL), st.sampled_from(BIDI), st.sampled_from(INVISIBLE),
        st.sampled_from(EMOJI), st.sampled_from(SCRIPTS), st.sampled_from(PLACEHOLDERS), st.sampled_from(MARKUP),
    ), min_size=1, max_size=8))
    return draw(st.sampled_from([" ", ""])).join(pieces)


def odd_texts(surrogates: bool = True) -> st.SearchStrategy[str]:
    """Any message text a person (or a script) might send; with `surrogates`, lone
    surrogates too (they reach the server as JSON escapes such as "\\ud800")."""
    blacklist = () if surrogates else ("Cs",)
    return st.one_of(
        mixed_texts(),
        intent_messages(),
        st.text(alphabet=st.characters(blacklist_categories=blacklist), min_size=1, max_size=60),
        st.text(alphabet=st.sampled_from(CONTROL + BIDI + INVISIBLE + ["a", " "]), min_size=1, max_size=30),
        long_texts(),
        st.sampled_from(PLACEHOLDERS + MARKUP + SCRIPTS + EMOJI),
    )


# ---- request bodies ----

@dataclass(frozen=True)
class Body:
    raw: bytes
    what: str  # a readable, shortened description for failure messages

    def __repr__(self) -> str:
        return f"Body({self.what})"


def describe(raw: bytes, head: int = 240, tail: int = 40) -> str:
    """`raw` for a failure message: its length, and its start and end if it is long."""
    if len(raw) <= head + tail:
        return f"{len(raw)} bytes: {raw!r}"
    return f"{len(raw)} bytes: {raw[:head]!r} ... {raw[-tail:]!r}"


def body(value: object, ensure_ascii: bool = True) -> Body:
    raw = json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=True).encode("utf-8", "surrogatepass")
    return Body(raw, describe(raw))


def raw_body(raw: bytes) -> Body:
    return Body(raw, describe(raw))


def nested(depth: int, opening: str = "[", closing: str = "]") -> bytes:
    return (opening * depth + closing * depth).encode()


NOT_JSON = [b"", b" ", b"\n", b"{not json", b"{", b"}", b"[", b"nul", b"True", b"{'a': 1}", b'{"sender": "x",}',
            b'{"sender": "x" "message": "y"}', b"\xff\xfe\x00", b"\xc3\x28", b"\xed\xa0\x80", b"\x00" * 16,
            b"\xef\xbb\xbf{}", b'{"message": "\xff"}', b"1" * 5000, b"-", b"1e99999", b'"\\ud800"', b'"\\x41"',
            b'{"sender": "x", "message": "\\uZZZZ"}', b"<xml/>", b"sender=x&message=hallo", b"\r\n\r\n",
            b'{"a": "b"}' * 3]
NOT_OBJECTS = [None, True, 0, -1, 1.5, "hallo", [], [{"sender": "x", "message": "hallo"}], {}, "", [None]]


def deep(depth: int) -> Body:
    return raw_body(nested(depth))


@st.composite
def malformed_bodies(draw: st.DrawFn) -> Body:
    """Bodies no endpoint can take: not JSON, not a JSON object, or nested deeply."""
    choice = draw(st.integers(min_value=0, max_value=5))
    if choice == 0:
        return raw_body(draw(st.sampled_from(NOT_JSON)))
    if choice == 1:
        return body(draw(st.sampled_from(NOT_OBJECTS)))
    if choice == 2:
        return raw_body(draw(st.binary(max_size=200)))
    if choice == 3:  # valid JSON cut short
        whole = json.dumps({"sender": "x", "message": "Wat is huurtoeslag?", "update_id": 1}).encode()
        return raw_body(whole[:draw(st.integers(min_value=1, max_value=len(whole) - 1))])
    if choice == 4:  # nesting Python's json still parses; deeper (RecursionError) is in the fixed inputs
        depth = draw(st.sampled_from([10, 100, 500, 900]))
        opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return raw_body(nested(depth, opening, closing))
    return raw_body(draw(st.text(max_size=100)).encode("utf-8", "surrogatepass"))


@st.composite
def fields(draw: st.DrawFn, valid: st.SearchStrategy[object], odds: int = 7) -> object:
    """A field's value: `odds` times in ten a valid one, else any JSON value (a wrong
    type) or missing. (Weights by a drawn number: st.one_of(a, a, b) is no 2:1 mix.)"""
    roll = draw(st.integers(min_value=0, max_value=9))
    if roll < odds:
        return draw(valid)
    return draw(json_values()) if roll < 9 else MISSING


MISSING = object()


def without_missing(value: dict[str, object]) -> dict[str, object]:
    return {key: item for key, item in value.items() if item is not MISSING}


@st.composite
def rest_bodies(draw: st.DrawFn) -> Body:
    """A REST channel body: {"sender", "message"}, mostly well formed around an odd text."""
    if draw(st.integers(min_value=0, max_value=9)) < 2:
        return draw(malformed_bodies())
    sender = draw(fields(st.one_of(st.uuids().map(lambda value: value.hex),
                                   st.text(min_size=1, max_size=30), st.sampled_from(
                                       ["widget-" + str(uuid.UUID(int=1)), "telegram-1", "rest-x", " x ", "x" * 128,
                                        "x" * 129, "\u200fsender", "a\x00b", "../x", "🙂"]))))
    message = draw(fields(odd_texts()))
    value = without_missing({"sender": sender, "message": message})
    if draw(st.booleans()):
        value["metadata"] = draw(json_values())
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        value["extra"] = draw(json_values())
    return body(value, ensure_ascii=draw(st.booleans()))


@st.composite
def widget_bodies(draw: st.DrawFn) -> Body:
    """A widget body: {conversation_id, message_id, text[, shown_as]}, fresh uuids, mostly well formed."""
    if draw(st.integers(min_value=0, max_value=9)) < 2:
        return draw(malformed_bodies())
    fresh = st.builds(lambda: str(uuid.uuid4()))
    odd_id = st.sampled_from(["", "x", str(uuid.UUID(int=0)), str(uuid.uuid4()).upper(), uuid.uuid4().hex,
                              str(uuid.uuid4()) + "\n", " " + str(uuid.uuid4()), "{" + str(uuid.uuid4()) + "}"])
    value = without_missing({
        "conversation_id": draw(fields(fresh, odds=9) if draw(st.integers(0, 9)) else odd_id),
        "message_id": draw(fields(fresh, odds=9) if draw(st.integers(0, 9)) else odd_id),
        "text": draw(fields(odd_texts())),
    })
    if draw(st.booleans()):
        value["shown_as"] = draw(st.one_of(odd_texts(), json_values()))
    return body(value, ensure_ascii=draw(st.booleans()))


# A conversation's first message: one that starts an entitlement check (whose questions
# parse the answers) or a topic, so the odd messages after it meet a conversation's state.
OPENINGS = ['/ask_huurtoeslag{"check": "yes"}', '/ask_warmtefonds{"check": "yes"}', "Heb ik recht op huurtoeslag?",
            "Am I eligible for a Warmtefonds loan?", "Mi tin derecho riba huurtoeslag?", "Wat is huurtoeslag?",
            "Kiko ta e Warmtefonds?", '/switch_language{"language_choice": "xx"}', '/greet{"language": "<b>"}']
ANSWERS = ["23", "ninety", "-5", "1e999", "NaN", "٣٠", "１２", "½", "€ -650,00", "9" * 400, "ja", "nee", "si", "no",
           "yes", "weet ik niet", "stop", "Bonaire", "Atlantis", "\u200f23\u200f", "23 jaar en 600 euro", "0x1F"]


def conversations() -> st.SearchStrategy[list[str]]:
    """An opening, then two to four odd messages in the same conversation."""
    message = st.one_of(st.sampled_from(ANSWERS), odd_texts(surrogates=False), intent_messages())
    return st.tuples(st.sampled_from(OPENINGS), st.lists(message, min_size=2, max_size=4)).map(
        lambda pair: [pair[0], *pair[1]])


# ---- Telegram updates ----

@dataclass(frozen=True)
class Chats:
    """The private chats and the channel every well-formed update is addressed to."""

    private: tuple[int, ...]
    channel: int


LANGUAGE_CODES = ["nl", "pap", "en", "en-GB", "nl-BE", "xx", "", "ar", "he", None, "\u200f", "<b>"]


def telegram_user(chat_id: int, language: object) -> dict[str, object]:
    user: dict[str, object] = {"id": chat_id, "is_bot": False, "first_name": "Fuzz"}
    if language is not None:
        user["language_code"] = language
    return user


@st.composite
def telegram_updates(draw: st.DrawFn, chats: Chats, update_ids: st.SearchStrategy[int]) -> tuple[Body, str]:
    """A well-formed Update with an odd text (kind "text", "caption", "edited", "press",
    "channel"), or a body the webhook must refuse (kind "invalid")."""
    update_id = draw(update_ids)
    kind = draw(st.sampled_from(["text"] * 6 + ["caption", "edited", "press", "press", "channel", "invalid",
                                 "invalid", "invalid"]))
    chat_id = draw(st.sampled_from(chats.private))
    language = draw(st.sampled_from(LANGUAGE_CODES))
    text = draw(odd_texts().filter(lambda value: value != ""))
    date = 1_700_000_000 + draw(st.integers(min_value=0, max_value=10**8))
    chat = {"id": chat_id, "type": "private", "first_name": "Fuzz"}
    message = {"message_id": draw(st.integers(min_value=1, max_value=2**31)), "date": date,
               "from": telegram_user(chat_id, language), "chat": chat}
    if kind == "text":
        content: dict[str, object] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0] or "/")}]
        update = {"update_id": update_id, "message": {**message, **content}}
    elif kind == "caption":
        update = {"update_id": update_id, "message": {**message, "caption": text, "photo": [
            {"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]}}
    elif kind == "edited":
        update = {"update_id": update_id, "edited_message": {**message, "text": text, "edit_date": date}}
    elif kind == "press":
        update = {"update_id": update_id, "callback_query": {
            "id": str(draw(st.integers(min_value=1, max_value=10**12))), "from": telegram_user(chat_id, language),
            "chat_instance": "1", "data": draw(st.one_of(intent_messages(), st.text(max_size=64))),
            "message": {"message_id": 1, "date": date, "chat": chat, "text": "…"}}}
    elif kind == "channel":
        update = {"update_id": update_id, "channel_post": {
            "message_id": 1, "date": date, "chat": {"id": chats.channel, "type": "channel", "title": "Fuzz"},
            "text": text}}
    else:
        return draw(invalid_telegram_bodies(chat_id)), kind
    return body(update, ensure_ascii=draw(st.booleans())), kind


@st.composite
def invalid_telegram_bodies(draw: st.DrawFn, chat_id: int) -> Body:
    """Bodies that are no Update: not JSON, not an object, no update_id, fields of the wrong type."""
    if draw(st.booleans()):
        return draw(malformed_bodies())
    wrong = draw(st.sampled_from([
        {},
        {"update_id": None},
        {"message": {"message_id": 1, "date": 1, "chat": {"id": chat_id, "type": "private"}, "text": "hoi"}},
        {"update_id": 1, "message": 5},
        {"update_id": 1, "message": []},
        {"update_id": 1, "message": {"message_id": 1, "chat": {"id": chat_id, "type": "private"}, "text": "hoi"}},
        {"update_id": 1, "message": {"message_id": 1, "date": "gisteren", "chat": {"id": chat_id}, "text": "hoi"}},
        {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": 5, "text": "hoi"}},
        {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": chat_id, "type": "private"},
                                     "text": "hoi", "from": 5}},
        {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": chat_id, "type": "private"},
                                     "text": "hoi", "entities": 5}},
        {"update_id": 1, "callback_query": {"id": "1", "chat_instance": "1", "data": "/greet"}},
        {"update_id": 1, "callback_query": 5},
    ]))
    return body(wrong)

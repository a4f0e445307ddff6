"""Every message the code says exists in Dutch and Papiamentu (English is the msgid)."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.entitlements import Checks
from bot.i18n import LOCALE_DIR, gettext
from bot.knowledge import load_valid_knowledge
from bot.settings import PROJECT_DIR


def catalog(language: str) -> dict[str, str]:
    with (LOCALE_DIR / f"{language}.po").open("rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


def messages_in_code() -> set[str]:
    """Every message the code shows (gettext) or marks for later (N_), and the checks'
    questions in knowledge/rules; the one marker and the one catalogue per language."""
    found = set()
    for folder in ("bot", "actions"):
        for _, _, message, _, _ in extract_from_dir(
            PROJECT_DIR / folder, method_map=[("**.py", "python")], keywords={"gettext": (2,), "N_": None}
        ):
            found.add(message)
    questions = Checks(load_valid_knowledge()).questions
    return found | {question.ask for scheme in questions.values() for question in scheme}


def test_the_code_uses_messages():
    assert len(messages_in_code()) >= 10


def test_every_message_in_the_code_is_translated():
    used = messages_in_code()
    for language in ("nl", "pap"):
        translated = {msgid for msgid, text in catalog(language).items() if text}
        assert used <= translated, f"{language}.po lacks: {sorted(used - translated)}"


def test_catalogs_hold_no_stale_messages():
    used = messages_in_code()
    for language in ("nl", "pap"):
        assert set(catalog(language)) <= used, f"{language}.po has unused: {sorted(set(catalog(language)) - used)}"


def test_placeholders_survive_translation():
    assert gettext("pap", "in force since {since}", since="1 Yanüari 2026") == "ta bigente desde 1 Yanüari 2026"
    assert gettext("en", "in force since {since}", since="1 January 2026") == "in force since 1 January 2026"

"""The privacy statement (knowledge/privacy.yml, bot/privacy/statement.py): what it says in
each language, what the deployment fills in, and the files it refuses."""

from __future__ import annotations

import ast
import copy
import sys
from pathlib import Path

import pytest
import yaml

from bot import LANGUAGES
from bot.privacy.statement import (
    PRIVACY_FILE,
    PrivacyError,
    delete_button_label,
    delete_commands,
    link_label,
    load_privacy,
    privacy_statement,
)

CONTROLLER = "Gemeente Voorbeeldstad"
CONTACT = "privacy@voorbeeldstad.nl"
DAYS = {"nl": "dagen", "pap": "dia", "en": "days"}


def render(language: str, days: int = 30) -> str:
    return privacy_statement(language, days, CONTROLLER, CONTACT)


# --- What the real statement says -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_renders_with_every_placeholder_filled(language):
    text = render(language)
    assert "{" not in text and "}" not in text
    assert CONTROLLER in text and CONTACT in text
    assert f"30 {DAYS[language]}" in text
    assert text.count("\n\n") >= 5  # paragraphs, not one block


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("days", [1, 17, 90])
def test_the_retention_days_given_are_the_ones_shown(language, days):
    text = render(language, days)
    assert f"{days} {DAYS[language]}" in text
    other = 30 if days != 30 else 31
    assert f"{other} {DAYS[language]}" not in text


@pytest.mark.parametrize("language, phrases", [
    ("nl", ["computerprogramma", "niet met een mens", "AI-verordening", "artikel 50"]),
    ("pap", ["programa di kompiuter", "no ta papia ku un hende", "AI-verordening", "artíkulo 50"]),
    ("en", ["computer program", "not talking to a person", "AI Act", "Article 50"]),
])
def test_it_says_this_is_a_machine_as_the_ai_act_asks(language, phrases):
    first_paragraph = render(language).split("\n\n")[1]
    for phrase in phrases:
        assert phrase in first_paragraph


@pytest.mark.parametrize("language, phrases", [
    ("nl", ["Wbp BES", "AVG", "Caribisch Nederland", "Europees Nederland"]),
    ("pap", ["Wbp BES", "AVG", "Hulanda Karibense", "Hulanda Oropeo"]),
    ("en", ["Wbp BES", "GDPR", "Caribbean Netherlands", "European Netherlands"]),
])
def test_it_names_the_wbp_bes_on_the_islands_and_the_avg_elsewhere(language, phrases):
    text = render(language)
    for phrase in phrases:
        assert phrase in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_names_all_three_delete_commands_and_its_own_button(language):
    text = render(language)
    for command in ("/vergeet", "/forget", "/lubidá"):
        assert command in text
    assert f"“{delete_button_label(language)}”" in text


@pytest.mark.parametrize("language, phrases", [
    ("nl", ["BSN", "IBAN", "telefoonnummer", "e-mailadres", "geboortedatum", "Nederlands paspoort", "sedula",
            "Namen", "adressen", "gezondheid", "indicatie", "geen besluit", "Dienst Toeslagen", "Warmtefonds",
            "buiten de Europese Unie", "privacybeleid van Telegram", "Informatiepunt Digitale Overheid",
            "openbaar lichaam"]),
    ("pap", ["BSN", "IBAN", "number di telefòn", "adrès di e-mail", "fecha di nasementu", "pasport", "sédula", "nòmber",
             "adrès", "salú", "indikashon", "no ta un desishon", "Dienst Toeslagen", "Warmtefonds",
             "pafó di Union Oropeo", "privasidat di Telegram", "Informatiepunt Digitale Overheid",
             "entidat públiko"]),
    ("en", ["BSN", "IBAN", "phone number", "e-mail address", "date of birth", "Dutch passport", "sedula", "names",
            "addresses", "health", "indication", "not a decision", "Dienst Toeslagen", "Warmtefonds",
            "outside the European Union", "Telegram's own terms and privacy policy", "Informatiepunt Digitale Overheid",
            "public entity"]),
])
def test_it_says_what_is_kept_what_is_not_detected_and_who_decides(language, phrases):
    text = render(language)
    missing = [phrase for phrase in phrases if phrase not in text]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_is_short_enough_for_a_phone(language):
    text = render(language)
    assert len(text) <= 4096  # one Telegram message
    assert max(len(paragraph) for paragraph in text.split("\n\n")) <= 500


def test_the_button_and_link_labels_are_the_agreed_ones():
    assert [delete_button_label(language) for language in LANGUAGES] == [
        "Verwijder dit gesprek", "Kita e kòmbersashon aki", "Delete this conversation"]
    assert [link_label(language) for language in LANGUAGES] == ["Privacy", "Privasidat", "Privacy"]
    assert delete_commands() == {"nl": "/vergeet", "pap": "/lubidá", "en": "/forget"}


def test_the_languages_really_differ():
    assert len({render(language) for language in LANGUAGES}) == len(LANGUAGES)


@pytest.mark.parametrize("language", ["de", "", "NL", "pap_CW"])
def test_an_unknown_language_gets_dutch(language):
    assert render(language) == render("nl")
    assert delete_button_label(language) == "Verwijder dit gesprek"
    assert link_label(language) == "Privacy"


@pytest.mark.parametrize("days", [0, -5, True, 2.5, "30", None])
def test_retention_days_must_be_a_whole_number_of_at_least_one(days):
    with pytest.raises(ValueError, match="retention_days"):
        privacy_statement("nl", days, CONTROLLER, CONTACT)


@pytest.mark.parametrize("controller, contact, named", [
    ("", CONTACT, "controller"), ("   ", CONTACT, "controller"),
    (CONTROLLER, "", "contact"), (CONTROLLER, None, "contact"),
])
def test_the_controller_and_contact_must_be_filled_in(controller, contact, named):
    with pytest.raises(ValueError, match=named):
        privacy_statement("en", 30, controller, contact)


def test_braces_in_a_deployment_value_are_shown_as_they_are():
    text = privacy_statement("en", 30, "Stichting {Loket}", "mail {contact}")
    assert "Stichting {Loket} is responsible" in text
    assert "Contact: mail {contact}." in text


def test_the_module_imports_only_the_standard_library_yaml_and_bot():
    source = Path(sys.modules[load_privacy.__module__].__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    foreign = {name for name in imported if name not in sys.stdlib_module_names and name not in {"yaml", "bot"}}
    assert foreign == set()


# --- Files it refuses (copies in tmp_path) ------------------------------------------------


@pytest.fixture
def real() -> dict:
    return yaml.safe_load(PRIVACY_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "privacy.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems(tmp_path: Path, data: object) -> list[str]:
    with pytest.raises(PrivacyError) as raised:
        load_privacy(write(tmp_path, data))
    assert str(raised.value).startswith(str(tmp_path / "privacy.yml"))
    return raised.value.problems


def section(data: dict, key: str) -> dict:
    return next(item for item in data["sections"] if item["key"] == key)


def test_an_unchanged_copy_loads_and_renders_like_the_real_file(tmp_path, real):
    statement = load_privacy(write(tmp_path, real))
    for language in LANGUAGES:
        assert statement.render(language, 30, CONTROLLER, CONTACT) == render(language)
    assert not statement.render("en", 30, CONTROLLER, CONTACT, with_title=False).startswith("Privacy at Loket")


@pytest.mark.parametrize("where", ["title", "delete_button", "link_label", "delete_commands", "sections.retention"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_language_is_refused(tmp_path, real, where, language):
    data = copy.deepcopy(real)
    texts = section(data, "retention")["text"] if where == "sections.retention" else data[where]
    del texts[language]
    found = problems(tmp_path, data)
    index = [item["key"] for item in data["sections"]].index("retention")
    label = f"sections[{index}] (retention).text" if where == "sections.retention" else where
    assert f"{label}: missing language '{language}'" in found


def test_an_empty_text_counts_as_missing(tmp_path, real):
    data = copy.deepcopy(real)
    section(data, "help")["text"]["en"] = "   "
    assert any("(help).text: missing language 'en'" in p for p in problems(tmp_path, data))


def test_an_extra_language_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    data["link_label"]["de"] = "Datenschutz"
    assert "link_label: unknown language 'de'" in problems(tmp_path, data)


@pytest.mark.parametrize("placeholder", ["{name}", "{}", "{0}", "{controller.__class__}", "{contact[0]}"])
def test_an_unknown_placeholder_is_refused(tmp_path, real, placeholder):
    data = copy.deepcopy(real)
    for language in LANGUAGES:  # in every language, so only this mistake is reported
        section(data, "help")["text"][language] += f" {placeholder}"
    found = problems(tmp_path, data)
    assert any(f"(help).text.nl: unknown placeholder {placeholder}" in p and "{retention_days}" in p for p in found)


def test_a_placeholder_with_a_format_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    for language in LANGUAGES:
        texts = section(data, "retention")["text"]
        texts[language] = texts[language].replace("{retention_days}", "{retention_days:>5}")
    assert any("placeholder {retention_days} must be plain" in p for p in problems(tmp_path, data))


def test_a_stray_brace_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    section(data, "help")["text"]["pap"] += " {"
    assert any("(help).text.pap: unbalanced braces" in p for p in problems(tmp_path, data))


def test_a_placeholder_in_one_language_only_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    section(data, "help")["text"]["en"] += " Ask {contact}."
    found = problems(tmp_path, data)
    assert any("(help).text: the languages use different placeholders" in p and "en: {contact}" in p for p in found)


def test_a_deployment_placeholder_no_text_uses_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    texts = section(data, "retention")["text"]
    for language in LANGUAGES:
        texts[language] = texts[language].replace("{retention_days}", "30")
    found = problems(tmp_path, data)
    assert [p for p in found if "retention_days" in p] == [
        f"sections ({language}): no text uses {{retention_days}}" for language in LANGUAGES]


def test_a_placeholder_in_a_label_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    data["delete_button"]["en"] = "Delete {controller}'s copy"
    assert "delete_button.en: takes no placeholders, found {controller}" in problems(tmp_path, data)


def test_a_delete_command_the_texts_do_not_name_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    texts = section(data, "delete")["text"]
    texts["en"] = texts["en"].replace(" or /lubidá", "")
    assert problems(tmp_path, data) == ["sections (en): the delete command /lubidá is not mentioned"]


def test_a_command_without_a_slash_is_refused(tmp_path, real):
    data = copy.deepcopy(real)
    data["delete_commands"]["en"] = "forget"
    assert "delete_commands.en: 'forget' is not a command such as /forget" in problems(tmp_path, data)


def test_structural_mistakes_are_refused(tmp_path, real):
    data = copy.deepcopy(real)
    del data["link_label"]
    data["footer"] = {"nl": "x", "pap": "x", "en": "x"}
    data["sections"].append(copy.deepcopy(section(data, "help")))
    data["sections"][0]["extra"] = 1
    found = problems(tmp_path, data)
    assert "missing 'link_label'" in found
    assert "unknown key 'footer'" in found
    assert f"sections[{len(data['sections']) - 1}]: key 'help' is used twice" in found
    assert "sections[0] (assistant): unknown key 'extra'" in found


def test_every_problem_is_listed_at_once(tmp_path, real):
    data = copy.deepcopy(real)
    del data["title"]["pap"]
    data["link_label"]["nl"] = "{x}"
    found = problems(tmp_path, data)
    assert "title: missing language 'pap'" in found
    assert any(p.startswith("link_label.nl: unknown placeholder {x}") for p in found)


@pytest.mark.parametrize("content", ["- just\n- a list\n", "title: [unclosed\n", ""])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, content):
    path = tmp_path / "privacy.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PrivacyError):
        load_privacy(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(PrivacyError, match="cannot read"):
        load_privacy(tmp_path / "absent.yml")

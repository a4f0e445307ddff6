"""Redaction, the tuning half: generated personal data in sentences of this module's own.

The values come from tests/redaction/generators.py (valid BSNs, IBANs, phone numbers,
e-mail addresses, dates of birth, passport/ID numbers); the sealed half
(tests/redaction/test_sealed.py) puts the same kinds of value in other sentences with
other seeds and is never used to tune the detector.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from stdnum.nl import bsn as stdnum_bsn

from bot.privacy import PLACEHOLDERS, Kind, Redaction, find, redact, redact_text
from bot.privacy import redaction as redaction_module
from tests.redaction import generators as gen
from tests.redaction.report import Measured, time_redaction, writing_report

PROJECT_DIR = Path(__file__).resolve().parents[2]
EXAMPLES_PER_KIND = 200
NEAR_MISSES_PER_CATEGORY = 120
CASE_NUMBERS = 700
SEED = 1_985_0312

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "BSN": {
        "nl": ["Mijn BSN is {}", "mijn burgerservicenummer: {} klopt dat?", "BSN {}"],
        "pap": ["Mi BSN ta {}", "mi number di BSN ta {}, bo por buska mi aplikashon?", "BSN: {}"],
        "en": ["My BSN is {}", "my citizen service number is {}.", "BSN {} - can you check my application?"],
    },
    "IBAN": {
        "nl": ["Mijn IBAN is {}", "Stort het maar op {} graag", "rekeningnummer {}."],
        "pap": ["Mi number di banko ta {}", "Mi IBAN ta {}.", "Deposit'é riba {} por fabor"],
        "en": ["My IBAN is {}", "please pay it into {}, thanks", "account number: {}"],
    },
    "PHONE": {
        "nl": ["Bel me op {}", "mijn nummer is {}.", "U kunt mij bereiken op {} na 17 uur"],
        "pap": ["Bo por yama mi na {}", "Mi number di telefòn ta {}.", "yama mi {} awe"],
        "en": ["Call me on {}", "my phone number is {}.", "you can reach me at {} after 5pm"],
    },
    "EMAIL": {
        "nl": ["Mijn e-mail is {}", "mail naar {} aub", "stuur het naar {}."],
        "pap": ["Mi e-mail ta {}", "manda e karta pa {} por fabor", "Mi adrès di e-mail: {}"],
        "en": ["My email is {}", "send it to {} please", "email: {}."],
    },
    "DATE_OF_BIRTH": {
        "nl": ["Ik ben geboren op {}", "geboortedatum: {}", "geb. {} in Rotterdam"],
        "pap": ["Mi a nase dia {}", "Mi fecha di nasementu ta {}", "Mi a nase {} na Kralendijk"],
        "en": ["I was born on {}", "date of birth: {}", "DOB {}"],
    },
    "ID_NUMBER": {
        "nl": ["Mijn paspoortnummer is {}", "ID-kaart {}", "documentnummer: {}."],
        "pap": ["Mi number di pasport ta {}", "number di mi karchi di identidat: {}", "Pasport {}"],
        "en": ["My passport number is {}", "ID card number {}.", "document number: {}"],
    },
}

NEAR_MISS_TEMPLATES: dict[str, dict[str, list[str]]] = {
    "case number (fails elfproef)": {"nl": ["Mijn zaaknummer is {}"], "pap": ["Mi number di kaso ta {}"],
                                     "en": ["my case number is {}"]},
    "amount": {"nl": ["Ik betaal {} huur per maand", "mijn inkomen is {} per jaar"],
               "pap": ["Mi ta paga {} pa luna", "Mi ta gana {} pa aña"], "en": ["I earn {} a year", "rent is {}"]},
    "year": {"nl": ["Wat verandert er in {}?"], "pap": ["Kiko ta kambia den {}?"], "en": ["what changes in {}"]},
    "age": {"nl": ["Ik ben {} jaar"], "pap": ["Mi tin {} aña"], "en": ["I am {} years old"]},
    "postcode": {"nl": ["postcode {}"], "pap": ["mi postcode ta {}"], "en": ["my postcode is {}"]},
    "house number": {"nl": ["huisnummer {}"], "pap": ["number di kas {}"], "en": ["house number {}"]},
    "KvK number": {"nl": ["KvK-nummer {}"], "pap": ["mi number di KvK ta {}"], "en": ["Chamber of Commerce number {}"]},
    "date without a birth word": {"nl": ["Per {} gaat de huur omhoog"], "pap": ["For di {} e lei ta kambia"],
                                  "en": ["from {} the rules change"]},
    "reference number (7 digits)": {"nl": ["klantnummer {}"], "pap": ["mi number di kliente ta {}"],
                                    "en": ["reference {}"]},
}



@pytest.fixture(scope="session")
def redaction_report(reports_dir: Path) -> Iterator[Measured]:
    """The measurements of both halves; redaction.md in `reports_dir` at the end of the session."""
    yield from writing_report(reports_dir)

@pytest.fixture(scope="module")
def tuning_examples() -> dict[str, list[gen.Example]]:
    return {kind: gen.draw(gen.examples(kind, TEMPLATES[kind], PLACEHOLDERS[Kind(kind)]), EXAMPLES_PER_KIND,
                           SEED + i)
            for i, kind in enumerate(gen.KINDS)}


# -- the interface -----------------------------------------------------------------
def test_placeholders_are_one_language_neutral_table() -> None:
    assert dict(PLACEHOLDERS) == {Kind.EMAIL: "[EMAIL]", Kind.IBAN: "[IBAN]", Kind.ID_NUMBER: "[ID_NUMBER]",
                                  Kind.BSN: "[BSN]", Kind.DATE_OF_BIRTH: "[DATE_OF_BIRTH]", Kind.PHONE: "[PHONE]"}
    assert [kind.value for kind in Kind] == ["EMAIL", "IBAN", "ID_NUMBER", "BSN", "DATE_OF_BIRTH", "PHONE"]


def test_redaction_counts_kinds_and_keeps_no_values() -> None:
    text = ("BSN 1112.22.333, IBAN NL91 ABNA 0417 1643 00, bel 06-12345678 of +599 717 1234, "
            "mail jan@example.nl, geboren 12-03-1985, paspoort NX5KF12P3")
    result = redact(text)
    assert result.text == ("BSN [BSN], IBAN [IBAN], bel [PHONE] of [PHONE], mail [EMAIL], "
                           "geboren [DATE_OF_BIRTH], paspoort [ID_NUMBER]")
    assert dict(result.found) == {Kind.BSN: 1, Kind.IBAN: 1, Kind.PHONE: 2, Kind.EMAIL: 1, Kind.DATE_OF_BIRTH: 1,
                                  Kind.ID_NUMBER: 1}
    assert result.changed
    for value in ("111222333", "1112.22.333", "NL91", "0417", "12345678", "717", "jan@", "1985", "NX5KF12P3"):
        assert value not in repr(result.found)
        assert value not in result.text
    assert [kind for _, _, kind in find(text)] == [Kind.BSN, Kind.IBAN, Kind.PHONE, Kind.PHONE, Kind.EMAIL,
                                                   Kind.DATE_OF_BIRTH, Kind.ID_NUMBER]
    assert redact_text(text) == result.text


def test_redaction_is_idempotent_and_placeholders_survive() -> None:
    once = redact("Mijn BSN is 123456782 en mijn mail is a@b.nl").text
    assert redact(once) == Redaction(once)
    assert redact("[BSN] [IBAN] [PHONE] [EMAIL] [DATE_OF_BIRTH] [ID_NUMBER]").found == {}


def test_text_without_digits_or_at_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str):
        raise AssertionError("a finder ran on text without a digit or @")

    monkeypatch.setattr(redaction_module, "_FINDERS", (refuse,))
    assert redact("Wat is huurtoeslag? Kiko ta e Warmtefonds? What is a Regiodeal?") == Redaction(
        "Wat is huurtoeslag? Kiko ta e Warmtefonds? What is a Regiodeal?")
    with pytest.raises(AssertionError):
        redact("mijn nummer is 0612345678")


@pytest.mark.parametrize("text", [
    "a" * 4000 + "@", "x@" + "a-" * 2000, "a.b-c" * 800 + "@x", "NL91 " * 800, "1" * 4096,
    "AB1234567 " * 400, "geboren 12-03-1985 " * 200,
])
def test_long_hostile_messages_take_no_quadratic_time(text: str) -> None:
    """Telegram allows 4096 characters: no finder may take quadratic time on them."""
    start = time.perf_counter()
    redact(text)
    assert time.perf_counter() - start < 1.0


def test_the_domain_imports_no_rasa() -> None:
    source = (PROJECT_DIR / "bot" / "privacy" / "redaction.py").read_text(encoding="utf-8")
    imports = re.findall(r"^(?:from|import) (\S+)", source, re.MULTILINE)
    assert not [name for name in imports if name.split(".")[0] in {"rasa", "rasa_sdk", "sanic", "telegram"}]


# -- the written forms the issue names ---------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Mijn BSN is 123456782", "Mijn BSN is [BSN]"),
    ("Mijn BSN is 1234.56.782", "Mijn BSN is [BSN]"),
    ("Mi BSN ta 123 456 782", "Mi BSN ta [BSN]"),
    ("zaaknummer 123456789", "zaaknummer 123456789"),  # fails the elfproef
    ("IBAN: NL91ABNA0417164300.", "IBAN: [IBAN]."),
    ("IBAN NL91 ABNA 0417 1643 00 graag", "IBAN [IBAN] graag"),
    ("BE68 5390 0754 7034 and DE89 3704 0044 0532 0130 00", "[IBAN] and [IBAN]"),
    ("NL91 ABNA 0417 1643 01", "NL91 ABNA 0417 1643 01"),  # wrong check digits
    ("bel 06-12345678", "bel [PHONE]"), ("bel 06 1234 5678", "bel [PHONE]"),
    ("bel +31 6 12345678", "bel [PHONE]"), ("bel 0031 6 12345678", "bel [PHONE]"),
    ("bel 020-1234567", "bel [PHONE]"), ("Bo por yama mi na +599 717 1234", "Bo por yama mi na [PHONE]"),
    ("yama 717-1234", "yama [PHONE]"), ("Statia: +599 318 1234, Saba: 416 1234", "Statia: [PHONE], Saba: [PHONE]"),
    ("Curaçao: +599 9 461 2345", "Curaçao: [PHONE]"),
    ("Belastingtelefoon 0800-0543", "Belastingtelefoon 0800-0543"),  # a service number, not a person's
    ("mail me: maria.de-vries@ziggo.nl.", "mail me: [EMAIL]."),
    ("Ik ben geboren op 12-03-1985", "Ik ben geboren op [DATE_OF_BIRTH]"),
    ("geb. 12/3/85", "geb. [DATE_OF_BIRTH]"), ("DOB: 1985-03-12", "DOB: [DATE_OF_BIRTH]"),
    ("born 12 March 1985", "born [DATE_OF_BIRTH]"), ("Mi a nase dia 12 di mart 1985", "Mi a nase dia [DATE_OF_BIRTH]"),
    ("fecha di nasementu: 12-03-1985", "fecha di nasementu: [DATE_OF_BIRTH]"),
    ("12 maart 1985 is mijn geboortedatum", "[DATE_OF_BIRTH] is mijn geboortedatum"),
    ("Wat verandert er op 1 januari 2026?", "Wat verandert er op 1 januari 2026?"),
    ("Mijn zoon is geboren. Per 1 januari 2026 wil ik huurtoeslag",
     "Mijn zoon is geboren. Per 1 januari 2026 wil ik huurtoeslag"),
    ("Paspoort NX5KF12P3", "Paspoort [ID_NUMBER]"), ("mijn paspoort: nx5kf12p3", "mijn paspoort: [ID_NUMBER]"),
    ("ID NO5KF12P3", "ID NO5KF12P3"),  # the letter O is never used
    ("in april2025 of maart2026", "in april2025 of maart2026"),
    ("Ik ben op 12-03-1985 geboren", "Ik ben op [DATE_OF_BIRTH] geboren"),
    ("born on March 12, 1985", "born on [DATE_OF_BIRTH]"), ("geb.datum 12.03.1985", "geb.datum [DATE_OF_BIRTH]"),
    ("BSN 123-456-782", "BSN [BSN]"), ("bel (020) 123 4567", "bel [PHONE]"), ("JAN@EXAMPLE.NL", "[EMAIL]"),
    ("Ik ben 12-03-1985 geboren, woon sinds 1-1-2020 hier", "Ik ben [DATE_OF_BIRTH] geboren, woon sinds 1-1-2020 hier"),
    ("bel +31-561-340-742", "bel [PHONE]"),  # a phone number, though 561-340-742 passes the elfproef
])
def test_the_written_forms_of_the_issue(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize("text", [
    "Ik ben 22 en betaal € 1.234,56 huur", "Mi ta paga $750 pa luna", "about 30k a year",
    "postcode 1234 AB, huisnummer 12", "Mijn huur is 1.200,50 per maand sinds 2026",
    "Mi tin 67 aña i mi ta biba na Kralendijk 12", "I'm 34, rent is €823,- and I earn 2.450 net",
    "Ik verdien € 32.000 bruto per jaar en mijn partner 28k", "E renta ta NAf 1.250,00 pa luna",
    "we pay $ 1,350.00 a month for 75 m2", "mijn zaak 987654321 loopt sinds 12-03-2024",
    "Kan ik huurtoeslag krijgen als ik in 2025 € 28.500 verdien?", "Mi ta 19 aña i mi ta studia",
    "€ 123.456.782 voor de woningbouw", "het budget is 1.234.567.890 euro",
])
def test_amounts_ages_years_and_postcodes_survive(text: str) -> None:
    assert redact(text) == Redaction(text)


# -- generated data, tuning half ---------------------------------------------------
@pytest.mark.parametrize("kind", gen.KINDS)
def test_recall_is_complete(kind: str, tuning_examples: dict[str, list[gen.Example]],
                            redaction_report: Measured) -> None:
    examples = tuning_examples[kind]
    assert len(examples) >= EXAMPLES_PER_KIND * 0.95
    missed = []
    for example in examples:
        hit = redact(example.text).text == example.expected
        redaction_report.rate(redaction_report.recall, "tuning", kind).add(hit)
        redaction_report.rate(redaction_report.recall_by_language, "tuning", example.language).add(hit)
        if not hit:
            missed.append((example.text, redact(example.text).text))
    assert not missed, f"{len(missed)} of {len(examples)} {kind} missed, e.g. {missed[:8]}"


@settings(derandomize=True, max_examples=100, database=None, deadline=None)
@given(gen.examples("BSN", TEMPLATES["BSN"], "[BSN]") | gen.examples("IBAN", TEMPLATES["IBAN"], "[IBAN]")
       | gen.examples("PHONE", TEMPLATES["PHONE"], "[PHONE]") | gen.examples("EMAIL", TEMPLATES["EMAIL"], "[EMAIL]"))
def test_no_value_survives_redaction(example: gen.Example) -> None:
    result = redact(f"{example.text} Alvast bedankt, masha danki, thanks.")
    assert example.value not in result.text
    digits = re.sub(r"\D", "", example.value)
    if len(digits) >= 4:
        assert digits[-4:] not in re.sub(r"\D", "", result.text)
    assert dict(result.found) == {Kind(example.kind): 1}


@pytest.mark.parametrize("category", sorted(gen.NEAR_MISSES))
def test_near_misses_stay(category: str, redaction_report: Measured) -> None:
    cases = gen.draw(gen.near_misses(category, NEAR_MISS_TEMPLATES[category]), NEAR_MISSES_PER_CATEGORY,
                     SEED + 100 + sorted(gen.NEAR_MISSES).index(category))
    changed = [case.text for case in cases if redact(case.text).text != case.text]
    rate = redaction_report.rate(redaction_report.false_positives, "tuning", category)
    rate.hits, rate.total = len(changed), len(cases)
    print(f"{category}: {rate}")
    bound = 0.10 if category == "reference number (7 digits)" else 0.02
    assert rate.value <= bound, f"{rate} redacted, e.g. {changed[:8]}"


def test_exactly_the_elfproef_valid_numbers_are_redacted(redaction_report: Measured) -> None:
    cases = gen.draw(gen.case_number_messages(NEAR_MISS_TEMPLATES["case number (fails elfproef)"]), CASE_NUMBERS,
                     SEED + 300)
    wrong = []
    for number, text in cases:
        valid = stdnum_bsn.is_valid(number)
        redacted = redact(text).text
        redaction_report.rate(redaction_report.elfproef, "tuning", "valid" if valid else "invalid").add(
            redacted != text)
        if redacted != (text.replace(number, "[BSN]") if valid else text):
            wrong.append((text, redacted))
    assert redaction_report.elfproef["tuning"]["valid"].total >= 30
    assert not wrong, f"{len(wrong)} wrong, e.g. {wrong[:8]}"


# -- real messages -----------------------------------------------------------------
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@functools.cache
def real_messages() -> tuple[str, ...]:
    """The held-out test messages (tests/nlu) and the training examples (nlu_data), without
    their entity annotations: questions people ask Loket, with amounts, ages and years."""
    messages = []
    for path in sorted([*(PROJECT_DIR / "tests" / "nlu").glob("*.yml"), *(PROJECT_DIR / "nlu_data").rglob("*.yml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    messages.append(_ANNOTATION.sub(r"\1", line.strip()[2:]))
    return tuple(messages)


def test_real_messages_stay_as_they_are(redaction_report: Measured) -> None:
    messages = real_messages()
    assert len(messages) > 2000
    changed = [(m, redact(m).text) for m in messages if redact(m).text != m]
    redaction_report.notes.append(f"Real messages (tests/nlu and nlu_data, {len(messages)} questions, "
                                  f"{sum(bool(re.search(r'[0-9@]', m)) for m in messages)} with a digit or @): "
                                  f"{len(changed)} changed by redaction.")
    assert not changed, changed[:8]


def test_time_per_message(tuning_examples: dict[str, list[gen.Example]], redaction_report: Measured) -> None:
    real = real_messages()
    with_digits = [m for m in real if re.search(r"[0-9@]", m)]
    generated = [example.text for kind in gen.KINDS for example in tuning_examples[kind]]
    timing = redaction_report.timing_us
    timing["real questions (tests/nlu, nlu_data), all"] = time_redaction(real)
    timing["real questions with a digit or @"] = time_redaction(with_digits)
    timing["tuning messages, one datum each"] = time_redaction(generated)
    assert timing["real questions (tests/nlu, nlu_data), all"][1] < 200
    assert timing["tuning messages, one datum each"][1] < 5_000

"""SEALED: the half of the redaction test data that is never used to tune the detector.

Nobody changes bot/privacy/redaction.py (or these sentences) to make this module pass:
it only measures. Its sentences and seeds are its own (the tuning half lives in
tests/unit/test_redaction.py); its values come from the same generators
(tests/redaction/generators.py). It asserts what the issue asks: recall of 100% for every
kind (the datum gone and its placeholder written; where the boundaries differ from the
expected text, that is printed, not failed), near-misses redacted at most 2% of the
time, and exactly the nine-digit numbers that pass the elfproef redacted. Its numbers
go into redaction.md (`--reports DIR`).

If a case here fails, record it; fix the detector only for a reason found elsewhere
(a new case in the tuning half), never by looking at what failed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stdnum.nl import bsn as stdnum_bsn

from bot.privacy import PLACEHOLDERS, Kind, redact
from tests.redaction import generators as gen
from tests.redaction.report import Measured, time_redaction, writing_report

pytestmark = pytest.mark.slow

EXAMPLES_PER_KIND = 300
NEAR_MISSES_PER_CATEGORY = 300
CASE_NUMBERS = 1100
SEED = 20_260_517

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "BSN": {
        "nl": ["Goedemiddag, ik heb mijn BSN ({}) al eerder doorgegeven.", "{} is mijn burgerservicenummer",
               "Gegevens: naam bekend, BSN {}, graag terugbellen"],
        "pap": ["Bon tardi, mi number di BSN: {}", "E BSN di mi yu ta {} i e no ta haña toeslag",
                "{} ta mi BSN"],
        "en": ["Hi, BSN {} here, any news on my rent benefit?", "The BSN of my partner is {}",
               "Here it is: {}. That's my BSN."],
    },
    "IBAN": {
        "nl": ["Het geld mag naar rekening {} van mijn moeder", "{} is mijn rekeningnummer",
               "Kan de toeslag voortaan op {} worden gestort?"],
        "pap": ["Mi kuenta di banko ta {}", "Pone e plaka riba {} anto", "IBAN: {} (di mi kasá)"],
        "en": ["Please send the refund to {} instead", "{} is my bank account", "Bank details - IBAN {}"],
    },
    "PHONE": {
        "nl": ["Mijn mobiel: {}", "Wilt u mij terugbellen? {}", "Bereikbaar op {} tussen 9 en 5"],
        "pap": ["Yama mi bek na {} por fabor", "Mi selular ta {}", "Bo por manda mensahe na {} tambe"],
        "en": ["Text me at {} if anything changes", "Reach me on {}", "My landline ({}) works better"],
    },
    "EMAIL": {
        "nl": ["Stuur de bevestiging naar {} graag", "Mijn mailadres is veranderd: {}",
               "Kunt u mailen? {}"],
        "pap": ["Manda e informashon pa mi e-mail {}", "Mi e-mail nobo ta {}", "Skirbi mi na {} porfabor"],
        "en": ["You can email me at {}", "Send the letter to {} please", "{} is where I read my mail"],
    },
    "DATE_OF_BIRTH": {
        "nl": ["Mijn geboortedatum is {}", "Ik ben {} geboren, in Den Haag", "Geboren: {}"],
        "pap": ["Mi a nase {}", "Mi fecha di nasementu ta {}", "Mi yu a nase dia {} na Kralendijk"],
        "en": ["My date of birth is {}", "I was born {} in Curaçao", "DOB: {}"],
    },
    "ID_NUMBER": {
        "nl": ["Het nummer van mijn paspoort is {}", "Mijn ID-kaart heeft nummer {}", "documentnummer {}"],
        "pap": ["E number di mi pasport ta {}", "Mi sédula: {}", "Number di dokumento {}"],
        "en": ["My passport number: {}", "ID card no. {}", "the document number is {}"],
    },
}

NEAR_MISS_TEMPLATES: dict[str, list[str]] = {
    "nl": ["Mijn dossier heeft nummer {}, klopt dat?", "Hoe zit het met {} voor mij?", "Ik heb {} genoteerd"],
    "pap": ["E kaso ta {}, kiko mester pasa awor?", "Kon ta ku {} pa mi?", "Mi a skirbi {} riba e papel"],
    "en": ["Is {} the right figure?", "What about {} in my case?", "I wrote down {} for that"],
}
CASE_NUMBER_TEMPLATES: dict[str, list[str]] = {
    "nl": ["Zaak {} staat nog open", "Mijn kenmerk: {}"],
    "pap": ["E number di kaso {} ta habri ainda", "Mi referensia: {}"],
    "en": ["Case {} is still open", "My reference: {}"],
}



@pytest.fixture(scope="session")
def redaction_report(reports_dir: Path) -> Iterator[Measured]:
    """The measurements of both halves; redaction.md in `reports_dir` at the end of the session."""
    yield from writing_report(reports_dir)

@pytest.fixture(scope="module")
def sealed_examples() -> dict[str, list[gen.Example]]:
    return {kind: gen.draw(gen.examples(kind, TEMPLATES[kind], PLACEHOLDERS[Kind(kind)]), EXAMPLES_PER_KIND,
                           SEED + i)
            for i, kind in enumerate(gen.KINDS)}


@pytest.mark.parametrize("kind", gen.KINDS)
def test_sealed_recall_is_complete(kind: str, sealed_examples: dict[str, list[gen.Example]],
                                   redaction_report: Measured) -> None:
    examples = sealed_examples[kind]
    assert len(examples) >= EXAMPLES_PER_KIND * 0.95
    missed, inexact = [], []
    for example in examples:
        redacted = redact(example.text).text
        # Recall: the datum is gone and its placeholder stands in its place.
        hit = example.value not in redacted and PLACEHOLDERS[Kind(kind)] in redacted
        redaction_report.rate(redaction_report.recall, "sealed", kind).add(hit)
        redaction_report.rate(redaction_report.recall_by_language, "sealed", example.language).add(hit)
        if not hit:
            missed.append((example.text, redacted))
        elif redacted != example.expected:  # removed, but with a character more or less around it
            inexact.append((example.text, redacted))
    print(f"{kind}: {len(inexact)} of {len(examples)} redacted with other boundaries than expected, "
          f"e.g. {inexact[:2]}")
    assert not missed, f"{len(missed)} of {len(examples)} {kind} missed, e.g. {missed[:5]}"


@pytest.mark.parametrize("category", sorted(set(gen.NEAR_MISSES) - {"reference number (7 digits)"}))
def test_sealed_near_misses_stay(category: str, redaction_report: Measured) -> None:
    cases = gen.draw(gen.near_misses(category, NEAR_MISS_TEMPLATES), NEAR_MISSES_PER_CATEGORY,
                     SEED + 100 + sorted(gen.NEAR_MISSES).index(category))
    changed = [case.text for case in cases if redact(case.text).text != case.text]
    rate = redaction_report.rate(redaction_report.false_positives, "sealed", category)
    rate.hits, rate.total = len(changed), len(cases)
    print(f"{category}: {rate}")
    assert rate.value <= 0.02, f"{rate} redacted, e.g. {changed[:5]}"


def test_sealed_reference_numbers_measured(redaction_report: Measured) -> None:
    """Seven-digit reference numbers: some are valid Bonaire, Statia or Saba numbers, which
    are redacted as phone numbers. Only measured and bounded, not held to 2%."""
    cases = gen.draw(gen.near_misses("reference number (7 digits)", NEAR_MISS_TEMPLATES), NEAR_MISSES_PER_CATEGORY,
                     SEED + 200)
    changed = [case.text for case in cases if redact(case.text).text != case.text]
    rate = redaction_report.rate(redaction_report.false_positives, "sealed", "reference number (7 digits)")
    rate.hits, rate.total = len(changed), len(cases)
    print(f"reference numbers: {rate}")
    assert rate.value <= 0.10, f"{rate} redacted, e.g. {changed[:5]}"


def test_sealed_exactly_the_elfproef_valid_numbers_are_redacted(redaction_report: Measured) -> None:
    cases = gen.draw(gen.case_number_messages(CASE_NUMBER_TEMPLATES), CASE_NUMBERS, SEED + 300)
    wrong = []
    for number, text in cases:
        valid = stdnum_bsn.is_valid(number)
        redacted = redact(text).text
        rate = redaction_report.rate(redaction_report.elfproef, "sealed", "valid" if valid else "invalid")
        rate.add(redacted != text)
        expected = text.replace(number, PLACEHOLDERS[Kind.BSN]) if valid else text
        if redacted != expected:
            wrong.append((text, redacted))
    valid = redaction_report.elfproef["sealed"]["valid"].total
    assert valid >= 50, "about 1 in 11 random nine-digit numbers pass the elfproef"
    assert not wrong, f"{len(wrong)} wrong, e.g. {wrong[:5]}"


def test_sealed_time_per_message(sealed_examples: dict[str, list[gen.Example]], redaction_report: Measured) -> None:
    messages = [example.text for kind in gen.KINDS for example in sealed_examples[kind]]
    count, mean, p95 = redaction_report.timing_us["sealed messages, one datum each"] = time_redaction(messages)
    assert mean < 5_000, f"{mean:.0f} µs per message"

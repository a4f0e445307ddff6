"""Presidio (presidio-analyzer) side by side with Loket's own redaction, on the same data.

Presidio is what the Estonian state's Bürokratt uses. Its current release does not install
beside Rasa 3.6's pins (it needs pydantic 2; Rasa pins pydantic 1.10.9), so this runs in a
throwaway venv of its own, never in .venv, and no test imports it:

    python3.10 -m venv /tmp/presidio-venv
    /tmp/presidio-venv/bin/pip install presidio-analyzer python-stdnum==2.2 phonenumbers==9.0.43 \
        hypothesis==6.168.5 pytest pyyaml SQLAlchemy==1.4.54  # the last: bot.privacy imports retention
    /tmp/presidio-venv/bin/python benchmarks/redaction_presidio.py   -> reports/presidio.md

No model is downloaded: Presidio's AnalyzerEngine runs on a blank spaCy pipeline (a
tokenizer, no NER), so only its pattern recognizers work. The data is the tests' own:
both halves' sentences and seeds (tests/unit/test_redaction.py, tests/redaction/test_sealed.py)
drawn with tests/redaction/generators.py, so the numbers for Loket match the tests'.

Three systems are measured in one run:
- Loket: bot.privacy.redact.
- Presidio, built in: its recognizers for what it has (EMAIL_ADDRESS, IBAN_CODE, PHONE_NUMBER
  with regions NL and BQ, DATE_TIME); it has none for the BSN or a Dutch passport number.
- Presidio, extended: the above plus PatternRecognizers written for it here: a BSN (regex and
  the elfproef), a Dutch document number, and dates only with a birth word (context words
  and a score threshold).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# tldextract (Presidio's e-mail recognizer) fetches the public suffix list from the web on
# first use unless told not to; offline it falls back to the snapshot it ships.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from stdnum.nl import bsn as stdnum_bsn  # noqa: E402
from stdnum.nl import identiteitskaartnummer as stdnum_id  # noqa: E402

from bot.privacy import PLACEHOLDERS, Kind, redact  # noqa: E402
from tests.redaction import generators as gen  # noqa: E402
from tests.redaction import test_sealed as sealed  # noqa: E402 - its sentences and seeds, not its tests
from tests.unit import test_redaction as tuning  # noqa: E402 - its sentences and seeds, not its tests

Span = tuple[int, int, str]  # start, end, placeholder


# -- the systems -------------------------------------------------------------------
def loket(text: str) -> str:
    return redact(text).text


PRESIDIO_PLACEHOLDERS = {"EMAIL_ADDRESS": "[EMAIL]", "IBAN_CODE": "[IBAN]", "PHONE_NUMBER": "[PHONE]",
                         "DATE_TIME": "[DATE_OF_BIRTH]", "NL_BSN": "[BSN]", "NL_ID_NUMBER": "[ID_NUMBER]"}
PHONE_WORDS = ["bel", "bellen", "telefoon", "nummer", "mobiel", "yama", "telefòn", "selular", "number"]
BIRTH_WORDS = ["geboren", "geb", "geboortedatum", "born", "birth", "dob", "nase", "nasé", "nasementu"]


def presidio_engines(model_dir: Path) -> dict[str, Callable[[str], str]]:
    import spacy
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
    )

    # A blank pipeline on disk: Presidio loads a path without downloading anything.
    spacy.blank("en").to_disk(model_dir)

    def engine(recognizers: list, date_threshold: float = 0.0) -> Callable[[str], str]:
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)
        nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(model_dir)}])
        analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])

        def anonymise(text: str) -> str:
            results = analyzer.analyze(text=text, language="en")
            spans = [(r.start, r.end, PRESIDIO_PLACEHOLDERS.get(r.entity_type, f"[{r.entity_type}]"), r.score)
                     for r in results if r.entity_type != "DATE_TIME" or r.score >= date_threshold]
            return replace(text, spans)
        return anonymise

    class BsnRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return stdnum_bsn.is_valid(pattern_text)

    class DocumentNumberRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return stdnum_id.is_valid(pattern_text)

    bsn = BsnRecognizer(supported_entity="NL_BSN", patterns=[Pattern(
        "bsn", r"\b(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3} \d{3} \d{3}|\d{4} \d{2} \d{3})\b", 0.5)])
    document = DocumentNumberRecognizer(supported_entity="NL_ID_NUMBER", patterns=[Pattern(
        "nl document", r"\b[A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9]\b", 0.5)])
    phone = PhoneRecognizer(supported_regions=("NL", "BQ"), context=PhoneRecognizer.CONTEXT + PHONE_WORDS)
    built_in = [EmailRecognizer(), IbanRecognizer(), phone, DateRecognizer()]
    extended = [EmailRecognizer(), IbanRecognizer(), phone, bsn, document]
    return {
        "Presidio, built in": engine(built_in),
        "Presidio + BSN, ID number": engine([*extended, DateRecognizer()]),
        # Presidio's way to keep only dates of birth: context words raise a date's score
        # (at most 0.6) by 0.35, and dates below 0.7 are dropped.
        "Presidio + BSN, ID number, birth-word dates": engine([*extended, DateRecognizer(context=BIRTH_WORDS)],
                                                              date_threshold=0.7),
    }


def replace(text: str, spans: Sequence[tuple[int, int, str, float]]) -> str:
    """Replace non-overlapping spans, the best score (then the longest) first."""
    taken: list[tuple[int, int, str, float]] = []
    for span in sorted(spans, key=lambda s: (-s[3], s[0] - s[1])):
        if all(span[1] <= other[0] or span[0] >= other[1] for other in taken):
            taken.append(span)
    for start, end, placeholder, _ in sorted(taken, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return text


# -- the data ----------------------------------------------------------------------
@dataclass
class Data:
    examples: dict[str, dict[str, list[gen.Example]]] = field(default_factory=dict)   # half -> kind -> examples
    near_misses: dict[str, dict[str, list[str]]] = field(default_factory=dict)     # half -> category -> texts
    case_numbers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)   # half -> (number, text)
    real: list[str] = field(default_factory=list)


def build_data(halves: Sequence[str]) -> Data:
    data = Data(real=list(tuning.real_messages()))
    for half, module in (("sealed", sealed), ("tuning", tuning)):
        if half not in halves:
            continue
        data.examples[half] = {
            kind: gen.draw(gen.examples(kind, module.TEMPLATES[kind], PLACEHOLDERS[Kind(kind)]),
                           module.EXAMPLES_PER_KIND, module.SEED + i)
            for i, kind in enumerate(gen.KINDS)}
        categories = sorted(gen.NEAR_MISSES)
        data.near_misses[half] = {}
        for category in categories:
            if half == "sealed":
                templates = module.NEAR_MISS_TEMPLATES
                seed = module.SEED + (200 if category == "reference number (7 digits)"
                                      else 100 + categories.index(category))
            else:
                templates = module.NEAR_MISS_TEMPLATES[category]
                seed = module.SEED + 100 + categories.index(category)
            data.near_misses[half][category] = [
                case.text for case in gen.draw(gen.near_misses(category, templates), module.NEAR_MISSES_PER_CATEGORY,
                                               seed)]
        templates = (sealed.CASE_NUMBER_TEMPLATES if half == "sealed"
                     else tuning.NEAR_MISS_TEMPLATES["case number (fails elfproef)"])
        data.case_numbers[half] = gen.draw(gen.case_number_messages(templates), module.CASE_NUMBERS, module.SEED + 300)
    return data


# -- measuring ---------------------------------------------------------------------
def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f}%)" if total else "-"


def time_us(system: Callable[[str], str], messages: Sequence[str], rounds: int = 2) -> float:
    best = [float("inf")] * len(messages)
    for _ in range(rounds):
        for i, message in enumerate(messages):
            start = time.perf_counter_ns()
            system(message)
            best[i] = min(best[i], (time.perf_counter_ns() - start) / 1000)
    return statistics.fmean(best)


def measure(systems: dict[str, Callable[[str], str]], data: Data) -> list[str]:
    names = list(systems)
    head = "| " + " | ".join(["", *names]) + " |"
    rule = "|" + " --- |" * (len(names) + 1)
    lines: list[str] = []
    for half in data.examples:
        lines += [f"### Recall, {half} half: redacted exactly as expected (value removed at all)", "", head, rule]
        for kind in gen.KINDS:
            cells = []
            for name in names:
                examples = data.examples[half][kind]
                outputs = [systems[name](example.text) for example in examples]
                exact = sum(out == example.expected for out, example in zip(outputs, examples, strict=True))
                removed = sum(example.value not in out for out, example in zip(outputs, examples, strict=True))
                cells.append(f"{rate(exact, len(examples))} ({100 * removed / len(examples):.1f}%)")
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
        lines += ["", f"### Near-misses redacted (false positives), {half} half", "", head, rule]
        for category, texts in data.near_misses[half].items():
            cells = [rate(sum(systems[name](t) != t for t in texts), len(texts)) for name in names]
            lines.append(f"| {category} | " + " | ".join(cells) + " |")
        cases = data.case_numbers[half]
        valid = [(n, t) for n, t in cases if stdnum_bsn.is_valid(n)]
        invalid = [(n, t) for n, t in cases if not stdnum_bsn.is_valid(n)]
        for label, group in (("nine digits passing the elfproef, redacted", valid),
                             ("nine digits failing the elfproef, redacted", invalid)):
            cells = [rate(sum(systems[name](t) != t for _, t in group), len(group)) for name in names]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    half = next(iter(data.examples))
    everything = [example.text for kind in gen.KINDS for example in data.examples[half][kind]]
    with_digits = [m for m in data.real if re.search(r"[0-9@]", m)]
    lines += ["### Time per message (mean µs, best of two rounds)", "", head, rule]
    for label, messages in ((f"real questions ({len(data.real)})", data.real),
                            (f"real questions with a digit or @ ({len(with_digits)})", with_digits),
                            (f"{half} messages with one datum ({len(everything)})", everything)):
        lines.append(f"| {label} | " + " | ".join(f"{time_us(systems[n], messages):.0f}" for n in names) + " |")
    lines.append("")
    return lines


INSTALL = """\
## Does Presidio install beside Rasa 3.6's pins?

Checked with `.venv/bin/pip install --dry-run -c constraints.txt presidio-analyzer` (pip's resolver,
Rasa 3.6.21's pins in constraints.txt):

- **The current release, presidio-analyzer 2.2.365, does not.** Pinned explicitly it fails with
  `ResolutionImpossible`: it depends on `pydantic>=2.12.5,<3`, and Rasa 3.6 pins `pydantic==1.10.9`.
  2.2.361 to 2.2.364 fail the same way (`pydantic>=2.0.0`).
- Unpinned, pip quietly backtracks to **2.2.360**, the last release that accepts pydantic 1, and would
  add 23 packages to Loket's venv: presidio_analyzer 2.2.360, spacy 3.8.11, thinc 8.3.4, blis 1.2.1,
  srsly 2.5.6, preshed 3.0.15, cymem 2.0.16, murmurhash 1.0.16, catalogue 2.0.10, confection 0.1.5,
  wasabi 1.1.3, weasel 0.4.3, spacy-legacy 3.0.12, spacy-loggers 1.0.5, cloudpathlib 0.26.0,
  smart_open 7.7.1, typer 0.28.0, typer-slim 0.24.0, annotated-doc 0.0.6, shellingham 1.5.4, Jinja2 3.1.6,
  tldextract 5.4.0, requests-file 3.0.1: 178 MB installed, most of it spaCy.
- 2.2.360 installed into a throwaway venv layered over Loket's (its site-packages on the path, nothing
  written into .venv) imports in one process with rasa 3.6.21, numpy 1.23.5 and pydantic 1.10.9, and a
  blank spaCy pipeline runs. So the old release *can* be installed; the current one cannot, and staying
  on 2.2.360 means no Presidio fixes until Rasa leaves pydantic 1.
- The numbers below come from the current release (2.2.365) in its own venv (`/tmp/presidio-venv`,
  pydantic 2, numpy 2), as this script's docstring describes.
"""

OFFLINE = """\
Phone numbers in brackets ("My landline (0570-020669) works better", one sealed sentence) are
missed *exactly* by Loket and Presidio alike: phonenumbers' matcher takes the opening bracket into
the number, so the text becomes "My landline [PHONE]) works better". The number itself is gone
(100% in brackets); the sealed test counts it as a miss.

## What running Presidio offline takes (found while measuring)

- `AnalyzerEngine()` with no NLP engine loads spaCy's `en_core_web_lg` and calls `spacy.cli.download`
  when it is missing: a model download at run time, which this project cannot do. A blank spaCy
  pipeline saved to a folder (`spacy.blank("en").to_disk(...)`) and passed as the model path works,
  so the pattern recognizers run without any model.
- Its e-mail recognizer uses tldextract, which fetches the public suffix list from the web on first use
  (here: a logged `ConnectionError`, then the bundled snapshot). Only
  `TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""` keeps it offline.
- Context words (Presidio's way to tell a date of birth from another date, and to raise a phone
  number's score) compare *lemmas*; a blank pipeline has none, so they never match: the
  "birth-word dates" column finds no date of birth at all. Without a trained model, Presidio's own
  mechanism cannot tell a date of birth from "1 januari 2026".
- Presidio has no recognizer for the BSN or for Dutch passport and ID-card numbers (its country
  recognizers cover the US, UK, Spain, Italy, Poland, Finland, ... not the Netherlands). The
  "+ BSN, ID number" columns use PatternRecognizers written here for this comparison (a regex plus
  the elfproef, and the document-number format), which is the same work Loket's own module does.
- Its phone recognizer is `phonenumbers`' matcher, like Loket's, but without Loket's checks: an
  amount such as "€ 7.151.234" is taken for a Bonaire number, and the 0800/0900 service numbers
  people ask about ("Belastingtelefoon 0800-0543") are redacted. Its date recognizer knows numeric
  dates only: "12 maart 1985", "12 March 1985" and "12 di mart 1985" are missed. Its IBAN pattern
  misses IBANs in lower case.
"""

DECISION = """\
## Decision: keep Loket's own redaction; do not adopt Presidio now

1. It does not install: the current release needs pydantic 2, Rasa 3.6 pins pydantic 1. The last
   release that fits (2.2.360) brings spaCy and 22 other packages (178 MB) into Rasa's venv for the
   pattern recognizers alone, and freezes Presidio at that release.
2. It does not know what Loket must find: no BSN, no Dutch document number, no Papiamentu or Dutch
   month names, and dates of birth only with a downloaded model. Everything Dutch would be written
   by us anyway, as in Loket's module, plus the Presidio plumbing around it.
3. Measured on the same data (tables above): lower recall where Presidio has a recognizer of its own
   (IBAN, e-mail, dates), most dates redacted whether or not they are a birth date, and slower per
   message on a blank pipeline: about 60 times on an everyday question, 3 times on a message with a datum.
4. Presidio's real strength, named entities (names, addresses) through a trained NER model, is what
   the issue leaves out on purpose (the privacy statement says names and addresses are not found), and
   would need a model download this project cannot do.

Revisit when Rasa is off pydantic 1 and the project wants names and addresses redacted with a
model it ships: `bot.privacy.find` returns spans by kind, so a Presidio-backed finder could be
added beside the current ones and measured with these same tests.
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "reports" / "presidio.md")
    parser.add_argument("--halves", nargs="+", default=["sealed", "tuning"], choices=["sealed", "tuning"])
    args = parser.parse_args()
    data = build_data(args.halves)
    with tempfile.TemporaryDirectory() as model_dir:
        systems: dict[str, Callable[[str], str]] = {"Loket": loket, **presidio_engines(Path(model_dir) / "blank_en")}
        versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in
                             ("presidio-analyzer", "spacy", "phonenumbers", "python-stdnum", "pydantic", "numpy"))
        tables = measure(systems, data)
    lines = ["# Presidio (as in Bürokratt) against Loket's own redaction", "", INSTALL,
             "## Measured side by side", "",
             f"`benchmarks/redaction_presidio.py`, one run, Python {platform.python_version()}; {versions}. "
             "Same generated messages as the tests (both halves' sentences and seeds). *Exactly as expected*: "
             "the message with the datum replaced by the right placeholder and nothing else changed; in "
             "brackets, the share where the value no longer appears at all. Presidio's spans are replaced by "
             "Loket's placeholders (EMAIL_ADDRESS -> [EMAIL], IBAN_CODE -> [IBAN], PHONE_NUMBER -> [PHONE], "
             "DATE_TIME -> [DATE_OF_BIRTH]).", "", *tables, OFFLINE, DECISION]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(tables))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

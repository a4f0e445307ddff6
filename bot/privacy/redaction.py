"""Redaction: what identifies a person in a message becomes a typed placeholder.

    >>> redact("Mijn BSN is 1234.56.782, bel 06-12345678").text
    'Mijn BSN is [BSN], bel [PHONE]'

Every channel calls `redact` on every message before the text reaches Rasa, a log, a
report, the Telegram undelivered file or a handover, so it is plain Python (no Rasa)
and fast: text without a digit and without "@" returns at once.

What is found, and how it is checked:

- BSN: nine digits ("123456782", "1234.56.782", "123 456 782") that pass the elfproef
  (`stdnum.nl.bsn`); a nine-digit case number that fails it stays.
- IBAN: any country, with or without spaces, when the check digits and the country's
  structure are right (`stdnum.iban`).
- Phone numbers: Dutch ones and those of Bonaire, Sint Eustatius and Saba (+599), as
  `phonenumbers` finds and validates them (regions NL and BQ, leniency VALID), plus any
  valid number written internationally (+.. or 00..). A Dutch number must be written
  with its trunk 0 or internationally, so a bare nine-digit case number is no phone
  number; service numbers (0800, 0900, 14 0xx) are not a person's and stay.
- E-mail addresses.
- Dates of birth: a date ("12-03-1985", "12/3/85", "1985-03-12", "12 maart 1985",
  "12 March 1985", "12 di mart 1985") close to a word such as "geboren", "geb.",
  "born", "DOB", "nase" or "fecha di nasementu"; other dates stay.
- Dutch passport and identity-card numbers (format since 2014: two letters, six letters
  or digits, a digit, never the letter O; `stdnum.nl.identiteitskaartnummer`): in
  capitals as printed, or in any case next to a word such as "paspoort" or "ID".

Names, addresses and health details are not found. Amounts ("€ 1.234,56", "$750"),
ages, years, postcodes and house numbers stay as they are.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum import numdb
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import identiteitskaartnummer as stdnum_id


class Kind(str, Enum):
    """What a placeholder stands for. The value is the placeholder's name."""

    EMAIL = "EMAIL"
    IBAN = "IBAN"
    ID_NUMBER = "ID_NUMBER"
    BSN = "BSN"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    PHONE = "PHONE"


# The one table of placeholders: language-neutral, so that Rasa, the logs and a
# handover read the same in Dutch, Papiamentu and English.
PLACEHOLDERS: Mapping[Kind, str] = MappingProxyType({kind: f"[{kind.value}]" for kind in Kind})


@dataclass(frozen=True)
class Redaction:
    """The redacted text, and how many of each kind were replaced (never the values)."""

    text: str
    found: Mapping[Kind, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def changed(self) -> bool:
        return bool(self.found)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: Kind


# Text with neither a digit nor "@" holds nothing this module finds.
_MAY_HOLD_PII = re.compile(r"[0-9@]")

# A number written as money: "€ 123.456.782", "$ 7.151.234", "123456782 euro".
_MONEY_BEFORE = re.compile(r"(?:€|\$|£|ƒ|\b(?:eur|usd|ang|awg|naf|afl|fl|euro|dollar)\.?)\s*:?\s*$", re.IGNORECASE)
_MONEY_AFTER = re.compile(r"^\s*(?:,-|€|\b(?:eur|euro|euros|usd|dollar|dollars|gulden|florin|naf|afl)\b)",
                          re.IGNORECASE)


def _is_money(text: str, start: int, end: int) -> bool:
    return bool(_MONEY_BEFORE.search(text, max(0, start - 8), start)) or bool(
        _MONEY_AFTER.match(text[end:end + 10]))


# -- e-mail ------------------------------------------------------------------------
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"
# The local part starts where no address character precedes it, so that each word is
# tried once (no quadratic work on a long run of letters before an "@").
_EMAIL = re.compile(
    rf"(?<![\w!#$%&'*+/=?^`{{|}}~.-]){_ATEXT}+(?:\.{_ATEXT}+)*"
    rf"@(?:[^\W_](?:[\w-]{{0,61}}[^\W_])?\.)+[^\W_](?:[\w-]{{0,61}}[^\W_])?")


def _emails(text: str) -> Iterator[_Span]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        yield _Span(match.start(), match.end(), Kind.EMAIL)


# -- IBAN --------------------------------------------------------------------------
# A country code, two check digits, then letters and digits, in groups or not
# ("NL91 ABNA 0417 1643 00"); as many characters as the country's IBAN has.
_IBAN = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?:[ ]?[0-9A-Za-z]){11,30}(?![0-9A-Za-z])")
_IBAN_LENGTHS: dict[str, int | None] = {}


def _iban_length(country: str) -> int | None:
    """The length of `country`'s IBANs, from python-stdnum's IBAN registry (None: no IBANs)."""
    if country not in _IBAN_LENGTHS:
        structure = numdb.get("iban").info(country + "00")[0][1].get("bban")
        _IBAN_LENGTHS[country] = 4 + sum(map(int, re.findall(r"\d+", structure))) if structure else None
    return _IBAN_LENGTHS[country]


def _ibans(text: str) -> Iterator[_Span]:
    position = 0
    while match := _IBAN.search(text, position):
        position = match.start() + 1
        length = _iban_length(match.group()[:2].upper())
        if length is None:
            continue
        # the end of the length-th letter or digit: a group's end, not inside a word
        end, seen = match.start(), 0
        while seen < length and end < match.end():
            seen += text[end] != " "
            end += 1
        if seen == length and (end == match.end() or text[end] == " ") and stdnum_iban.is_valid(
                text[match.start():end], check_country=False):
            yield _Span(match.start(), end, Kind.IBAN)
            position = end  # what follows may start the next one ("BE68 5390 0754 7034 and DE89 ...")


# -- BSN ---------------------------------------------------------------------------
_BSN = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][.,])"
    r"(?:[0-9]{9}|[0-9]{4}([ .])[0-9]{2}\1[0-9]{3}|[0-9]{3}([ .-])[0-9]{3}\2[0-9]{3})"
    r"(?![0-9A-Za-z])(?![.,-][0-9])")


def _bsns(text: str) -> Iterator[_Span]:
    for match in _BSN.finditer(text):
        if stdnum_bsn.is_valid(match.group()) and not _is_money(text, match.start(), match.end()):
            yield _Span(match.start(), match.end(), Kind.BSN)


# -- phone numbers -----------------------------------------------------------------
# Seven digits close together (only phone punctuation between them): cheap, and
# without it phonenumbers' matcher is not run (it costs half a millisecond and more).
_PHONE_HINT = re.compile(r"[0-9](?:[\s().\-/]{0,4}[0-9]){6}")
_PHONE_REGIONS = ("NL", "BQ")
# Service numbers are not a person's: 0800, 0900, 14 0xx stay readable.
_NOT_PERSONAL = frozenset({PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE,
                           PhoneNumberType.SHARED_COST, PhoneNumberType.UAN})


def _accept_phone(raw: str, number: phonenumbers.PhoneNumber, region: str) -> bool:
    if not raw.lstrip("( ").startswith(("+", "00")):  # written nationally
        digits = "".join(ch for ch in raw if ch.isdigit())
        if region == "NL" and not digits.startswith("0"):
            return False  # a Dutch number starts with its trunk 0 ("06-12345678", "020-1234567")
        if region == "BQ" and (number.country_code != 599 or len(digits) not in (7, 10)):
            return False  # Bonaire, Statia, Saba: seven digits ("717-1234"), or 599 and seven
    return phonenumbers.number_type(number) not in _NOT_PERSONAL


def _phones(text: str) -> Iterator[_Span]:
    if not _PHONE_HINT.search(text):
        return
    seen: set[tuple[int, int]] = set()
    for region in _PHONE_REGIONS:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            span = (match.start, match.end)
            if span in seen or _is_money(text, match.start, match.end):
                continue
            if _accept_phone(match.raw_string, match.number, region):
                seen.add(span)
                yield _Span(match.start, match.end, Kind.PHONE)


# -- dates of birth ----------------------------------------------------------------
_MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mrt": 3, "mei": 5, "juni": 6, "juli": 7, "augustus": 8,
    "oktober": 10, "okt": 10,
    # Papiamentu (Curaçao and Bonaire; Aruba's spelling is close to the Dutch one)
    "yanüari": 1, "yanuari": 1, "febrüari": 2, "mart": 3, "aprel": 4, "yüni": 6, "yuni": 6, "yüli": 7,
    "yuli": 7, "ougùstùs": 8, "ougustus": 8, "sèptèmber": 9, "òktober": 10, "novèmber": 11, "desèmber": 12,
    "desember": 12,
}
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\w.,/-])(?:"
    rf"(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th|e|ste|de)?(?:\s+of)?\s+(?:di\s+)?(?P<m>{_MONTH})\.?,?"
    r"\s+(?:di\s+|of\s+)?(?P<y>[0-9]{4}|'[0-9]{2})"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>[0-9]{{4}})"
    r"|(?P<a>[0-9]{1,2})(?P<sep>[-/.])(?P<b>[0-9]{1,2})(?P=sep)(?P<c>[0-9]{4}|[0-9]{2})"
    r"|(?P<yy>[0-9]{4})(?P<sep2>[-/.])(?P<mm>[0-9]{1,2})(?P=sep2)(?P<dd>[0-9]{1,2})"
    r")(?![\w]|[-/.][0-9])",
    re.IGNORECASE)
_BIRTH_WORD = re.compile(
    r"\b(?:geboren|geb\.|geb\b|geboorte\s*datum|geboortedag|born|birth\s*date|date\s+of\s+birth|birthday"
    r"|d\.o\.b\.?|dob\b|nas[eé]\b|nasementu|naci\b|nacemento)",
    re.IGNORECASE)
_BIRTH_WINDOW = 40
# Between the word and the date: no digit (another number or date) and no sentence end.
_GAP_BREAK = re.compile(r"[0-9\n!?]|[.;]\s")


def _valid_date(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    if groups["m"] or groups["m2"]:
        return 1 <= int(groups["d"] or groups["d2"]) <= 31
    if groups["a"]:
        first, second = int(groups["a"]), int(groups["b"])
        return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)
    return 1 <= int(groups["mm"]) <= 12 and 1 <= int(groups["dd"]) <= 31


def _dates_of_birth(text: str) -> Iterator[_Span]:
    words = list(_BIRTH_WORD.finditer(text))
    if not words:
        return
    dates = [m for m in _DATE.finditer(text) if _valid_date(m)]
    for word in words:
        # the nearest date after or before the word ("geboren op 12-03-1985",
        # "12-03-1985 is mijn geboortedatum"), with nothing but words between them
        nearest: tuple[int, re.Match[str]] | None = None
        for date in dates:
            if 0 <= date.start() - word.end() <= _BIRTH_WINDOW:
                gap = (date.start() - word.end(), word.end(), date.start())
            elif 0 <= word.start() - date.end() <= _BIRTH_WINDOW:
                gap = (word.start() - date.end(), date.end(), word.start())
            else:
                continue
            if (nearest is None or gap[0] < nearest[0]) and not _GAP_BREAK.search(text, gap[1], gap[2]):
                nearest = (gap[0], date)
        if nearest is not None:
            yield _Span(nearest[1].start(), nearest[1].end(), Kind.DATE_OF_BIRTH)


# -- passport and identity-card numbers --------------------------------------------
_ID_PRINTED = re.compile(r"(?<![0-9A-Za-z])[A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9](?![0-9A-Za-z])")
_ID_ANY_CASE = re.compile(r"(?<![0-9A-Za-z])[A-NP-Za-np-z]{2}[A-NP-Za-np-z0-9]{6}[0-9](?![0-9A-Za-z])")
_ID_WORD = re.compile(
    r"\b(?:paspoort|pasport|passport|id[- ]?ka(?:a)?rt|id[- ]?card|identiteitskaart|identity\s+card|"
    r"documentnummer|document\s+number|number\s+of\s+(?:my|the)\s+(?:passport|id)|sédula|sedula|"
    r"karchi\s+di\s+identidat|identifikashon)",
    re.IGNORECASE)


def _id_numbers(text: str) -> Iterator[_Span]:
    pattern = _ID_ANY_CASE if _ID_WORD.search(text) else _ID_PRINTED
    for match in pattern.finditer(text):
        if stdnum_id.is_valid(match.group()):
            yield _Span(match.start(), match.end(), Kind.ID_NUMBER)


# Where two findings overlap, the longer wins ("+31-561-340-742" is a phone number, not
# the BSN-like "561-340-742" in it); of two as long, the earlier finder here.
_FINDERS: tuple[Callable[[str], Iterator[_Span]], ...] = (
    _emails, _ibans, _id_numbers, _bsns, _dates_of_birth, _phones)


def find(text: str) -> list[tuple[int, int, Kind]]:
    """Where the personal data in `text` is: (start, end, kind), in text order, not overlapping."""
    if not _MAY_HOLD_PII.search(text):
        return []
    spans = [span for finder in _FINDERS for span in finder(text)]
    if len(spans) > 1:  # a stable sort keeps the finders' order among spans as long
        spans.sort(key=lambda span: span.start - span.end)
    starts: list[int] = []  # the spans taken, in text order, as starts and ends
    ends: list[int] = []
    kinds: list[Kind] = []
    for span in spans:
        i = bisect.bisect_right(starts, span.start)
        if (i == 0 or ends[i - 1] <= span.start) and (i == len(starts) or span.end <= starts[i]):
            starts.insert(i, span.start)
            ends.insert(i, span.end)
            kinds.insert(i, span.kind)
    return list(zip(starts, ends, kinds, strict=True))


def redact(text: str) -> Redaction:
    """`text` with each personal datum replaced by its placeholder (`PLACEHOLDERS`)."""
    spans = find(text)
    if not spans:
        return Redaction(text)
    parts: list[str] = []
    position = 0
    for start, end, kind in spans:
        parts.append(text[position:start])
        parts.append(PLACEHOLDERS[kind])
        position = end
    parts.append(text[position:])
    counts = Counter(kind for _, _, kind in spans)
    return Redaction("".join(parts), MappingProxyType({kind: counts[kind] for kind in Kind if kind in counts}))


def redact_text(text: str) -> str:
    """Only the redacted text, for a log line or a file."""
    return redact(text).text

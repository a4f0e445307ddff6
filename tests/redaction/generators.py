"""Generated personal data and near-misses for the redaction tests.

The values are built, not picked: BSNs from eight random digits and their elfproef
check digit, IBANs from random BBANs and their mod-97 check digits, phone numbers from
`phonenumbers`' example numbers with random digits, all validated with python-stdnum or
phonenumbers. Each test module puts them in sentences of its own (the tuning half in
tests/unit/test_redaction.py, the sealed half in tests/redaction/test_sealed.py) and
draws them with its own seed, reproducibly (`draw`).

Plain hypothesis strategies: benchmarks/redaction_presidio.py draws the same data.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import phonenumbers
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import identiteitskaartnummer as stdnum_id

T = TypeVar("T")
KINDS = ("BSN", "IBAN", "PHONE", "EMAIL", "DATE_OF_BIRTH", "ID_NUMBER")
LANGUAGES = ("nl", "pap", "en")
DIGITS = string.digits


def draw(strategy: st.SearchStrategy[T], count: int, seed_value: int) -> list[T]:
    """`count` examples of `strategy`, the same on every run (a fixed seed, derandomised,
    no example database)."""
    examples: list[T] = []

    @seed(seed_value)
    @settings(derandomize=True, max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(example: T) -> None:
        examples.append(example)

    collect()
    return examples


# -- BSN ---------------------------------------------------------------------------
def _bsn_check_digit(first_eight: str) -> int | None:
    total = sum((9 - i) * int(d) for i, d in enumerate(first_eight)) % 11
    return None if total == 10 else total  # 10: no digit makes these eight valid


def _bsn(first_eight: str) -> str | None:
    check = _bsn_check_digit(first_eight)
    return None if check is None else first_eight + str(check)


BSN_FORMATS: Mapping[str, Callable[[str], str]] = {
    "plain": lambda n: n,                                       # 123456782
    "dots 4.2.3": lambda n: f"{n[:4]}.{n[4:6]}.{n[6:]}",        # 1234.56.782 (as on documents)
    "spaces 3 3 3": lambda n: f"{n[:3]} {n[3:6]} {n[6:]}",      # 123 456 782
    "spaces 4 2 3": lambda n: f"{n[:4]} {n[4:6]} {n[6:]}",      # 1234 56 782
}


def bsn_numbers() -> st.SearchStrategy[str]:
    """Valid BSNs, nine digits, checked with stdnum."""
    return (st.text(DIGITS, min_size=8, max_size=8).map(_bsn)
            .filter(lambda n: n is not None and stdnum_bsn.is_valid(n)))


def bsns() -> st.SearchStrategy[str]:
    """Valid BSNs as people write them."""
    return st.builds(lambda n, fmt: BSN_FORMATS[fmt](n), bsn_numbers(), st.sampled_from(sorted(BSN_FORMATS)))


# -- IBAN --------------------------------------------------------------------------
_BANK_CODES = ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB", "FVLB")
UPPER = string.ascii_uppercase


@st.composite
def _bban(draw_: Any, country: str) -> str:
    if country == "NL":  # 4!a10!n: a bank code and ten digits
        return draw_(st.sampled_from(_BANK_CODES)) + draw_(st.text(DIGITS, min_size=10, max_size=10))
    if country == "BE":  # 3!n7!n2!n: bank, account, and the account's own mod-97 check
        first = draw_(st.text(DIGITS, min_size=10, max_size=10))
        return first + f"{int(first) % 97 or 97:02d}"
    if country == "DE":  # 8!n10!n
        return draw_(st.text(DIGITS, min_size=18, max_size=18))
    if country == "FR":  # 5!n5!n11!c2!n
        return (draw_(st.text(DIGITS, min_size=10, max_size=10))
                + draw_(st.text(DIGITS + UPPER, min_size=11, max_size=11))
                + draw_(st.text(DIGITS, min_size=2, max_size=2)))
    if country == "GB":  # 4!a6!n8!n
        return draw_(st.text(UPPER, min_size=4, max_size=4)) + draw_(st.text(DIGITS, min_size=14, max_size=14))
    raise ValueError(country)


IBAN_COUNTRIES = ("NL", "BE", "DE", "FR", "GB")


def _with_check_digits(country: str, bban: str) -> str:
    return country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban


IBAN_FORMATS: Mapping[str, Callable[[str], str]] = {
    "compact": lambda n: n,                                        # NL91ABNA0417164300
    "groups of four": lambda n: stdnum_iban.format(n),             # NL91 ABNA 0417 1643 00
    "lower case": lambda n: n.lower(),                             # nl91abna0417164300
}


def iban_numbers() -> st.SearchStrategy[str]:
    """Valid IBANs (check digits computed with mod 97, then validated with stdnum)."""
    return (st.sampled_from(IBAN_COUNTRIES)
            .flatmap(lambda cc: _bban(cc).map(lambda bban: _with_check_digits(cc, bban)))
            .filter(stdnum_iban.is_valid))


def ibans() -> st.SearchStrategy[str]:
    return st.builds(lambda n, fmt: IBAN_FORMATS[fmt](n), iban_numbers(), st.sampled_from(sorted(IBAN_FORMATS)))


# -- phone numbers -----------------------------------------------------------------
PERSONAL_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
                            PhoneNumberType.VOIP, PhoneNumberType.PAGER, PhoneNumberType.PERSONAL_NUMBER,
                            PhoneNumberType.VOICEMAIL})


def _template(region: str, kind: int) -> str:
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    return str(example.national_number)


# (region, template national number, how many of its first digits stay); the rest is random.
# Bonaire 7xx, Sint Eustatius 318, Saba 416; Dutch mobile 6, fixed lines with any area code, VoIP 85.
_PHONE_TEMPLATES: tuple[tuple[str, str, str, int], ...] = (
    ("NL", "mobile", _template("NL", PhoneNumberType.MOBILE), 1),
    ("NL", "fixed line", _template("NL", PhoneNumberType.FIXED_LINE), 0),
    ("NL", "VoIP", _template("NL", PhoneNumberType.VOIP), 2),
    ("BQ", "Bonaire", _template("BQ", PhoneNumberType.FIXED_LINE), 1),
    ("BQ", "Sint Eustatius", "318" + _template("BQ", PhoneNumberType.MOBILE)[3:], 3),
    ("BQ", "Saba", "416" + _template("BQ", PhoneNumberType.MOBILE)[3:], 3),
)


@dataclass(frozen=True)
class Phone:
    region: str
    area: str
    number: phonenumbers.PhoneNumber


@st.composite
def _phone(draw_: Any) -> Phone | None:
    region, area, template, keep = draw_(st.sampled_from(_PHONE_TEMPLATES))
    first = draw_(st.sampled_from("123456789")) if keep == 0 else template[:keep]
    rest = draw_(st.text(DIGITS, min_size=len(template) - len(first), max_size=len(template) - len(first)))
    number = phonenumbers.PhoneNumber(country_code=phonenumbers.country_code_for_region(region),
                                      national_number=int(first + rest))
    if not (phonenumbers.is_valid_number_for_region(number, region)
            and phonenumbers.number_type(number) in PERSONAL_TYPES):
        return None
    return Phone(region, area, number)


def phone_numbers() -> st.SearchStrategy[Phone]:
    """Valid Dutch and Caribbean Dutch numbers of a person (not 0800/0900 service numbers)."""
    return _phone().filter(lambda p: p is not None)


def _national(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def _international(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _dashed(number: phonenumbers.PhoneNumber) -> str:
    """The area code or 06, a dash, the rest: 06-12345678, 020-1234567, 715-1234."""
    head, _, tail = _national(number).partition(" ")
    return f"{head}-{tail.replace(' ', '')}"


def _mobile_pairs(number: phonenumbers.PhoneNumber) -> str:
    """06 1234 5678 / 06 12 34 56 78: the subscriber part in groups as typed."""
    head, _, tail = _national(number).partition(" ")
    tail = tail.replace(" ", "")
    return f"{head} {tail[:4]} {tail[4:]}" if len(tail) == 8 else f"{head} {tail[:3]} {tail[3:]}"


PHONE_FORMATS: Mapping[str, Callable[[phonenumbers.PhoneNumber], str]] = {
    "NATIONAL": _national,                                                       # 06 12345678, 715 1234
    "INTERNATIONAL": _international,                                             # +31 6 12345678
    "E164": lambda n: phonenumbers.format_number(n, PhoneNumberFormat.E164),     # +31612345678
    "national, no spaces": lambda n: _national(n).replace(" ", ""),              # 0612345678, 7151234
    "national, dash": _dashed,                                                   # 06-12345678, 717-1234
    "national, groups": _mobile_pairs,                                           # 06 1234 5678
    "00 and country code": lambda n: "00" + _international(n)[1:],               # 0031 6 12345678
    "international, dashes": lambda n: _international(n).replace(" ", "-"),      # +31-6-12345678
}
# As Dutch people also write it: +31 (0)6 12345678.
NL_ONLY_FORMATS: Mapping[str, Callable[[phonenumbers.PhoneNumber], str]] = {
    "+31 (0)": lambda n: _international(n).replace("+31 ", "+31 (0)", 1),
}


def phones() -> st.SearchStrategy[str]:
    def written(phone: Phone) -> st.SearchStrategy[str]:
        formats = {**PHONE_FORMATS, **(NL_ONLY_FORMATS if phone.region == "NL" else {})}
        return st.sampled_from(sorted(formats)).map(lambda name: formats[name](phone.number))
    return phone_numbers().flatmap(written)


# -- e-mail ------------------------------------------------------------------------
_NAMES = ("jan", "maria", "sharon", "ruben", "priscilla", "dewi", "kevin", "anouk", "juan", "yara", "mohamed",
          "fatima", "john", "emily", "rosa", "eduardo")
_PROVIDERS = ("gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "xs4all.nl", "live.nl",
              "flamingotv.com", "telbo.net", "yahoo.com", "icloud.com", "bonairenet.com", "rijksoverheid.nl")


def _plain_email() -> st.SearchStrategy[str]:
    """As most people's addresses look: maria.de-vries85@ziggo.nl."""
    return st.builds(
        lambda first, sep, last, digits, provider: f"{first}{sep}{last}{digits}@{provider}",
        st.sampled_from(_NAMES), st.sampled_from(("", ".", "_", "-")), st.sampled_from(_NAMES + ("",)),
        st.text(DIGITS, max_size=4), st.sampled_from(_PROVIDERS))


def emails() -> st.SearchStrategy[str]:
    """Everyday addresses and hypothesis' RFC 5322 ones (any atext, any IANA top-level domain)."""
    return st.one_of(_plain_email(), st.emails())


# -- dates -------------------------------------------------------------------------
MONTH_NAMES: Mapping[str, Sequence[str]] = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    # Papiamentu, Curaçao and Bonaire spelling
    "pap": ("yanüari", "febrüari", "mart", "aprel", "mei", "yüni", "yüli", "ougùstùs", "sèptèmber", "òktober",
            "novèmber", "desèmber"),
}
NUMERIC_DATE_FORMATS: Mapping[str, Callable[[datetime.date], str]] = {
    "dd-mm-yyyy": lambda d: d.strftime("%d-%m-%Y"),                 # 12-03-1985
    "d/m/yy": lambda d: f"{d.day}/{d.month}/{d.strftime('%y')}",    # 12/3/85
    "yyyy-mm-dd": lambda d: d.isoformat(),                          # 1985-03-12
    "d-m-yyyy": lambda d: f"{d.day}-{d.month}-{d.year}",            # 12-3-1985
    "dd.mm.yyyy": lambda d: d.strftime("%d.%m.%Y"),                 # 12.03.1985
    "dd/mm/yyyy": lambda d: d.strftime("%d/%m/%Y"),                 # 12/03/1985
}


def _written(language: str, date: datetime.date) -> str:
    month = MONTH_NAMES[language][date.month - 1]
    if language == "pap":
        return f"{date.day} di {month} {date.year}"                 # 12 di mart 1985
    return f"{date.day} {month} {date.year}"                        # 12 maart 1985, 12 March 1985


def dates(language: str, *, start: datetime.date = datetime.date(1920, 1, 1),
          end: datetime.date = datetime.date(2012, 12, 31)) -> st.SearchStrategy[str]:
    """A date as it is written in `language`: numeric, or with the month's name."""
    names = sorted(NUMERIC_DATE_FORMATS) + ["written"] * 3 + (["month first"] if language == "en" else [])

    def write(date: datetime.date, name: str) -> str:
        if name == "written":
            return _written(language, date)
        if name == "month first":
            return f"{MONTH_NAMES['en'][date.month - 1]} {date.day}, {date.year}"  # March 12, 1985
        return NUMERIC_DATE_FORMATS[name](date)

    return st.builds(write, st.dates(start, end), st.sampled_from(names))


# -- passport and identity-card numbers --------------------------------------------
LETTERS_NO_O = UPPER.replace("O", "")


def id_numbers() -> st.SearchStrategy[str]:
    """Dutch passport / identity-card numbers (since 2014): two letters, six letters or digits,
    one digit, never the letter O; validated with stdnum."""
    return st.builds(
        lambda a, b, c: a + b + c,
        st.text(LETTERS_NO_O, min_size=2, max_size=2),
        st.text(LETTERS_NO_O + DIGITS, min_size=6, max_size=6),
        st.text(DIGITS, min_size=1, max_size=1),
    ).filter(stdnum_id.is_valid)


# -- sentences ---------------------------------------------------------------------
@dataclass(frozen=True)
class Example:
    """A message holding one personal datum; `expected` is what redaction should make of it."""

    kind: str
    language: str
    text: str
    expected: str
    value: str


def values(kind: str, language: str) -> st.SearchStrategy[str]:
    return {
        "BSN": bsns, "IBAN": ibans, "PHONE": phones, "EMAIL": emails, "ID_NUMBER": id_numbers,
        "DATE_OF_BIRTH": lambda: dates(language),
    }[kind]()


def examples(kind: str, templates: Mapping[str, Sequence[str]], placeholder: str) -> st.SearchStrategy[Example]:
    """`kind`'s values in `templates` (language -> sentences with one "{}")."""
    pairs = [(language, template) for language in LANGUAGES for template in templates[language]]

    def fill(pair: tuple[str, str]) -> st.SearchStrategy[Example]:
        language, template = pair
        return values(kind, language).map(
            lambda value: Example(kind, language, template.format(value), template.format(placeholder), value))

    return st.sampled_from(pairs).flatmap(fill)


# -- near-misses: what must stay ---------------------------------------------------
def case_numbers() -> st.SearchStrategy[str]:
    """Nine random digits, as a case or zaak number: about 1 in 11 passes the elfproef."""
    return st.text(DIGITS, min_size=9, max_size=9)


def _dutch_amount(units: int, cents: int | None) -> str:
    text = f"{units:,}".replace(",", ".")
    return text if cents is None else f"{text},{cents:02d}"


def _english_amount(units: int, cents: int | None) -> str:
    return f"{units:,}" if cents is None else f"{units:,}.{cents:02d}"


AMOUNT_FORMATS: Mapping[str, Callable[[int, int | None], str]] = {
    "€ 1.234,56": lambda u, c: f"€ {_dutch_amount(u, c)}",
    "€1234": lambda u, c: f"€{u}",
    "EUR 1.234,56": lambda u, c: f"EUR {_dutch_amount(u, c)}",
    "1.234,56 euro": lambda u, c: f"{_dutch_amount(u, c)} euro",
    "€ 823,-": lambda u, c: f"€ {_dutch_amount(u, None)},-",
    "$750": lambda u, c: f"${_english_amount(u, c)}",
    "$ 1,234.50": lambda u, c: f"$ {_english_amount(u, c)}",
    "USD 1,234": lambda u, c: f"USD {_english_amount(u, c)}",
    "NAf 1.234,56": lambda u, c: f"NAf {_dutch_amount(u, c)}",
    "1234 dollar": lambda u, c: f"{u} dollar",
}
BARE_AMOUNT_FORMATS: Mapping[str, Callable[[int, int | None], str]] = {
    "1.200,50": lambda u, c: _dutch_amount(u, c if c is not None else 0),
    "1,200.50": lambda u, c: _english_amount(u, c if c is not None else 0),
    "30.000": lambda u, c: _dutch_amount(u, None),
    "30k": lambda u, c: f"{max(u // 1000, 1)}k",
}


def amounts() -> st.SearchStrategy[str]:
    """Money as people type it: with a currency up to a billion, without one up to ten million."""
    cents = st.one_of(st.none(), st.integers(0, 99))
    with_currency = st.builds(lambda f, u, c: AMOUNT_FORMATS[f](u, c), st.sampled_from(sorted(AMOUNT_FORMATS)),
                              st.integers(0, 999_999_999), cents)
    bare = st.builds(lambda f, u, c: BARE_AMOUNT_FORMATS[f](u, c), st.sampled_from(sorted(BARE_AMOUNT_FORMATS)),
                     st.integers(1_000, 9_999_999), cents)
    return st.one_of(with_currency, bare)


def years() -> st.SearchStrategy[str]:
    return st.integers(1900, 2100).map(str)


def ages() -> st.SearchStrategy[str]:
    return st.integers(0, 120).map(str)


def postcodes() -> st.SearchStrategy[str]:
    """Dutch postcodes: 1234 AB or 1234AB (never SA, SD or SS)."""
    return st.builds(lambda n, letters, space: f"{n}{' ' if space else ''}{letters}", st.integers(1000, 9999),
                     st.text(UPPER, min_size=2, max_size=2).filter(lambda s: s not in {"SA", "SD", "SS"}),
                     st.booleans())


def house_numbers() -> st.SearchStrategy[str]:
    return st.builds(lambda n, suffix: f"{n}{suffix}", st.integers(1, 999),
                     st.sampled_from(("", "a", "B", "-2", " hs", "-bis", " III")))


def kvk_numbers() -> st.SearchStrategy[str]:
    """Eight digits, like a Chamber of Commerce (KvK) number."""
    return st.text(DIGITS, min_size=8, max_size=8)


def reference_numbers() -> st.SearchStrategy[str]:
    """Seven digits, like a customer or reference number (some are valid Caribbean phone numbers)."""
    return st.text(DIGITS, min_size=7, max_size=7)


NEAR_MISSES: Mapping[str, Callable[[str], st.SearchStrategy[str]]] = {
    "case number (fails elfproef)": lambda language: case_numbers().filter(lambda n: not stdnum_bsn.is_valid(n)),
    "amount": lambda language: amounts(),
    "year": lambda language: years(),
    "age": lambda language: ages(),
    "postcode": lambda language: postcodes(),
    "house number": lambda language: house_numbers(),
    "KvK number": lambda language: kvk_numbers(),
    "date without a birth word": lambda language: dates(language, start=datetime.date(1950, 1, 1),
                                                        end=datetime.date(2035, 12, 31)),
    "reference number (7 digits)": lambda language: reference_numbers(),
}


@dataclass(frozen=True)
class NearMiss:
    category: str
    language: str
    text: str


def case_number_messages(templates: Mapping[str, Sequence[str]]) -> st.SearchStrategy[tuple[str, str]]:
    """(number, message) with nine random digits, valid BSN or not."""
    pairs = [(language, template) for language in LANGUAGES for template in templates[language]]
    return st.builds(lambda pair, number: (number, pair[1].format(number)), st.sampled_from(pairs), case_numbers())


def near_misses(category: str, templates: Mapping[str, Sequence[str]]) -> st.SearchStrategy[NearMiss]:
    pairs = [(language, template) for language in LANGUAGES for template in templates[language]]

    def fill(pair: tuple[str, str]) -> st.SearchStrategy[NearMiss]:
        language, template = pair
        return NEAR_MISSES[category](language).map(lambda v: NearMiss(category, language, template.format(v)))

    return st.sampled_from(pairs).flatmap(fill)

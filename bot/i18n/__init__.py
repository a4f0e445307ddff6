"""Messages, numbers, money and dates in the user's language, with babel.

Messages are gettext catalogs in bot/i18n/locale/<language>.po with English msgids, so
English needs no catalog. Numbers and money follow local practice: the Caribbean
Netherlands writes "$ 1.815,35" (comma decimal), hence nl_BQ for Papiamentu numbers
and for all US-dollar amounts, and pap_CW only for dates and names.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton as babel_format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
)
from babel.support import NullTranslations, Translations

from bot import DEFAULT_LANGUAGE, LANGUAGES

LOCALE_DIR = Path(__file__).with_name("locale")
DATE_LOCALE = {"nl": "nl_NL", "pap": "pap_CW", "en": "en"}
NUMBER_LOCALE = {"nl": "nl_NL", "pap": "nl_BQ", "en": "en"}
USD_LOCALE = "nl_BQ"


def supported(language: str | None) -> str:
    """The language itself if Loket speaks it, else the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> NullTranslations:
    path = LOCALE_DIR / f"{language}.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=DATE_LOCALE[language])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for it
    """Marks a message for translation where it is only looked up later (tables of messages)."""
    return message


def gettext(language: str, message: str, **values: object) -> str:
    """`message` (an English msgid) in `language`, with {placeholders} filled in."""
    text = _translations(supported(language)).gettext(message)
    return text.format(**values) if values else text


def _compact(value: float, language: str) -> str | None:
    """ "1,5 miljard" for 1500000000, but only when that is exact: a figure is never rounded."""
    for unit in (1e9, 1e6):
        if abs(value) >= unit and round(value / unit, 2) == value / unit:
            word = format_compact_decimal(unit, format_type="long", locale=DATE_LOCALE[language]).split(" ", 1)[1]
            return f"{format_decimal(value / unit, locale=NUMBER_LOCALE[language])} {word}"
    return None


def format_money(amount: float, currency: str, language: str) -> str:
    language = supported(language)
    locale = USD_LOCALE if currency == "USD" else NUMBER_LOCALE[language]
    compact = _compact(amount, language)
    if compact is not None:
        symbol = get_currency_symbol(currency, locale=locale)
        return f"{symbol}{compact}" if language == "en" and currency == "EUR" else f"{symbol} {compact}"
    if float(amount).is_integer():
        pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace("#,##0.00", "#,##0")
        return format_currency(amount, currency, locale=locale, format=pattern, currency_digits=False)
    return format_currency(amount, currency, locale=locale)


def format_number(value: float, language: str) -> str:
    language = supported(language)
    return _compact(value, language) or format_decimal(value, locale=NUMBER_LOCALE[language])


def format_percentage(value: float, language: str) -> str:
    """`value` in percent points: 4.35 -> "4,35%"."""
    return format_percent(value / 100, locale=NUMBER_LOCALE[supported(language)], format="#,##0.##%")


def format_day(day: dt.date, language: str) -> str:
    return babel_format_date(day, "d MMMM y", locale=DATE_LOCALE[supported(language)])


def format_month_day(month: int, day: int, language: str) -> str:
    """A day of any year, such as a yearly deadline: "1 september", "September 1"."""
    locale = DATE_LOCALE[supported(language)]
    return babel_format_skeleton("MMMMd", dt.date(2000, month, day), locale=locale)

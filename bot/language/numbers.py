"""Numbers as people type them: "1.200,50", "1,200.50", "$750", "30k", "twintig".

The one place for reading a number; the entity finder, the check answers and
`loket check` all use it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# "1.200,50", "1,200.50", "30.000", "600", "12,5": thousands marks, then decimals.
NUMBER_PATTERN = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(rf"(?P<number>{NUMBER_PATTERN})\s*(?P<k>k\b)?", re.IGNORECASE)
_AGE_DIGITS = re.compile(r"\b\d{1,3}\b")
MAX_AGE = 120

_NUMBER_WORDS = {
    # Dutch
    "nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20, "dertig": 30,
    "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90,
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    # Papiamentu, both spellings
    "un": 1, "uno": 1, "dos": 2, "tres": 3, "kuater": 4, "cuater": 4, "sinku": 5, "cinco": 5, "seis": 6,
    "shete": 7, "siete": 7, "ocho": 8, "nuebe": 9, "nueve": 9, "dies": 10, "diesun": 11, "diesdos": 12,
    "diestres": 13, "dieskuater": 14, "diessinku": 15, "diesseis": 16, "diesshete": 17, "diesocho": 18,
    "diesnuebe": 19, "binti": 20, "trinta": 30, "kuarenta": 40, "cuarenta": 40, "sinkuenta": 50,
    "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "nobenta": 90,
}
_DUTCH_COMPOUND = re.compile(r"^(\w+?)(?:ën|en)(twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)$")


def parse_number(text: str) -> Decimal | None:
    """ "1.200,50" (Dutch), "1,200.50" (English), "600", "30.000" -> a Decimal."""
    text = text.strip()
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        decimals = len(text) - text.rfind(mark) - 1
        decimal_mark = mark if decimals != 3 else ""  # three digits after it: a thousands mark
    else:
        decimal_mark = ""
    digits = "".join(ch for ch in text if ch.isdigit() or ch == decimal_mark)
    digits = digits.replace(decimal_mark, ".") if decimal_mark else digits
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def read_amount(text: str) -> Decimal | None:
    """The first amount in a text: "€ 600", "1.200,50", "$750", "about 30k a year"."""
    match = _AMOUNT.search(text)
    if not match:
        return None
    number = parse_number(match.group("number"))
    if number is None:
        return None
    return number * 1000 if match.group("k") else number


def number_from_words(text: str) -> int | None:
    """ "twintig" -> 20, "tweeëntwintig" -> 22, "twenty-two" -> 22, "binti dos" -> 22."""
    tokens = re.findall(r"[a-zà-ÿ]+", text.lower().replace("-", " "))
    total, found = 0, False
    for token in tokens:
        compound = _DUTCH_COMPOUND.match(token)
        if compound and compound.group(1) in _NUMBER_WORDS:
            total += _NUMBER_WORDS[compound.group(1)] + _NUMBER_WORDS[compound.group(2)]
            found = True
        elif token in _NUMBER_WORDS:
            total += _NUMBER_WORDS[token]
            found = True
    return total if found else None


def read_age(text: str) -> int | None:
    """An age in digits or words: "22", "mi tin 22 aña", "twintig"."""
    digits = _AGE_DIGITS.findall(text)
    age = int(digits[0]) if digits else number_from_words(text)
    return age if age is not None and 0 < age < MAX_AGE else None

"""Numbers as people type them: "1.200,50", "1,200.50", "$750", "30k", "twintig",
"zeshonderdvijftig", "six hundred and fifty", "binti dos".

The one place for reading a number; the entity finder, the check answers (chat and
`loket check`) and the tests all use it. `numbers_in` finds every number in a text
with its place, so that the words around a number can tie it to a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# "1.200,50", "1,200.50", "30.000", "600", "12,5": thousands marks, then decimals.
NUMBER_PATTERN = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# A number in digits, not glued to a letter or another number before it ("a22", and
# "1e999" gives no 999); a minus right before it makes it negative; "30k" is thirty
# thousand. Letters glued after it must be a unit ("22jaar", "650euro"), else it is
# no number ("0x1F", "1e999").
_DIGITS = re.compile(
    rf"(?<![^\W\d_])(?<!\d)(?<!\d[.,])(?P<minus>[-−])?(?P<number>{NUMBER_PATTERN})(?!\d)"
    r"(?:\s?(?P<k>k)(?![^\W\d_]))?(?P<glued>[^\W\d_]*)",
    re.IGNORECASE,
)
_GLUED_UNITS = {"", "jaar", "jr", "j", "aña", "ana", "y", "yr", "yrs", "years", "euro", "eur", "euros", "usd",
                "dollar", "dollars"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MAX_AGE = 120
# Longer than this it is not a number anyone means as an age or an amount ("9" * 400).
MAX_DIGITS = 12

_UNITS = {
    # Dutch
    "nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    # Papiamentu, both spellings
    "sero": 0, "un": 1, "uno": 1, "dos": 2, "tres": 3, "kuater": 4, "cuater": 4, "sinku": 5, "cinco": 5, "seis": 6,
    "shete": 7, "siete": 7, "ocho": 8, "nuebe": 9, "nueve": 9, "dies": 10, "diesun": 11, "diesdos": 12,
    "diestres": 13, "dieskuater": 14, "diessinku": 15, "diesseis": 16, "diesshete": 17, "diesocho": 18,
    "diesnuebe": 19,
}
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
    "negentig": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "binti": 20, "trinta": 30, "kuarenta": 40, "cuarenta": 40, "sinkuenta": 50, "cincuenta": 50, "sesenta": 60,
    "setenta": 70, "ochenta": 80, "nobenta": 90, "noventa": 90,
}
_HUNDRED = {"honderd": 100, "hundred": 100, "shen": 100, "cien": 100, "sien": 100}
_THOUSAND = {"duizend": 1000, "thousand": 1000, "mil": 1000}
# Words that are "one" but mostly an article ("een vraag", "un pregunta", "a question",
# "one question"): a number only on their own, before hundred/thousand, or after tens
# ("binti un", "twenty-one").
_ARTICLES = {"een", "één", "un", "uno", "one", "a", "an"}
# "six hundred and fifty", "binti i dos": a joining word inside one number.
_JOINS = {"and", "en", "i"}
_DUTCH_JOINED = re.compile(r"^(?P<unit>\w+?)(?:ën|en)(?P<tens>\w+ig)$")


@dataclass(frozen=True)
class NumberFound:
    """A number in a text: its value and where it stands."""

    value: Decimal
    start: int
    end: int
    in_words: bool = False
    negative: bool = False  # "-5", "€ -650": no one means that as an age or an amount
    thousands: bool = False  # "30k"


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
    except (InvalidOperation, ValueError):
        return None


def _dutch_word(word: str) -> int | None:
    """One Dutch word written as one: "tweeëntwintig", "zeshonderdvijftig", "tweeduizend"."""
    if not word:
        return None
    for name, size in (("duizend", 1000), ("honderd", 100)):
        if name in word:
            left, right = word.split(name, 1)
            times = _dutch_word(left) if left else 1
            rest = _dutch_word(right) if right else 0
            if times is None or rest is None or times >= size or rest >= size:
                return None
            return times * size + rest
    if word in _UNITS:
        return _UNITS[word]
    if word in _TENS:
        return _TENS[word]
    joined = _DUTCH_JOINED.match(word)
    if joined and joined.group("unit") in _UNITS and _UNITS[joined.group("unit")] < 10 \
            and joined.group("tens") in _TENS:
        return _UNITS[joined.group("unit")] + _TENS[joined.group("tens")]
    return None


def _word_value(word: str) -> int | None:
    return _HUNDRED.get(word) or _THOUSAND.get(word) or _dutch_word(word)


def _kind(word: str, value: int) -> str:
    """How a number word combines: unit (0-9), teen (10-19), tens (20, 30 ...), hundred,
    thousand, or whole (a word that is a whole number itself: "tweeëntwintig")."""
    if word in _HUNDRED:
        return "hundred"
    if word in _THOUSAND or value >= 1000:
        return "thousand"
    if word in _TENS:
        return "tens"
    return "unit" if value < 10 else "teen" if value < 20 else "whole"


# Which kind of word may follow which inside one number: "zes honderd vijftig",
# "twenty two", "two thousand five hundred", "binti dos".
_FOLLOWS = {
    "unit": {"hundred", "thousand"},
    "teen": {"hundred", "thousand"},
    "tens": {"unit", "thousand"},
    "whole": {"thousand"},
    "hundred": {"unit", "teen", "tens", "whole", "thousand"},
    "thousand": {"unit", "teen", "tens", "whole", "hundred"},
}


def _numbers_in_words(text: str) -> list[NumberFound]:
    """Numbers written in words, each phrase one number: "dertig of veertig" is two."""
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: list[NumberFound] = []
    total = group = 0  # the thousands so far, and the part below a thousand
    start = end = -1
    last = ""

    def close() -> None:
        nonlocal total, group, start, end, last
        if start >= 0:
            found.append(NumberFound(Decimal(total + group), start, end, in_words=True))
        total = group = 0
        start, end, last = -1, -1, ""

    for position, (word, word_start, word_end) in enumerate(tokens):
        following = tokens[position + 1][0] if position + 1 < len(tokens) else ""
        if word in _JOINS and last in ("tens", "hundred", "thousand") and following not in _ARTICLES \
                and _word_value(following) is not None:
            continue  # "six hundred and fifty", "binti i dos"
        value: int | None
        if word in _ARTICLES:
            before_size = following in _HUNDRED or following in _THOUSAND
            after_tens = last == "tens" and word not in ("a", "an")
            on_its_own = len(tokens) == 1 and word not in ("a", "an")
            value = 1 if before_size or after_tens or on_its_own else None
        else:
            value = _word_value(word)
        if value is None:
            close()
            continue
        kind = _kind(word, value)
        if start >= 0 and (kind not in _FOLLOWS[last] or (kind == "unit" and last == "tens" and group % 10)):
            close()
        if start < 0:
            start = word_start
        if kind == "hundred":
            group = (group or 1) * 100
        elif kind == "thousand" and word in _THOUSAND:
            total, group = total + (group or 1) * 1000, 0
        elif kind == "thousand":  # "tweeduizend"
            total, group = total + value, 0
        else:
            group += value
        end, last = word_end, kind
    close()
    return found


def numbers_in(text: str) -> list[NumberFound]:
    """Every number in a text, in order: in digits ("€ 1.200,50", "30k", "-5") or in
    words ("twintig", "six hundred and fifty", "binti dos"). "een", "un", "a" and "one"
    as an article ("ik heb een vraag") are not numbers."""
    found: list[NumberFound] = []
    for match in _DIGITS.finditer(text):
        raw = match.group("number")
        if match.group("glued").lower() not in _GLUED_UNITS or sum(ch.isdigit() for ch in raw) > MAX_DIGITS:
            continue
        value = parse_number(raw)
        if value is None:
            continue
        k = bool(match.group("k"))
        found.append(NumberFound(value * 1000 if k else value, match.start("number"), match.end(),
                                 negative=bool(match.group("minus")), thousands=k))
    found += _numbers_in_words(text)
    return sorted(found, key=lambda number: number.start)


def read_amount(text: str) -> Decimal | None:
    """The first amount in a text: "€ 600", "1.200,50", "$750", "about 30k a year"."""
    numbers = [number for number in numbers_in(text) if not number.in_words]
    return numbers[0].value if numbers else None


def number_from_words(text: str) -> int | None:
    """ "twintig" -> 20, "tweeëntwintig" -> 22, "twenty-two" -> 22, "binti dos" -> 22;
    the first number written in words, or None."""
    numbers = _numbers_in_words(text)
    return int(numbers[0].value) if numbers else None


def read_age(text: str) -> int | None:
    """An age in digits or words: "22", "mi tin 22 aña", "twintig"."""
    numbers = numbers_in(text)
    digits = [number for number in numbers if not number.in_words]
    chosen = (digits or numbers)[:1]
    age = int(chosen[0].value) if chosen and not chosen[0].negative else None
    return age if age is not None and 0 < age < MAX_AGE else None

"""Understanding answers in an entitlement check, in Dutch, Papiamentu and English.

"twintig", "mi tin 22 aña", "1.200,50", "$750", "about 30k a year", "weet ik niet",
"nee, 650 euro" (a correction) and "stop" are all read here, without Rasa, so the
chat form and the tests share one interpretation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.entities import AGE, AMOUNT, EntityFinder, parse_number
from bot.text import strip_accents

UNKNOWN = "unknown"  # the user does not know; the check says what is then missing

HUURTOESLAG_SLOTS = ("ht_age", "ht_rent", "ht_assets", "ht_partner", "ht_independent", "ht_registered",
                     "ht_residence")
WARMTEFONDS_SLOTS = ("wf_place", "wf_owner", "wf_vve", "wf_income")
MONEY_SLOTS = frozenset({"ht_rent", "ht_assets", "wf_income"})
YES_NO_SLOTS = frozenset({"ht_partner", "ht_independent", "ht_registered", "ht_residence", "wf_owner", "wf_vve"})

_YES = {"ja", "jawel", "jazeker", "klopt", "yes", "yeah", "yep", "yup", "sure", "si", "sí", "ok", "oke",
        "okay", "correct", "zeker", "natuurlijk", "of course", "wel"}
_NO = {"nee", "neen", "no", "nope", "nò", "not", "niet", "geen", "nada", "nooit", "never"}
_STOP = re.compile(r"^\s*(stop|stoppen|ophouden|cancel|quit|para|basta|laga|laat maar|forget it|kita)\b", re.I)
_DONT_KNOW = re.compile(
    r"(weet ik niet|weet niet|geen idee|geen flauw idee|i don'?t know|dont know|do not know|no idea|not sure|"
    r"mi no sa|no sa|mi no tin idea|no tin idea|ik weet het niet|dunno|idk)", re.I)
_NEGATION_START = re.compile(r"^\s*(nee|neen|no|nope|nò|not|niet)\b[\s,!.:-]*", re.I)
_CONTEXT = {
    "ht_rent": re.compile(r"huur|rent|hür|hur\b|renta", re.I),
    "ht_assets": re.compile(r"spaar|vermogen|savings|saved|assets|spar|plaka na banko|bezit", re.I),
    "wf_income": re.compile(r"inkomen|income|salaris|salary|verdien|earn|entrada|sueldo", re.I),
}
_PARTNER_YES = re.compile(r"\b(partner|samenwon\w*|getrouwd|married|pareha|kasá|kasa|mi esposa|mi kasá)\b", re.I)
_PARTNER_NO = re.compile(r"\b(alleen|alleenstaand|single|alone|on my own|mi so|bo so|sin pareha)\b", re.I)

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


@dataclass
class Understood:
    values: dict[str, Any] = field(default_factory=dict)
    corrected: str | None = None  # the earlier answer this message corrects
    stop: bool = False
    unreadable: str | None = None  # the asked slot, when its answer could not be read


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
    digits = re.findall(r"\b\d{1,3}\b", text)
    age = int(digits[0]) if digits else number_from_words(text)
    return age if age is not None and 0 < age < 120 else None


def read_money(text: str) -> Decimal | None:
    """The first amount in a text: "€ 600", "1.200,50", "$750", "about 30k a year"."""
    match = re.search(r"(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*(k\b)?", text, re.I)
    if not match:
        return None
    number = parse_number(match.group(1))
    if number is None:
        return None
    return number * 1000 if match.group(2) else number


def read_yes_no(text: str) -> bool | None:
    words = set(re.findall(r"[\w']+", strip_accents(text.lower())))
    yes, no = bool(words & _YES), bool(words & _NO)
    return yes if yes != no else None


class AnswerReader:
    """Reads one message of a check, given what was asked and what was answered last."""

    def __init__(self, finder: EntityFinder):
        self._finder = finder

    def read(self, text: str, asked: str | None, last_answered: str | None = None) -> Understood:
        understood = Understood()
        if _STOP.search(text):
            understood.stop = True
            return understood
        correction = _NEGATION_START.match(text)
        if correction and last_answered and last_answered != asked:
            rest = text[correction.end():]
            value = self._value_for(last_answered, rest)
            if value is not None:
                understood.values[last_answered] = value
                understood.corrected = last_answered
                return understood
        if asked is not None:
            if _DONT_KNOW.search(text):
                understood.values[asked] = UNKNOWN
            else:
                value = self._value_for(asked, text)
                if value is None:
                    understood.unreadable = asked
                else:
                    understood.values[asked] = value
        for slot, value in self._volunteered(text).items():
            understood.values.setdefault(slot, value)
        return understood

    def _value_for(self, slot: str, text: str) -> Any:
        if slot == "ht_age":
            return read_age(text)
        if slot in MONEY_SLOTS:
            return read_money(text)
        if slot in YES_NO_SLOTS:
            if slot == "ht_partner":
                if _PARTNER_NO.search(text):
                    return False
                if _PARTNER_YES.search(text):
                    return read_yes_no(text) is not False  # "mi no tin pareha" has a "no" in it
            return read_yes_no(text)
        if slot == "wf_place":
            return text.strip() or None
        return None

    def _volunteered(self, text: str) -> dict[str, Any]:
        """Values given without being asked: "ik ben 22 en betaal 600 euro huur"."""
        values: dict[str, Any] = {}
        entities = self._finder.find(text)
        ages = [e for e in entities if e.name == AGE]
        if ages:
            values["ht_age"] = int(ages[0].value)
        for entity in entities:
            if entity.name != AMOUNT:
                continue
            nearby = text[max(0, entity.start - 30): entity.end + 30]
            for slot, context in _CONTEXT.items():
                if context.search(nearby) and slot not in values:
                    values[slot] = Decimal(entity.value)
                    break
        if _PARTNER_NO.search(text):
            values["ht_partner"] = False
        elif _PARTNER_YES.search(text):
            values["ht_partner"] = True
        return values


def asks_for_check(text: str) -> bool:
    """ "Heb ik recht op huurtoeslag?", "Mi tin derecho riba...?", "Am I eligible...?" """
    return bool(_PERSONAL_CHECK.search(strip_accents(text.lower())))


_PERSONAL_CHECK = re.compile(
    r"(recht op|kom ik in aanmerking|krijg ik|kan ik .*krijgen|mag ik|check of ik|"
    r"tin derecho|tin derechi|mi por haña|mi por haya|ta pa mi|"
    r"am i eligible|eligible|do i qualify|can i get|could i get|entitled|check if i)"
)

"""Entry points shared by the chat forms and `loket check`: parse what people type,
find the place, run a check, and turn the result into text or JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.entities import parse_number
from bot.entitlements.huurtoeslag import HuurtoeslagCase, check_huurtoeslag, check_over_years
from bot.entitlements.model import CheckResult, Source
from bot.entitlements.params import Parameter, load_rules, source_for
from bot.entitlements.warmtefonds import WarmtefondsCase, check_warmtefonds
from bot.i18n import gettext, supported
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.render import SourceInfo
from bot.text import fold, strip_accents

YES = frozenset({"yes", "y", "ja", "j", "si", "true", "1", "yes please"})
NO = frozenset({"no", "n", "nee", "false", "0"})


class InvalidAnswer(ValueError):
    """A value that cannot be read, named so the user can be told which one."""

    def __init__(self, field: str, value: str):
        super().__init__(f"cannot read {field}: {value!r}")
        self.field = field
        self.value = value


def parse_yes_no(field: str, value: str | None) -> bool | None:
    if value is None:
        return None
    folded = strip_accents(value.lower()).strip().rstrip(".!")
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise InvalidAnswer(field, value)


def parse_amount(field: str, value: str | None) -> Decimal | None:
    if value is None:
        return None
    cleaned = value.replace("€", "").replace("$", "").strip()
    thousands = cleaned.lower().endswith("k")
    number = parse_number(cleaned.rstrip("kK").strip())
    if number is None or "-" in cleaned:
        raise InvalidAnswer(field, value)
    return number * 1000 if thousands else number


def find_island(knowledge: KnowledgeBase, place: str | None) -> str | None:
    if not place:
        return None
    for key, known in knowledge.places.items():
        if known.kind == "island" and fold(place).strip() in {fold(name) for name in known.names}:
            return key
    return None


class Checks:
    """The rules of both schemes over one knowledge base."""

    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        self.huurtoeslag_rules = load_rules("huurtoeslag", knowledge)
        self.warmtefonds_rules = load_rules("warmtefonds", knowledge)
        not_in_cn = knowledge.topic("cn_huurondersteuning").facts[0].source
        self._not_in_cn = Parameter(True, source_for(not_in_cn, knowledge))

    def huurtoeslag(self, case: HuurtoeslagCase, language: str = "en") -> CheckResult:
        island = self.knowledge.places.get(case.island or "")
        name = island.display[supported(language)] if island else ""
        if island is not None:
            return check_huurtoeslag(case, self.huurtoeslag_rules, self._not_in_cn, name)
        return check_over_years(case, self.huurtoeslag_rules)

    def warmtefonds(self, case: WarmtefondsCase, language: str = "en") -> CheckResult:
        island = self.knowledge.places.get(case.island or "")
        name = island.display[supported(language)] if island else ""
        return check_warmtefonds(case, self.warmtefonds_rules, name)


def result_json(result: CheckResult, language: str) -> dict[str, Any]:
    return {
        "scheme": result.scheme,
        "year": result.year,
        "eligible": result.eligible,
        "missing": result.missing,
        "reasons": [
            {"rule": r.rule, "outcome": r.outcome, "text": r.text(language), "source": _source_json(r.source)}
            for r in result.reasons
        ],
        "sources": [_source_json(source) for source in result.sources],
        "changes": [
            {"rule": c.rule, "from_year": c.from_year, "to_year": c.to_year, "before": c.before.text(language),
             "after": c.after.text(language)}
            for c in result.changes
        ],
        **{key: value for key, value in result.details.items()},
    }


def _source_json(source: Source) -> dict[str, Any]:
    return {"key": source.key, "title": source.title, "url": source.url, "official": source.official}


def result_text(result: CheckResult, language: str) -> str:
    """Short lines for a phone: the outcome first, then the reasons, then the sources."""
    language = supported(language)
    if result.eligible is True:
        head = gettext(language, "Outcome: you probably qualify.")
    elif result.eligible is False:
        head = gettext(language, "Outcome: you probably do not qualify.")
    else:
        head = gettext(language, "Outcome: Loket can't tell yet.")
    marks = {"pass": "✓", "fail": "✗", "missing": "?", "info": "•"}
    lines = [head, ""] + [f"{marks[r.outcome]} {r.text(language)}" for r in result.reasons]
    if result.changes:
        lines += ["", gettext(language, "What changed for you:")]
        lines += [f"• {c.to_year}: {c.after.text(language)}" for c in result.changes]
    shorts = []
    for source in result.sources:
        short = SourceInfo(source.key, source.title, source.year, source.section, source.url).short(language)
        if short not in shorts:
            shorts.append(short)
    label = gettext(language, "Source")
    lines += ["", f"{label}: " + "; ".join(shorts)]
    return "\n".join(lines)

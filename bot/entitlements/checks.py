"""The entry point for checks, shared by the chat forms and `loket check`: build a
case from answers, run the scheme's rules, and turn the result into text or JSON;
name the rules that answers given in passing already meet; and answer a message
that arrives as an answer after the check has ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.entitlements.answer_reader import AnswerReader, read_answer
from bot.entitlements.huurtoeslag import HuurtoeslagCase, check_huurtoeslag, check_over_years, years
from bot.entitlements.model import MISSING, CheckResult, Reason, Source
from bot.entitlements.params import Parameter, load_rules, source_for
from bot.entitlements.questions import UNKNOWN, Question, read_questions
from bot.entitlements.warmtefonds import WarmtefondsCase, check_warmtefonds
from bot.i18n import N_, gettext, supported
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.render import SourceInfo
from bot.language.entities import EntityFinder
from bot.language.replies import read_yes_no
from bot.language.text import fold

SCHEMES = ("huurtoeslag", "warmtefonds")


class InvalidAnswer(ValueError):
    """A value that cannot be read, named so the user can be told which one."""

    def __init__(self, field: str, value: str):
        super().__init__(f"cannot read {field}: {value!r}")
        self.field = field
        self.value = value


def parse_yes_no(field: str, value: object) -> bool | None:
    """An answer as a slot holds it (True, False) or as typed ("ja", "jawel", "No.")."""
    if value is None or isinstance(value, bool):
        return value
    answer = read_yes_no(str(value))
    if answer is None:
        raise InvalidAnswer(field, str(value))
    return answer


def parse_partner(field: str, value: object) -> bool | None:
    """As parse_yes_no, and "alleen", "samenwonend", "single", "mi so" as the chat reads them."""
    if value is None or isinstance(value, bool):
        return value
    answer = read_answer("partner", str(value))
    if answer is None:
        raise InvalidAnswer(field, str(value))
    return bool(answer)


def parse_amount(field: str, value: object) -> Decimal | None:
    """An amount as a slot holds it ("1200.50") or as typed ("€ 1.200,50", "30k", "650 euro")."""
    if value is None:
        return None
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and value >= 0:
        return Decimal(value)
    number = read_answer("money", str(value))
    if number is None:
        raise InvalidAnswer(field, str(value))
    return Decimal(number)


def parse_age(field: str, value: object) -> int | None:
    """An age as a slot holds it (22) or as typed ("22", "twintig", "22 jaar")."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    age = read_answer("age", str(value))
    if age is None:
        raise InvalidAnswer(field, str(value))
    return int(age)


_PARSERS = {"age": parse_age, "money": parse_amount, "yes_no": parse_yes_no, "partner": parse_partner,
            "place": lambda field, value: None if value is None else str(value)}


def find_island(knowledge: KnowledgeBase, place: str | None) -> str | None:
    if not place:
        return None
    for key, known in knowledge.places.items():
        if known.kind == "island" and fold(place).strip() in {fold(name) for name in known.names}:
            return key
    return None


class Checks:
    """The rules and questions of every scheme over one knowledge base."""

    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        self.rules = {scheme: load_rules(scheme, knowledge) for scheme in SCHEMES}
        self.questions: dict[str, tuple[Question, ...]] = {
            scheme: read_questions(rules, scheme) for scheme, rules in self.rules.items()
        }
        self._readers: dict[str, AnswerReader] = {}

    def reader(self, scheme: str) -> AnswerReader:
        """Reads the chat answers to `scheme`'s questions; islands and programme names (which
        are no answer: "huur" in "huurtoeslag") come from the knowledge base."""
        if scheme not in self._readers:
            islands = {name: key for key, place in self.knowledge.places.items() if place.kind == "island"
                       for name in place.names}
            programmes = {name: topic.key for topic in self.knowledge.topics.values()
                          for names in topic.names.values() for name in names}
            self._readers[scheme] = AnswerReader(EntityFinder(programmes, islands), self.questions[scheme])
        return self._readers[scheme]

    def is_bare_answer(self, text: str) -> bool:
        """ "I am 30", "about 700 dollars", "650": an answer to a check's question, sent
        when no check runs (any scheme's words count: "huur", "inkomen")."""
        return any(self.reader(scheme).is_bare_answer(text) for scheme in SCHEMES)

    def rule_notes(self, scheme: str, answers: Mapping[str, object], year: int | None = None,
                   language: str = "en", island: str | None = None) -> list[str]:
        """The rules the answers given so far already decide, as lines in `language`:
        age 19 and rent 550 in 2026 meet "under 21 only rent up to the youth limit
        counts". A rule that reads the same without the answers is left out; so is
        everything when an answer cannot be read."""
        try:
            case = self.from_answers(scheme, answers, year=year, island=island)
            without = self.from_answers(scheme, {}, year=year, island=island)
            reasons, before = self.run(case, language).reasons, self.run(without, language).reasons
        except ValueError:
            return []
        known = {(r.rule, r.outcome, r.message, tuple(sorted(r.values.items(), key=str))) for r in before}
        return [_line(r, language) for r in reasons if r.outcome != MISSING and
                (r.rule, r.outcome, r.message, tuple(sorted(r.values.items(), key=str))) not in known]

    def notes_reply(self, scheme: str, answers: Mapping[str, object], year: int | None = None,
                    language: str = "en", island: str | None = None) -> str | None:
        """ "From what you told me so far:" and the rule notes; None when there are none."""
        notes = self.rule_notes(scheme, answers, year, language, island)
        if not notes:
            return None
        return "\n".join([gettext(language, "From what you told me so far:"), *notes])

    def after_check_reply(self, outcome: Mapping[str, object] | None, language: str) -> str:
        """The reply to an answer that arrives after the check has ended: the check is
        finished, and what it found (`outcome` as outcome_summary made it)."""
        scheme = str(outcome.get("scheme")) if outcome else ""
        if not outcome or scheme not in self.rules:
            return gettext(language, "No check is running now. To start one, ask for example: 'Can I get rent "
                                     "benefit?'")
        name = self.knowledge.topic(scheme).name(supported(language))  # type: ignore[arg-type]
        if outcome.get("stopped"):
            return gettext(language, "You stopped the {scheme} check, so it found nothing. To check again, tap "
                                     "the button.", scheme=name)
        head = gettext(language, "The {scheme} check has already ended.", scheme=name)
        found = outcome_line(outcome.get("eligible"), language)  # type: ignore[arg-type]
        again = gettext(language, "To check again with other answers, tap the button.")
        return "\n".join([head, found, again])

    def known_island(self, key: object) -> str | None:
        """`key` if it names an island of the knowledge base (a slot may hold anything)."""
        place = self.knowledge.places.get(key) if isinstance(key, str) else None
        return key if place is not None and place.kind == "island" else None  # type: ignore[return-value]

    def island_of(self, place: object) -> str | None:
        return find_island(self.knowledge, place if isinstance(place, str) else None)

    def year_for(self, scheme: str, requested: object) -> int | None:
        """The year asked for ("in 2025") if the scheme has rules for it, else the default."""
        known = years(self.rules[scheme]) if "years" in self.rules[scheme] else []
        year = int(str(requested)) if str(requested).isdigit() else None
        return year if year in known else self.default_year(scheme)

    def default_year(self, scheme: str, today: dt.date | None = None) -> int | None:
        """This year's rules if the scheme has them, else the latest it has (None: no years)."""
        known = years(self.rules[scheme]) if "years" in self.rules[scheme] else []
        this_year = (today or dt.date.today()).year
        return this_year if this_year in known else (known[-1] if known else None)

    def from_answers(self, scheme: str, answers: Mapping[str, object], year: int | None = None,
                     island: str | None = None) -> HuurtoeslagCase | WarmtefondsCase:
        """The case for `scheme` from answers keyed by question name, as typed (`loket
        check`, the case tables) or as the chat form's slots hold them; "unknown" and a
        missing answer both leave the field empty. Raises InvalidAnswer naming a field."""
        values: dict[str, Any] = {}
        for question in self.questions[scheme]:
            raw = answers.get(question.name)
            values[question.name] = _PARSERS[question.kind](question.name, None if raw == UNKNOWN else raw)
        island = self.known_island(island) or find_island(self.knowledge, values.get("place"))
        if scheme == "huurtoeslag":
            return HuurtoeslagCase(year=year or self.default_year(scheme) or 0, island=island, **values)
        return WarmtefondsCase(island=island, **values)

    def run(self, case: HuurtoeslagCase | WarmtefondsCase, language: str = "en") -> CheckResult:
        if isinstance(case, HuurtoeslagCase):
            return self.huurtoeslag(case, language)
        return self.warmtefonds(case, language)

    def huurtoeslag(self, case: HuurtoeslagCase, language: str = "en") -> CheckResult:
        island = self.knowledge.places.get(case.island or "")
        if island is None:
            return check_over_years(case, self.rules["huurtoeslag"])
        instead = self.knowledge.topic("huurtoeslag").instead_in.get(island.region)
        source = self.knowledge.topic(instead).facts[0].source if instead else None
        not_here = Parameter(True, source_for(source, self.knowledge)) if source else None
        return check_huurtoeslag(case, self.rules["huurtoeslag"], not_here, island.display[supported(language)],
                                 instead)

    def warmtefonds(self, case: WarmtefondsCase, language: str = "en") -> CheckResult:
        island = self.knowledge.places.get(case.island or "")
        name = island.display[supported(language)] if island else ""
        return check_warmtefonds(case, self.rules["warmtefonds"], name)


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


_MARKS = {"pass": "✓", "fail": "✗", "missing": "?", "info": "•"}
_OUTCOMES = {True: N_("Outcome: you probably qualify."), False: N_("Outcome: you probably do not qualify."),
             None: N_("Outcome: Loket can't tell yet.")}


def _line(reason: Reason, language: str) -> str:
    return f"{_MARKS[reason.outcome]} {reason.text(language)}"


def outcome_line(eligible: bool | None, language: str) -> str:
    """ "Outcome: you probably qualify." and its two siblings."""
    return gettext(supported(language), _OUTCOMES.get(eligible, _OUTCOMES[None]))


def outcome_summary(result: CheckResult | None, scheme: str, stopped: bool = False) -> dict[str, object]:
    """What a finished check found, short and without the answers or figures, to keep
    for the rest of the session (a slot): {"scheme", "year", "eligible", "stopped"}."""
    return {"scheme": scheme, "year": result.year if result else None,
            "eligible": result.eligible if result else None, "stopped": stopped}


def result_text(result: CheckResult, language: str) -> str:
    """Short lines for a phone: the outcome first, then the reasons, then the sources."""
    language = supported(language)
    head = outcome_line(result.eligible, language)
    lines = [head, ""] + [_line(r, language) for r in result.reasons]
    if result.changes:
        lines += ["", gettext(language, "What changed for you:")]
        lines += [f"• {c.to_year}: {c.after.text(language)}" for c in result.changes]
    shorts = []
    for source in result.sources:
        info = SourceInfo(source.key, source.title, source.year, source.section, source.url, source.official)
        short = info.short(language)
        if short not in shorts:
            shorts.append(short)
    label = gettext(language, "Source")
    lines += ["", f"{label}: " + "; ".join(shorts)]
    return "\n".join(lines)

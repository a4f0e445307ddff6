"""Understanding answers in an entitlement check, in Dutch, Papiamentu and English.

"twintig", "mi tin 22 aña", "1.200,50", "$750", "about 30k a year", "weet ik niet",
"nee, 650 euro" (a correction) and "stop" are all read here, without Rasa, so the
chat form, `loket check` and the tests share one interpretation. Which question an
answer belongs to, and how to read it, comes from the scheme's questions
(knowledge/rules/).

A number is tied to a question by the words around it: "ik ben 30", "30 jaar" (age),
"€ 600", "600 euro huur", "mijn huur is 600" (rent; the words of a question's
`context`). "ik betaal 650 huur en ben 30" answers the age and keeps the rent for later;
"dertig of veertig" holds two numbers and no word to choose: ambiguous, asked again.
"ik heb een vraag" has no number: not an answer. An answer outside the plausible range
(plausibility.py) is asked back before it is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.entitlements.model import Message
from bot.entitlements.plausibility import confirm_message, needs_confirming
from bot.entitlements.questions import UNKNOWN, Question
from bot.i18n import N_
from bot.language.entities import PROGRAMME, EntityFinder
from bot.language.numbers import NumberFound, numbers_in
from bot.language.replies import after_leading_no, normal, number_words, read_yes_no, says_dont_know, says_stop
from bot.language.text import strip_accents

_PARTNER_YES = re.compile(r"\b(partner|samenwon\w*|getrouwd|married|pareha|kasá|kasa|mi esposa|mi kasá)\b", re.I)
_PARTNER_NO = re.compile(r"\b(alleen|alleenstaand|single|alone|on my own|mi so|bo so|sin pareha)\b", re.I)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[€$%?–-]", re.UNICODE)
# A word such as "huur" ties itself to the nearest number at most this many words away.
_NEAR = 6
_AGE, _MONEY = "age", "money"

NOT_AN_ANSWER = N_("That does not look like an answer to my question. To ask something else first, say 'stop'.")
AMBIGUOUS = N_("I see more than one number in your answer. Which one do you mean? Please give just one.")
UNREADABLE = N_("Sorry, I could not read that answer.")
YES_OR_NO = N_("Please answer yes or no.")


@dataclass(frozen=True)
class Pending:
    """An answer outside the plausible range, waiting for "yes, I meant that". It
    travels in a slot as {"slot": ..., "value": ...}."""

    slot: str
    value: Decimal | int

    def as_slot(self) -> dict[str, str]:
        return {"slot": self.slot, "value": str(self.value)}

    @classmethod
    def from_slot(cls, raw: object) -> Pending | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("slot"), str):
            return None
        text = str(raw.get("value", ""))
        if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", text):
            return None
        value = Decimal(text)
        return cls(raw["slot"], int(value) if "." not in text else value)


@dataclass
class Understood:
    values: dict[str, Any] = field(default_factory=dict)  # slot -> value
    corrected: str | None = None  # the earlier answer this message corrects
    stop: bool = False
    unreadable: str | None = None  # the asked slot, when its answer could not be read
    problem: Message | None = None  # why it could not be read: no answer, two numbers, ...
    confirm: Pending | None = None  # an answer to confirm ("Did you mean ...?") before it is used
    confirm_question: Message | None = None

    def messages(self) -> list[Message]:
        """What to say before the next question: the problem, then a question to confirm."""
        return [message for message in (self.problem, self.confirm_question) if message is not None]

    def texts(self, language: str) -> list[str]:
        return [message.text(language) for message in self.messages()]


def read_partner(text: str) -> bool | None:
    if _PARTNER_NO.search(text):
        return False
    if _PARTNER_YES.search(text):
        return read_yes_no(text) is not False  # "mi no tin pareha" has a "no" in it
    return read_yes_no(text)


# ---- numbers and the words around them ----

@dataclass
class _Candidate:
    number: NumberFound
    position: int  # in the message's list of words and numbers
    age: int = 0  # how strongly the words around it say "an age"
    money: int = 0  # ... "an amount"
    topic: str | None = None  # the slot of a question whose context word is near it
    topic_strength: int = 0
    skip: bool = False  # a year ("in 2026"), a date ("1 januari") or a percentage
    alternatives: set[int] = field(default_factory=set)  # "30 of 40": the other one's index

    @property
    def label(self) -> str | None:
        """age, money, a money question's slot, or None when no word ties it."""
        if self.age > self.money:
            return _AGE
        if self.money > self.age:
            return self.topic or _MONEY
        return None


def _matches(pattern: re.Pattern[str] | None, word: str) -> bool:
    return bool(pattern and (pattern.match(word) or pattern.match(strip_accents(word))))


class _Reading:
    """The numbers in one message, each with what the words around it say it is."""

    def __init__(self, text: str, questions: Sequence[Question], masked: Iterable[tuple[int, int]] = ()):
        self._cues = number_words()
        self.numbers = [n for n in numbers_in(text) if not any(s <= n.start < e for s, e in masked)]
        items: list[tuple[int, str, int]] = []  # (start, word or "", index of number or -1)
        for match in _TOKEN.finditer(text):
            inside = any(n.start <= match.start() < n.end for n in self.numbers)
            if not inside:
                hidden = any(s <= match.start() < e for s, e in masked)
                items.append((match.start(), "" if hidden else normal(match.group()).replace("’", "'"), -1))
        items += [(n.start, "", index) for index, n in enumerate(self.numbers)]
        items.sort()
        self.words = [word for _, word, index in items if index < 0]
        self.candidates = [_Candidate(self.numbers[index], position) for position, (_, _, index) in enumerate(items)
                           if index >= 0]
        self.question_mark = "?" in text
        self._items = [(word, index) for _, word, index in items]
        for candidate in self.candidates:
            self._adjacent_cues(candidate, text)
        self._near_words(questions)
        self._alternatives()

    def _word_at(self, position: int) -> str | None:
        if 0 <= position < len(self._items) and self._items[position][1] < 0:
            return self._items[position][0]
        return None

    def _adjacent_cues(self, candidate: _Candidate, text: str) -> None:
        cues, number = self._cues, candidate.number
        glued = re.sub(r"^[\d.,\s-]*", "", text[number.start:number.end]).lower()
        after = self._word_at(candidate.position + 1)
        before_position = candidate.position - 1
        while (self._word_at(before_position) or "#") in cues.fillers:
            before_position -= 1
        before = self._word_at(before_position)
        nearest_before = self._word_at(candidate.position - 1)
        if number.thousands or glued in cues.money or after in cues.money or nearest_before in cues.money:
            candidate.money = 4
        if glued in cues.age_after or after in cues.age_after:
            candidate.age = max(candidate.age, 4)
        if before in cues.age_before:
            candidate.age = max(candidate.age, 3)
        if not number.in_words and number.value == number.value.to_integral_value() and \
                1900 <= number.value <= 2100 and not candidate.money and nearest_before in cues.year_before:
            candidate.skip = True  # "kan ik in 2026 ..."
        if after in cues.months or nearest_before in cues.months or after == "%" or after in ("procent", "percent"):
            candidate.skip = True

    def _near_words(self, questions: Sequence[Question]) -> None:
        """ "huur", "spaargeld", "leeftijd" tie themselves to the nearest number."""
        money_questions = [q for q in questions if q.kind == "money" and q.context is not None]
        for position, (word, index) in enumerate(self._items):
            if index >= 0 or not word:
                continue
            topic = next((q.slot for q in money_questions if _matches(q.context, word)), None)
            is_age = word in self._cues.age_words
            if topic is None and not is_age:
                continue
            near = [c for c in self.candidates if not c.skip and abs(c.position - position) <= _NEAR]
            if not near:
                continue
            # The nearest; on a tie, one no other word claims, then the one after the word.
            other = (lambda c: c.age > 0) if topic else (lambda c: c.money > 0)
            best = min(near, key=lambda c: (self._distance(c.position, position), other(c), c.position < position))
            strength = 3 if self._distance(best.position, position) <= 2 else 2
            if topic is not None and strength > best.topic_strength:
                best.topic, best.topic_strength = topic, strength
                best.money = max(best.money, strength)
            elif is_age:
                best.age = max(best.age, strength)

    def _distance(self, one: int, other: int) -> int:
        """Words apart, not counting currency words and fillers ("600 euro huur" is one)."""
        low, high = sorted((one, other))
        between = [self._word_at(p) for p in range(low + 1, high)]
        return 1 + sum(1 for w in between if w is None or (w not in self._cues.money and w not in
                                                               self._cues.fillers))

    def _alternatives(self) -> None:
        """ "dertig of veertig", "600 to 700", "tussen 600 en 700": numbers given as a choice."""
        for one, two in zip(self.candidates, self.candidates[1:], strict=False):
            if two.position - one.position != 2:
                continue
            joint = self._word_at(one.position + 1) or ""
            before = range(one.position - 3, one.position)
            between = any((self._word_at(p) or "") in self._cues.between for p in before)
            if joint in self._cues.alternatives or (between and joint in ("en", "and", "i")):
                one.alternatives.add(self.candidates.index(two))
                two.alternatives.add(self.candidates.index(one))

    def usable(self) -> list[_Candidate]:
        return [candidate for candidate in self.candidates if not candidate.skip]

    def answer(self, question: Question, taken: set[int]) -> tuple[Any, Message | None, set[int]]:
        """The number that answers `question` (asked just now), or why there is none."""
        candidates = [(i, c) for i, c in enumerate(self.candidates) if not c.skip and i not in taken]
        if question.kind == "age":
            levels = [[(i, c) for i, c in candidates if c.label == _AGE],
                      [(i, c) for i, c in candidates if c.label is None]]
        else:
            levels = [[(i, c) for i, c in candidates if c.label == question.slot],
                      [(i, c) for i, c in candidates if c.label == _MONEY],
                      [(i, c) for i, c in candidates if c.label is None]]
        level = next((level for level in levels if level), [])
        if not level:
            return None, Message(NOT_AN_ANSWER), set()
        values = {c.number.value for _, c in level}
        chosen = {i for i, _ in level}
        choice = {self.candidates[j].number.value for _, c in level for j in c.alternatives} | values
        if len(values) > 1 or len(choice) > 1:
            return None, Message(AMBIGUOUS), chosen
        number = level[0][1].number
        if number.negative:
            return None, Message(UNREADABLE), chosen
        return _typed(question, number.value), None, chosen

    def tied(self, question: Question, taken: set[int]) -> Any:
        """A value the words tie to `question` although it was not asked ("ik ben 22")."""
        label = _AGE if question.kind == "age" else question.slot
        level = [c for i, c in enumerate(self.candidates) if not c.skip and i not in taken and c.label == label]
        values = {c.number.value for c in level}
        if len(values) != 1 or level[0].number.negative:
            return None
        return _typed(question, level[0].number.value)

    def unknown_words(self, known: frozenset[str]) -> list[str]:
        return [word for word in self.words if word and word not in known]


def _typed(question: Question, value: Decimal) -> Any:
    return int(value) if question.kind == "age" else value


def read_answer(kind: str, text: str) -> Any:
    """One answer of the given kind (see questions.KINDS), or None when it cannot be
    read: the reading `loket check` and the case tables use for a typed answer."""
    if kind in ("age", "money"):
        question = Question(name=kind, slot=kind, kind=kind, ask="")
        value, problem, _ = _Reading(text, [question]).answer(question, set())
        return None if problem else value
    if kind == "yes_no":
        return read_yes_no(text)
    if kind == "partner":
        return read_partner(text)
    if kind == "place":
        return text.strip() or None
    raise ValueError(f"unknown kind of answer: {kind}")


class AnswerReader:
    """Reads one message of a check, given what was asked and what was answered last."""

    def __init__(self, finder: EntityFinder, questions: Sequence[Question]):
        self._finder = finder
        self._questions = {question.slot: question for question in questions}

    def _reading(self, text: str) -> _Reading:
        names = [(e.start, e.end) for e in self._finder.find(text) if e.name == PROGRAMME]
        return _Reading(text, list(self._questions.values()), names)

    def read(self, text: str, asked: str | None, last_answered: str | None = None,
             pending: Pending | None = None) -> Understood:
        """`pending`: an answer waiting for confirmation; this message confirms it or not."""
        understood = Understood()
        if says_stop(text):
            understood.stop = True
            return understood
        if pending is not None and pending.slot in self._questions:
            return self._confirmation(text, pending)
        rest = after_leading_no(text)
        if rest is not None and last_answered in self._questions and last_answered != asked:
            question = self._questions[last_answered]
            value = self._single(question, rest)
            if value is not None:
                understood.corrected = last_answered
                self._keep(understood, question, value)
                return understood
        taken: set[int] = set()
        reading = self._reading(text)
        if asked in self._questions:
            question = self._questions[asked]
            if says_dont_know(text):
                understood.values[asked] = UNKNOWN
            elif question.kind in ("age", "money"):
                value, problem, taken = reading.answer(question, taken)
                if problem is None:
                    self._keep(understood, question, value)
                else:
                    understood.unreadable, understood.problem = asked, problem
            else:
                value = read_answer(question.kind, text)
                if value is None:
                    understood.unreadable, understood.problem = asked, Message(UNREADABLE)
                else:
                    understood.values[asked] = value
        for slot, value in self._volunteered(text, reading, taken).items():
            understood.values.setdefault(slot, value)
        if understood.problem is not None and understood.problem.message == NOT_AN_ANSWER and \
                set(understood.values) - {asked}:
            understood.problem = None  # it answered something else; the question is asked again
        return understood

    def _single(self, question: Question, text: str) -> Any:
        if question.kind in ("age", "money"):
            value, problem, _ = self._reading(text).answer(question, set())
            return None if problem else value
        return read_answer(question.kind, text)

    def _keep(self, understood: Understood, question: Question, value: Any) -> None:
        """The answer, or a question to confirm it when it is unlikely."""
        if needs_confirming(question, value):
            understood.confirm = Pending(question.slot, value)
            understood.confirm_question = confirm_message(question, value)
        else:
            understood.values[question.slot] = value

    def _confirmation(self, text: str, pending: Pending) -> Understood:
        """ "ja" keeps the pending answer, "nee" asks the question again, "nee, 650" or
        "650" is a new answer; anything else asks "Did you mean ...?" once more."""
        understood = Understood()
        question = self._questions[pending.slot]
        answer = read_yes_no(text)
        if answer is True:
            understood.values[pending.slot] = pending.value
            return understood
        value = self._single(question, after_leading_no(text) or text)
        if value is not None:
            self._keep(understood, question, value)
        elif answer is None:
            understood.problem = Message(YES_OR_NO)
            understood.confirm, understood.confirm_question = pending, confirm_message(question, pending.value)
        return understood

    def _volunteered(self, text: str, reading: _Reading, taken: set[int]) -> dict[str, Any]:
        """Values given without being asked: "ik ben 22 en betaal 600 euro huur". An
        unlikely one is left for its own question, which confirms it."""
        values: dict[str, Any] = {}
        for question in self._questions.values():
            if question.kind in ("age", "money"):
                value = reading.tied(question, taken)
                if value is not None and not needs_confirming(question, value):
                    values[question.slot] = value
            elif question.kind == "partner" and (_PARTNER_NO.search(text) or _PARTNER_YES.search(text)):
                values[question.slot] = not _PARTNER_NO.search(text)
        return values

    def is_bare_answer(self, text: str) -> bool:
        """ "I am 30", "about 700 dollars", "650": a number with an age or money word, or
        a bare number, and (almost) nothing else; not a question."""
        reading = self._reading(text)
        if reading.question_mark or not reading.usable() or "" in reading.words:
            return False
        words = number_words()
        known = words.age_after | words.age_before | words.age_words | words.money | words.fillers | words.small
        unknown = [word for word in reading.unknown_words(known) if not any(
            _matches(q.context, word) for q in self._questions.values())]
        return len(unknown) <= 1


def asks_for_check(text: str) -> bool:
    """ "Heb ik recht op huurtoeslag?", "Mi tin derecho riba...?", "Am I eligible...?"

    Not "where/how can I get ...?": that asks for the way to apply, which the answer gives.
    """
    lowered = strip_accents(text.lower())
    return bool(_PERSONAL_CHECK.search(lowered)) and not _WHERE_OR_HOW.match(lowered)


_WHERE_OR_HOW = re.compile(r"^\W*(where|how|waar|hoe|unda|kon|con)\b")


_PERSONAL_CHECK = re.compile(
    r"(recht op|kom ik in aanmerking|krijg ik|kan ik .*krijgen|mag ik|check of ik|"
    r"tin derecho|tin derechi|mi por hana|mi por haya|ta pa mi|"
    r"am i eligible|eligible|do i qualify|can i get|could i get|entitled|check if i)"
)

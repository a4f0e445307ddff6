"""Grouping "Wat Loket niet wist" (bot/desk/gaps.py).

Quality is measured on two hand-grouped fixtures with pairwise precision and recall:
tests/desk/gap_groups.yml (development: the grouping was tuned on it) and
tests/desk/gap_groups_sealed.yml (held out: written together with the development fixture,
before the code, and run once when the code was final; its floors come from that run).

Questions about the same thing in different languages need not be grouped together (staff
see the counts per language anyway), so recall counts only pairs of the same language;
precision counts every pair grouped together, and a pair in the same expected group is right
whatever its languages.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from bot.desk.gaps import THRESHOLD, Group, Question, group_questions, similarity

FIXTURES = Path(__file__).resolve().parents[1] / "desk"
DEV = FIXTURES / "gap_groups.yml"
SEALED = FIXTURES / "gap_groups_sealed.yml"

# Monday 2 November 2026 00:00 UTC (2026-W45); the fixtures' questions spread over 4 weeks.
START = datetime(2026, 11, 2, tzinfo=timezone.utc).timestamp()
HOUR = 3600.0


def load(path: Path) -> tuple[list[Question], dict[int, str]]:
    """The fixture's questions (distinct ids, spread over four weeks) and each id's expected group."""
    questions: list[Question] = []
    expected: dict[int, str] = {}
    for group in yaml.safe_load(path.read_text(encoding="utf-8")):
        for item in group["questions"]:
            n = len(questions)
            question = Question(
                id=101 + 3 * n,
                text=item["text"],
                language=item["language"],
                at=START + ((n * 53) % (4 * 7 * 24)) * HOUR + 60.0 * n,
            )
            questions.append(question)
            expected[question.id] = group["name"]
    return questions, expected


def pairwise(questions: list[Question], expected: dict[int, str], groups: list[Group]) -> tuple[float, float]:
    """Pairwise precision and recall (recall over pairs of the same language)."""
    predicted = {i: n for n, group in enumerate(groups) for i in group.ids}
    language = {q.id: q.language for q in questions}
    together = right = should = found = 0
    for a, b in combinations(sorted(expected), 2):
        same_predicted = predicted[a] == predicted[b]
        same_expected = expected[a] == expected[b]
        if same_predicted:
            together += 1
            right += same_expected
        if same_expected and language[a] == language[b]:
            should += 1
            found += same_predicted
    precision = right / together if together else 1.0
    recall = found / should if should else 1.0
    return precision, recall


def score(path: Path) -> tuple[float, float]:
    questions, expected = load(path)
    groups = group_questions(questions)
    assert sorted(i for group in groups for i in group.ids) == sorted(expected)
    return pairwise(questions, expected, groups)


def test_fixtures_are_well_formed():
    for path in (DEV, SEALED):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        groups = [g for g in data if len(g["questions"]) > 1]
        assert len(groups) >= 12, path
        assert all(3 <= len(g["questions"]) <= 8 for g in groups), path
        assert any(len(g["questions"]) == 1 for g in data), path
        assert {q["language"] for g in data for q in g["questions"]} == {"nl", "pap", "en"}, path
        assert len({g["name"] for g in data}) == len(data), path


def test_development_fixture():
    precision, recall = score(DEV)
    print(f"\ngap groups, development: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9
    assert recall >= 0.8


def test_sealed_fixture():
    precision, recall = score(SEALED)
    print(f"\ngap groups, sealed: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= SEALED_PRECISION
    assert recall >= SEALED_RECALL


# Floors for the held-out fixture: what its single run measured, less 0.05 (see the module docstring).
SEALED_PRECISION = 0.75  # measured 0.804
SEALED_RECALL = 0.33  # measured 0.388


def question(id: int, text: str, language: str = "nl", at: float = START) -> Question:
    return Question(id=id, text=text, language=language, at=at)


def test_empty_input():
    assert group_questions([]) == []
    assert group_questions(iter(())) == []


def test_weeks_and_languages():
    sunday_late = datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc).timestamp()  # 2026-W47
    monday_early = datetime(2026, 11, 23, 0, 30, tzinfo=timezone.utc).timestamp()  # 2026-W48
    new_year = datetime(2027, 1, 3, 12, tzinfo=timezone.utc).timestamp()  # still 2026-W53
    groups = group_questions(
        [
            question(1, "Hoe vraag ik een parkeervergunning aan?", "nl", sunday_late),
            question(2, "parkeervergunning aanvragen", "nl", monday_early),
            question(3, "Parkeervergunning aanvragen?", "nl", new_year),
            question(4, "parking permit apply", "en", monday_early),
            question(5, "How do I apply for a parking permit?", "en", monday_early + 60),
            question(6, "Wanneer wordt het grofvuil opgehaald?", "nl", sunday_late),
        ]
    )
    by_ids = {group.ids: group for group in groups}
    parking_nl = by_ids[(1, 2, 3)]
    assert parking_nl.count == 3
    assert parking_nl.languages == {"nl": 3}
    assert parking_nl.weeks == {"2026-W47": 1, "2026-W48": 1, "2026-W53": 1}
    parking_en = by_ids[(4, 5)]
    assert parking_en.languages == {"en": 2}
    assert parking_en.weeks == {"2026-W48": 2}
    assert by_ids[(6,)].weeks == {"2026-W47": 1}
    assert sum(group.count for group in groups) == 6


def test_mixed_languages_are_counted_per_language():
    groups = group_questions(
        [
            question(1, "Kuantu belasting mi mester paga pa mi kachó?", "pap"),
            question(2, "Cuanto ta e belasting di cacho?", "pap"),
            question(3, "Kuantu belasting pa kachó?", "nl"),  # labelled wrong by the detector
        ]
    )
    assert len(groups) == 1
    assert groups[0].languages == {"pap": 2, "nl": 1}


def test_labels_examples_and_order():
    texts = [
        "parkeervergunning aanvragen",
        "Parkeervergunning aanvragen",
        "Hoe vraag ik een parkeervergunning aan?",
        "parkeervergunning aanvragen",
        "Ik wil een parkeervergunning aanvragen",
        "parkeervergunning aanvragen graag",
        "parkeervergunning aanvragen voor mijn straat",
        "paspoort kwijt",
        "Ik ben mijn paspoort kwijt",
    ]
    questions = [question(i + 1, text, at=START + i * HOUR) for i, text in enumerate(texts)]
    groups = group_questions(questions)
    assert [group.count for group in groups] == [7, 2]
    parking, passport = groups
    assert parking.label == "parkeervergunning aanvragen"  # the most typical member, as written
    assert passport.label in {"paspoort kwijt", "Ik ben mijn paspoort kwijt"}
    assert parking.examples == (
        "parkeervergunning aanvragen voor mijn straat",
        "parkeervergunning aanvragen graag",
        "Ik wil een parkeervergunning aanvragen",
        "parkeervergunning aanvragen",
        "Hoe vraag ik een parkeervergunning aan?",
    )
    assert passport.examples == ("Ik ben mijn paspoort kwijt", "paspoort kwijt")

    # Same size: the most recent group first.
    groups = group_questions(
        [
            question(1, "paspoort kwijt", at=START),
            question(2, "grofvuil ophalen", at=START + 10 * HOUR),
            question(3, "paspoort kwijt", at=START + 2 * HOUR),
            question(4, "grofvuil ophalen", at=START + 3 * HOUR),
        ]
    )
    assert [group.ids for group in groups] == [(2, 4), (1, 3)]


def test_labels_are_member_texts():
    questions, _ = load(DEV)
    text = {q.id: q.text for q in questions}
    for group in group_questions(questions):
        assert group.label in {text[i] for i in group.ids}
        assert set(group.examples) <= {text[i] for i in group.ids}
        assert len(group.examples) == min(5, len({text[i] for i in group.ids}))
        assert group.count == len(group.ids) == sum(group.languages.values()) == sum(group.weeks.values())


def test_order_does_not_matter():
    questions, _ = load(DEV)
    expected = group_questions(questions)
    for seed in range(5):
        shuffled = questions[:]
        random.Random(seed).shuffle(shuffled)
        assert group_questions(shuffled) == expected


def test_placeholders_are_noise():
    assert similarity("mijn [BSN]", "[BSN] klopt niet") < 0.2
    assert similarity("[BSN]", "[BSN]") == 0.0
    assert similarity("paspoort kwijt [BSN]", "Paspoort kwijt!") == 1.0
    assert similarity("over mijn rijbewijs, [telefoonnummer]", "rijbewijs [e-mail] [IBAN]") == 1.0
    groups = group_questions(
        [
            question(1, "mijn [BSN]"),
            question(2, "[BSN] klopt niet"),
            question(3, "[IBAN] [e-mail] [telefoonnummer]"),
            question(4, "[geboortedatum]"),
        ]
    )
    assert len(groups) == 4


@pytest.mark.parametrize(
    ("same", "a", "b"),
    [
        (True, "Hoe vraag ik een parkeervergunning aan?", "parkeervergunning aanvragen"),
        (True, "parkeervergunnig aanvragen", "Parkeervergunning aanvragen"),
        (True, "Ik wil een vergunning om te parkeren", "parkeervergunning"),
        (True, "Con mi por saca un cedula nobo?", "Kon mi por saka un sèdula nobo?"),
        (True, "Mijn rijbewys is verlopen", "Rijbewijs verlopen"),
        (True, "grof vuil ophalen", "grofvuil laten ophalen"),
        (True, "Moet ik belasting betalen voor mijn hond?", "hondenbelasting betalen"),
        (True, "Hoe vraag ik een nieuw paspoort aan?", "Ik wil een paspoort aanvragen"),
        (False, "paspoort aanvragen", "paspoort kwijt"),
        (False, "parkeervergunning aanvragen", "bezwaar tegen parkeerboete"),
        (False, "rijbewijs verlengen", "rijbewijs kwijt"),
        (False, "Hoe vraag ik een paspoort aan?", "Hoe vraag ik een rijbewijs aan?"),
        (False, "huurtoeslag aanvragen", "zorgtoeslag aanvragen"),
    ],
)
def test_similarity(same: bool, a: str, b: str):
    value = similarity(a, b)
    assert 0.0 <= value <= 1.0
    assert value == similarity(b, a)
    assert (value >= 0.6) if same else (value < THRESHOLD), value


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("paspoort aanvragen", "paspoort kwijt"),
        ("Hoe vraag ik een paspoort aan?", "Hoe vraag ik een rijbewijs aan?"),
        ("hondenpenning kwijt", "paspoort kwijt"),
        ("Wanneer wordt grofvuil opgehaald?", "Wanneer wordt de container geleegd?"),
    ],
)
def test_confusable_pair_on_its_own_stays_apart(a: str, b: str):
    # With nothing else to go by, the words only one question has are not taken for details.
    assert len(group_questions([question(1, a), question(2, b)])) == 2


def test_similarity_range_and_symmetry():
    questions, _ = load(DEV)
    texts = [q.text for q in questions]
    for a, b in combinations(texts[::3], 2):
        value = similarity(a, b)
        assert 0.0 <= value <= 1.0
        assert value == pytest.approx(similarity(b, a), abs=1e-12)
    for text in texts:
        assert similarity(text, text) == 1.0


def synthetic(count: int, seed: int = 7) -> tuple[list[Question], dict[int, str]]:
    """Development questions with typos, placeholders, shuffled words and other words around them."""
    rng = random.Random(seed)
    base, groups = load(DEV)
    extras = ["graag", "alstublieft", "snel", "vandaag", "please", "thanks", "dushi", "[BSN]", "[e-mail]", "[IBAN]"]
    questions: list[Question] = []
    expected: dict[int, str] = {}
    for n in range(count):
        source = rng.choice(base)
        words = source.text.split()
        roll = rng.random()
        if roll < 0.3:
            i = rng.randrange(len(words))
            word = words[i]
            if len(word) > 4:
                j = rng.randrange(1, len(word) - 1)
                words[i] = word[:j] + word[j + 1 :]  # a letter left out
        elif roll < 0.5:
            rng.shuffle(words)
        elif roll < 0.8:
            words.insert(rng.randrange(len(words) + 1), rng.choice(extras))
        at = START + rng.randrange(12 * 7 * 24) * HOUR
        questions.append(Question(id=n + 1, text=" ".join(words), language=source.language, at=at))
        expected[n + 1] = groups[source.id]
    return questions, expected


def test_three_thousand_questions_are_quick():
    questions, expected = synthetic(3000)
    started = time.perf_counter()
    groups = group_questions(questions)
    elapsed = time.perf_counter() - started
    precision, recall = pairwise(questions, expected, groups)
    print(
        f"\ngap groups: 3000 questions in {elapsed:.2f} s, {len(groups)} groups; "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    assert elapsed < 5.0
    assert sum(group.count for group in groups) == 3000
    # Many more questions than the development fixture, about as well grouped: measured 0.994 and 0.694.
    assert precision >= 0.95
    assert recall >= 0.6

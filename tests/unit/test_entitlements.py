"""The entitlement case tables (tests/cases/*.yml), through `loket check`'s own code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.entitlements import SCHEMES, Checks, InvalidAnswer, result_json, result_text, still_to_ask
from bot.entitlements.checks import parse_amount, parse_yes_no
from bot.entitlements.huurtoeslag import HuurtoeslagCase

CASES = Path(__file__).resolve().parents[1] / "cases"


def table(name: str) -> list[dict]:
    return yaml.safe_load((CASES / f"{name}.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def checks(knowledge) -> Checks:
    return Checks(knowledge)


def deciding(result, reason: str) -> None:
    rule, outcome = reason.split("=")
    matching = [r for r in result.reasons if r.rule == rule]
    assert matching and matching[0].outcome == outcome, [(r.rule, r.outcome) for r in result.reasons]


def test_the_tables_are_big_enough():
    assert len(table("huurtoeslag")) >= 40 and len(table("warmtefonds")) >= 40


def answers(row: dict) -> dict:
    """A table row as `loket check` gets it: every answer as typed."""
    return {key: value for key, value in row.items() if key not in ("expect", "reason", "zero_interest")}


@pytest.mark.parametrize("row", table("huurtoeslag"), ids=lambda row: f"{row['year']}-{row.get('age')}-{row['reason']}")
def test_huurtoeslag_case(checks, row):
    given = answers(row)
    case = checks.from_answers("huurtoeslag", given, year=given.pop("year"), island=checks.island_of(row.get("place")))
    result = checks.run(case)
    assert result.eligible is row["expect"]
    deciding(result, row["reason"])
    assert all(reason.source.title for reason in result.reasons)


@pytest.mark.parametrize("row", table("warmtefonds"), ids=lambda row: f"{row.get('place')}-{row['reason']}")
def test_warmtefonds_case(checks, row):
    result = checks.run(checks.from_answers("warmtefonds", answers(row)))
    assert result.eligible is row["expect"]
    deciding(result, row["reason"])
    if "zero_interest" in row:
        assert result.details["zero_interest"] is row["zero_interest"]


def test_a_missing_field_gives_null_and_names_the_field(checks):
    result = result_json(checks.huurtoeslag(HuurtoeslagCase(year=2026, age=30)), "en")
    assert result["eligible"] is None
    # Without a partner answer the asset limit is unknown, so the partner question is the one missing.
    assert result["missing"] == ["registered", "lawful_residence", "independent", "partner"]
    assert {"rule", "text", "source"} <= set(result["reasons"][0])


def test_what_changed_between_years_is_named(checks):
    case = HuurtoeslagCase(year=2026, age=21, rent=parse_amount("rent", "600"), assets=parse_amount("assets", "0"),
                           partner=False, independent=True, registered=True, residence=True)
    result = checks.huurtoeslag(case)
    assert result.details["by_year"] == {2024: False, 2025: False, 2026: True}
    assert any(change.rule == "rent" and change.to_year == 2026 for change in result.changes)


def test_the_outcome_comes_first_then_reasons_then_sources(checks):
    text = result_text(checks.huurtoeslag(HuurtoeslagCase(year=2026, age=17)), "en")
    lines = text.splitlines()
    assert lines[0] == "Outcome: you probably do not qualify."
    assert lines[-1].startswith("Source:")


@pytest.mark.parametrize("value, expected", [("1.200,50", "1200.50"), ("$750", "750"), ("30k", "30000"),
                                              ("€ 600", "600")])
def test_amounts_people_type(value, expected):
    assert str(parse_amount("rent", value)) == expected


@pytest.mark.parametrize("value", ["veel", "-5", ""])
def test_unreadable_amounts_are_named(value):
    with pytest.raises(InvalidAnswer) as error:
        parse_amount("rent", value)
    assert error.value.field == "rent"


@pytest.mark.parametrize("value, expected", [("ja", True), ("Yes", True), ("si", True), ("nee", False),
                                              ("no", False), ("No.", False)])
def test_yes_and_no_in_three_languages(value, expected):
    assert parse_yes_no("partner", value) is expected


def test_an_unknown_year_is_refused(checks):
    with pytest.raises(ValueError, match="2023"):
        checks.huurtoeslag(HuurtoeslagCase(year=2023, age=30))


def test_answers_from_a_chat_form_and_from_the_command_line_make_the_same_case(checks):
    typed = checks.from_answers("huurtoeslag", {"age": "22", "rent": "1.200,50", "partner": "nee", "assets": "unknown"},
                                year=2025)
    stored = checks.from_answers("huurtoeslag", {"age": 22, "rent": "1200.50", "partner": False, "assets": None},
                                 year=2025)
    assert typed == stored
    assert typed.rent == parse_amount("rent", "1200.50") and typed.partner is False and typed.assets is None


def test_an_unreadable_answer_names_its_question(checks):
    with pytest.raises(InvalidAnswer) as error:
        checks.from_answers("warmtefonds", {"owner": "misschien"})
    assert error.value.field == "owner"


def test_every_scheme_has_its_questions_from_the_rules(checks):
    assert set(checks.questions) == set(SCHEMES)
    assert [q.name for q in checks.questions["warmtefonds"]] == ["place", "owner", "vve", "income"]


@pytest.mark.parametrize(
    "answers, on_island, expected",
    [({}, False, ["wf_place", "wf_owner"]), ({"owner": False}, False, ["wf_place", "wf_owner", "wf_vve"]),
     ({"owner": True}, False, ["wf_place", "wf_owner", "wf_income"]),
     ({"owner": "unknown"}, False, ["wf_place", "wf_owner", "wf_income"]), ({"place": "Saba"}, True, ["wf_place"])],
)
def test_a_question_is_asked_only_when_its_condition_holds(checks, answers, on_island, expected):
    assert still_to_ask(checks.questions["warmtefonds"], answers, on_island) == expected


def test_the_year_asked_for_is_used_when_there_are_rules_for_it(checks):
    assert checks.year_for("huurtoeslag", "2025") == 2025
    assert checks.year_for("huurtoeslag", "1999") == checks.default_year("huurtoeslag")
    assert checks.year_for("huurtoeslag", None) == checks.default_year("huurtoeslag")


def test_the_default_year_is_this_year_or_the_latest_known(checks):
    import datetime as dt

    assert checks.default_year("huurtoeslag", dt.date(2025, 6, 1)) == 2025
    assert checks.default_year("huurtoeslag", dt.date(2031, 6, 1)) == 2026


def test_on_an_island_the_check_answers_with_the_topic_the_knowledge_base_names(checks, knowledge):
    result = checks.run(checks.from_answers("huurtoeslag", {}, year=2026, island="saba"))
    assert result.eligible is False
    assert result.details["instead"] == knowledge.topic("huurtoeslag").instead_in["caribisch_nederland"]


@pytest.mark.parametrize("slot", [{"x": 1}, ["saba"], 5, "atlantis", "bonaire"])
def test_an_island_slot_is_used_only_when_it_names_an_island(checks, slot):
    case = checks.from_answers("huurtoeslag", {}, year=2026, island=slot)
    assert case.island == ("bonaire" if slot == "bonaire" else None)

"""The entitlement case tables (tests/cases/*.yml), through `loket check`'s own code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.entitlements.huurtoeslag import HuurtoeslagCase
from bot.entitlements.service import (
    Checks,
    InvalidAnswer,
    find_island,
    parse_amount,
    parse_yes_no,
    result_json,
    result_text,
)
from bot.entitlements.warmtefonds import WarmtefondsCase

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


@pytest.mark.parametrize("row", table("huurtoeslag"), ids=lambda row: f"{row['year']}-{row.get('age')}-{row['reason']}")
def test_huurtoeslag_case(checks, knowledge, row):
    case = HuurtoeslagCase(
        year=row["year"], age=row.get("age"), rent=parse_amount("rent", row.get("rent")),
        assets=parse_amount("assets", row.get("assets")), partner=parse_yes_no("partner", row.get("partner")),
        independent=parse_yes_no("independent", row.get("independent")),
        registered=parse_yes_no("registered", row.get("registered")),
        lawful_residence=parse_yes_no("residence", row.get("residence")),
        island=find_island(knowledge, row.get("place")),
    )
    result = checks.huurtoeslag(case)
    assert result.eligible is row["expect"]
    deciding(result, row["reason"])
    assert all(reason.source.title for reason in result.reasons)


@pytest.mark.parametrize("row", table("warmtefonds"), ids=lambda row: f"{row.get('place')}-{row['reason']}")
def test_warmtefonds_case(checks, knowledge, row):
    case = WarmtefondsCase(
        income=parse_amount("income", row.get("income")), owner=parse_yes_no("owner", row.get("owner")),
        vve=parse_yes_no("vve", row.get("vve")), place=row.get("place"),
        island=find_island(knowledge, row.get("place")),
    )
    result = checks.warmtefonds(case)
    assert result.eligible is row["expect"]
    deciding(result, row["reason"])
    if "zero_interest" in row:
        assert result.details["zero_interest"] is row["zero_interest"]


def test_a_missing_field_gives_null_and_names_the_field(checks):
    result = result_json(checks.huurtoeslag(HuurtoeslagCase(year=2026, age=30)), "en")
    assert result["eligible"] is None
    assert "assets" in result["missing"] or "partner" in result["missing"]
    assert {"rule", "text", "source"} <= set(result["reasons"][0])


def test_what_changed_between_years_is_named(checks):
    case = HuurtoeslagCase(year=2026, age=21, rent=parse_amount("rent", "600"), assets=parse_amount("assets", "0"),
                           partner=False, independent=True, registered=True, lawful_residence=True)
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

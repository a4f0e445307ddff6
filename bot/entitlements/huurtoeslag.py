"""The huurtoeslag check for each year of knowledge/rules/huurtoeslag.yml, with a reason
and source per rule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from bot.entitlements.model import (
    FAIL,
    INFO,
    MISSING,
    PASS,
    Change,
    CheckResult,
    Money,
    Reason,
    outcome_of,
)
from bot.entitlements.params import Parameter
from bot.i18n import N_


@dataclass(frozen=True)
class HuurtoeslagCase:
    year: int
    age: int | None = None
    rent: Decimal | None = None  # monthly, euros
    assets: Decimal | None = None  # on 1 January, euros
    partner: bool | None = None
    independent: bool | None = None  # own front door, kitchen, toilet and shower
    registered: bool | None = None  # everyone registered at the address
    residence: bool | None = None  # Dutch nationality or lawful residence
    island: str | None = None  # bonaire, sint_eustatius, saba: the scheme does not apply


def years(rules: dict[str, Any]) -> list[int]:
    return sorted(int(year) for year in rules["years"])


def _yes_no(rule: str, answer: bool | None, source: Parameter, yes: str, no: str, ask: str) -> Reason:
    if answer is None:
        return Reason(rule, MISSING, ask, {}, source.source)
    return Reason(rule, PASS if answer else FAIL, yes if answer else no, {}, source.source)


def check_huurtoeslag(case: HuurtoeslagCase, rules: dict[str, Any], island_source: Parameter | None = None,
                      island_name: str = "", instead: str | None = None) -> CheckResult:
    """`island_source` says where the scheme does not apply; `instead` is the topic that
    answers for the island (the huurtoeslag topic's `instead_in`)."""
    if case.year not in years(rules):
        raise ValueError(f"no huurtoeslag rules for {case.year}; Loket knows {years(rules)}")
    common, p = rules["common"], rules["years"][case.year]
    if case.island is not None and island_source is not None:
        reason = Reason("place", FAIL, N_("Huurtoeslag does not apply on {island}; the island has its own rent "
                                         "support."), {"island": island_name}, island_source.source)
        return CheckResult("huurtoeslag", False, [reason], case.year, details={"instead": instead} if instead else {})
    reasons: list[Reason] = []
    min_age = common["min_age"]
    if case.age is None:
        reasons.append(Reason("age", MISSING, N_("Your age is needed."), {}, min_age.source))
    elif case.age < min_age.value:
        reasons.append(Reason("age", FAIL, N_("You must be {min_age} or older (there are exceptions; ask "
                                             "Dienst Toeslagen)."), {"min_age": min_age.value}, min_age.source))
    else:
        reasons.append(Reason("age", PASS, N_("You are {min_age} or older."), {"min_age": min_age.value},
                              min_age.source))
    reasons.append(_yes_no(
        "registered", case.registered, common["registered"],
        N_("Everyone living in the home is registered at the address."),
        N_("Everyone living in the home must be registered at the address."),
        N_("Whether everyone in the home is registered at the address is needed."),
    ))
    reasons.append(_yes_no(
        "lawful_residence", case.residence, common["lawful_residence"],
        N_("You have Dutch nationality or a valid residence permit."),
        N_("You need Dutch nationality or a valid residence permit."),
        N_("Whether you have Dutch nationality or a residence permit is needed."),
    ))
    shower = common["own_shower_since"]
    reasons.append(_yes_no(
        "independent", case.independent, common["independent"],
        N_("Your home is independent: own front door, kitchen, toilet and shower."),
        N_("Huurtoeslag is only for an independent home: own front door, kitchen, toilet and, since {since}, "
          "own shower."),
        N_("Whether your home has its own front door, kitchen, toilet and shower is needed."),
    ))
    if reasons[-1].outcome == FAIL:
        reasons[-1] = replace(reasons[-1], values={"since": shower.value}, source=shower.source)
    reasons.append(_rent_reason(case, p, common))
    reasons.append(_asset_reason(case, p))
    service = p["service_costs_count"]
    reasons.append(Reason(
        "service_costs", INFO,
        N_("In {year} part of your service costs counts for huurtoeslag.") if service.value
        else N_("From {year} service costs no longer count for huurtoeslag."),
        {"year": case.year}, service.source,
    ))
    calculation = rules["proefberekening"]
    reasons.append(Reason("amount", INFO, N_("Loket does not calculate an amount. Do the official trial calculation "
                                            "at {site}."), {"site": calculation.value}, calculation.source))
    return CheckResult("huurtoeslag", outcome_of(reasons), reasons, case.year)


def _rent_reason(case: HuurtoeslagCase, p: dict[str, Parameter], common: dict[str, Parameter]) -> Reason:
    youth = case.age is not None and common["min_age"].value <= case.age <= p["youth_max_age"].value
    limit, is_condition = (p["youth_max_rent"], p["youth_limit_is_condition"]) if youth else (
        p["max_rent"], p["max_rent_is_condition"])
    values = {"limit": Money(Decimal(str(limit.value))), "year": case.year, "age": p["youth_max_age"].value}
    if case.rent is None:
        if is_condition.value:
            return Reason("rent", MISSING, N_("Your monthly rent is needed."), values, limit.source)
        if youth:
            return Reason("rent", INFO, N_("From {year} a high rent no longer rules you out; for young people up to "
                                          "{age}, rent above {limit} counts only up to that amount."), values,
                          limit.source)
        return Reason("rent", INFO, N_("From {year} a high rent no longer rules you out; rent above {limit} "
                                      "counts only up to that amount."), values, is_condition.source)
    values["rent"] = Money(case.rent)
    if case.age is None and is_condition.value and case.rent > Decimal(str(p["youth_max_rent"].value)):
        return Reason("rent", MISSING, N_("Your age is needed to know which rent limit applies."), values,
                      limit.source)
    if case.rent <= Decimal(str(limit.value)):
        message = N_("Your rent of {rent} is within the limit of {limit} for young people up to {age}.") if youth \
            else N_("Your rent of {rent} is within the limit of {limit}.")
        return Reason("rent", PASS, message, values, limit.source)
    if is_condition.value:
        message = N_("Your rent of {rent} is above the limit of {limit} for young people up to {age} in "
                    "{year}.") if youth else N_("Your rent of {rent} is above the limit of {limit} in {year}.")
        return Reason("rent", FAIL, message, values, limit.source)
    if youth:
        return Reason("rent", INFO, N_("Your rent of {rent} is above {limit}, the limit for young people up to {age}: "
                                      "since {year} that is no longer a reason to refuse, but only rent up to {limit} "
                                      "counts."), values, limit.source)
    return Reason("rent", INFO, N_("Your rent of {rent} is above {limit}: since {year} that is no longer a "
                                  "reason to refuse, but only rent up to {limit} counts."), values,
                  is_condition.source)


def _asset_reason(case: HuurtoeslagCase, p: dict[str, Parameter]) -> Reason:
    if case.partner is None:
        return Reason("partner", MISSING, N_("Whether you have a partner is needed (the asset limit depends on "
                                            "it)."), {}, p["asset_limit_single"].source)
    limit = p["asset_limit_partners"] if case.partner else p["asset_limit_single"]
    values = {"limit": Money(Decimal(str(limit.value))), "year": case.year}
    if case.assets is None:
        return Reason("assets", MISSING, N_("Your savings and assets on 1 January are needed."), values,
                      limit.source)
    values["assets"] = Money(case.assets)
    if case.assets <= Decimal(str(limit.value)):
        message = N_("Your assets of {assets} are within the limit of {limit} for partners together.") \
            if case.partner else N_("Your assets of {assets} are within the limit of {limit} for a single person.")
        return Reason("assets", PASS, message, values, limit.source)
    message = N_("Your assets of {assets} are above the limit of {limit} for partners together in {year}.") \
        if case.partner else N_("Your assets of {assets} are above the limit of {limit} for a single person in "
                               "{year}.")
    return Reason("assets", FAIL, message, values, limit.source)


def check_over_years(case: HuurtoeslagCase, rules: dict[str, Any]) -> CheckResult:
    """The check for the case's year, with the outcome in every year and what changed
    for this person from one year to the next."""
    results = {year: check_huurtoeslag(replace(case, year=year), rules) for year in years(rules)}
    result = results[case.year] if case.year in results else check_huurtoeslag(case, rules)
    ordered = [results[year] for year in sorted(results)]
    for before, after in zip(ordered, ordered[1:], strict=False):
        old = {reason.rule: reason for reason in before.reasons}
        for reason in after.reasons:
            previous = old.get(reason.rule)
            if previous and (previous.outcome, previous.message) != (reason.outcome, reason.message):
                result.changes.append(Change(reason.rule, before.year or 0, after.year or 0, previous, reason))
    result.details["by_year"] = {year: results[year].eligible for year in sorted(results)}
    return result

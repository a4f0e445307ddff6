"""The Warmtefonds Energiebespaarlening check, with a reason and source per rule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.entitlements.model import FAIL, INFO, MISSING, PASS, CheckResult, Money, Reason, outcome_of
from bot.entitlements.params import Parameter
from bot.i18n import N_


@dataclass(frozen=True)
class WarmtefondsCase:
    income: Decimal | None = None  # combined verzamelinkomen of you and your partner, per year
    owner: bool | None = None  # you own the home you live in
    vve: bool | None = None  # asking for an owners' association (VvE)
    place: str | None = None  # where the home is
    island: str | None = None  # set when the place is Bonaire, Sint Eustatius or Saba


def _money(parameter: Parameter) -> Money:
    return Money(Decimal(str(parameter.value)))


def check_warmtefonds(case: WarmtefondsCase, rules: dict[str, Any], place_name: str = "") -> CheckResult:
    reasons: list[Reason] = []
    applies = rules["applies_in"]
    if case.place is None and case.island is None:
        reasons.append(Reason("place", MISSING, N_("Where the home is, is needed."), {}, applies.source))
    elif case.island is not None:
        reasons.append(Reason("place", FAIL, N_("Loket knows of no Energiebespaarlening on {place}: the Warmtefonds "
                                               "lends for homes in the European Netherlands."),
                              {"place": place_name or case.island}, applies.source))
    else:
        reasons.append(Reason("place", PASS, N_("The home is in the European Netherlands."), {}, applies.source))

    details: dict[str, object] = {}
    if case.owner is None and case.vve is None:
        reasons.append(Reason("owner", MISSING, N_("Whether you own the home, or ask for a VvE, is needed."), {},
                              rules["owner_loan_max"].source))
    elif not case.owner and not case.vve:
        reasons.append(Reason("owner", FAIL, N_("The Energiebespaarlening is for owners who live in the home and "
                                               "for owners' associations (VvE), not for tenants."), {},
                              rules["owner_loan_max"].source))
    if case.owner:
        reasons.append(Reason("owner", PASS, N_("As an owner who lives in the home you can borrow {min} to {max}."),
                              {"min": _money(rules["owner_loan_min"]), "max": _money(rules["owner_loan_max"])},
                              rules["owner_loan_max"].source))
        reasons.append(_income_reason(case, rules, details))
    if case.vve:
        reasons.append(Reason(
            "vve", PASS,
            N_("A VvE can borrow {min} to {max}, at most {per_home} per home; VvE's from {small} homes can apply."),
            {"min": _money(rules["vve_loan_min"]), "max": _money(rules["vve_loan_max"]),
             "per_home": _money(rules["vve_max_per_home"]), "small": rules["small_vve_min_homes"].value},
            rules["vve_loan_max"].source,
        ))
    plan = rules["planned_2024"]
    reasons.append(Reason("planned_2024", INFO, N_("The 2024 budget planned a higher income limit for 0% interest "
                                                  "and an interest discount for VvE's; Loket could not confirm "
                                                  "either."), {}, plan.source))
    return CheckResult("warmtefonds", outcome_of(reasons), reasons, details=details)


def _income_reason(case: WarmtefondsCase, rules: dict[str, Any], details: dict[str, object]) -> Reason:
    limit = rules["zero_rate_income_limit"]
    values = {"limit": _money(limit)}
    if case.income is None:
        details["zero_interest"] = None
        return Reason("income", MISSING, N_("Your combined income (verzamelinkomen) is needed to know about 0% "
                                           "interest."), values, limit.source)
    values["income"] = Money(case.income)
    details["zero_interest"] = case.income <= Decimal(str(limit.value))
    if details["zero_interest"]:
        return Reason("income", PASS, N_("With a combined income of {income}, at most {limit}, you pay no "
                                        "interest (0%)."), values, limit.source)
    return Reason("income", INFO, N_("With a combined income of {income}, above {limit}, you pay the normal "
                                    "interest."), values, limit.source)

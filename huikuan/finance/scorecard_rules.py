"""Reward and penalty rules (奖惩规则) applied to one person's month. Pure; no ORM.

A rule reads one metric's value as the scorecard shows it (rounded: percentages to 0.01), so
that a value exactly at a threshold fires it: 95.00 reaches "≥ 95".

- ``tiered``: the tiers are (threshold, amount) pairs; the best tier the value reaches pays its
  amount, and only that one. With ≥ or > the best is the highest threshold reached (collection
  rate ≥ 95 → 1,000, ≥ 90 → 500: 96 pays 1,000); with ≤ or < the lowest (overdue ratio
  ≤ 5 → 300, ≤ 10 → 100: 4 pays 300). A deduction is a negative amount (overdue ratio > 15 →
  −300).
- ``per_unit``: each whole ``unit`` of the value pays ``amount`` (20 per 10,000 collected:
  25,000 pays 40).

A metric without a value (nothing to divide by) fires nothing. Amounts are in the functional
currency, whole cents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.core.money import is_whole_cents

# Metrics where less is better: a target is met at or below it.
LOWER_IS_BETTER = frozenset({"overdue_ratio"})
COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "gte": lambda value, threshold: value >= threshold,
    "gt": lambda value, threshold: value > threshold,
    "lte": lambda value, threshold: value <= threshold,
    "lt": lambda value, threshold: value < threshold,
}


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the evaluation reads it (from a ``ScorecardRule`` row)."""

    code: str
    name: str
    metric: str
    kind: str
    comparison: str = "gte"
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()
    unit: Decimal | None = None
    amount: Decimal | None = None
    role: str = ""

    def applies_to(self, role: str) -> bool:
        return not self.role or self.role == role


def target_met(metric: str, value: Decimal | None, target: Decimal | None) -> bool | None:
    """Whether ``value`` meets ``target`` (at or above it; at or below for the overdue ratio);
    None when either is missing."""
    if value is None or target is None:
        return None
    return value <= target if metric in LOWER_IS_BETTER else value >= target


def rule_fire(rule: RuleSpec, value: Decimal | None) -> dict | None:
    """What ``rule`` pays for ``value``: {"code", "name", "metric", "value", "threshold" or
    "unit", "amount"} with decimal strings, or None when it does not fire."""
    if value is None:
        return None
    fired = {"code": rule.code, "name": rule.name, "metric": rule.metric, "value": str(value)}
    if rule.kind == "per_unit":
        if not rule.unit or rule.amount is None:
            return None
        units = int(value // rule.unit) if value > 0 else 0
        if units == 0:
            return None
        return fired | {"unit": str(rule.unit), "units": units, "amount": str(rule.amount * units)}
    compare = COMPARE[rule.comparison]
    reached = [(threshold, amount) for threshold, amount in rule.tiers if compare(value, threshold)]
    if not reached:
        return None
    pick = max if rule.comparison in ("gte", "gt") else min
    threshold, amount = pick(reached, key=lambda tier: tier[0])
    return fired | {"threshold": str(threshold), "amount": str(amount)}


def rules_apply(
    rules: Sequence[RuleSpec], role: str, values: dict[str, Decimal | None]
) -> tuple[list[dict], Decimal]:
    """Every rule of ``role`` that fires on these values, and the sum of their amounts."""
    fired = []
    for rule in rules:
        if rule.applies_to(role):
            result = rule_fire(rule, values.get(rule.metric))
            if result is not None:
                fired.append(result)
    return fired, sum((Decimal(item["amount"]) for item in fired), Decimal(0))


def _decimal(text: object, what: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise RuleViolation(_("%(what)s: %(text)r is not a number") % {"what": what, "text": text}) from None
    if not value.is_finite():
        raise RuleViolation(_("%(what)s: %(text)r is not a number") % {"what": what, "text": text})
    return value


def tiers_parse(text: str) -> list[tuple[Decimal, Decimal]]:
    """``"95: 1000; 90: 500"`` → [(95, 1000), (90, 500)]: what the rules editor accepts."""
    tiers = []
    for part in text.replace("；", ";").replace("：", ":").split(";"):
        if not part.strip():
            continue
        threshold, sep, amount = part.partition(":")
        if not sep:
            raise RuleViolation(
                _("a tier is written threshold: amount, e.g. 95: 1000; not %(part)r") % {"part": part.strip()}
            )
        tiers.append((_decimal(threshold, _("threshold")), _decimal(amount, _("amount"))))
    return tiers


def tiers_text(tiers: Sequence[Sequence[object]]) -> str:
    return "; ".join(f"{threshold}: {amount}" for threshold, amount in tiers)


def rule_check(
    *, kind: str, comparison: str, tiers: Sequence[tuple[Decimal, Decimal]], unit: Decimal | None, amount
) -> None:
    """Refuse a rule that could not be applied: tiers without any, amounts not in whole cents,
    the same threshold twice, a unit that is not positive."""
    if kind == "tiered":
        if not tiers:
            raise RuleViolation(_("a tiered rule needs at least one tier"))
        if comparison not in COMPARE:
            raise RuleViolation(_("unknown comparison %(comparison)r") % {"comparison": comparison})
        thresholds = [threshold for threshold, _amount in tiers]
        if len(set(thresholds)) != len(thresholds):
            raise RuleViolation(_("two tiers have the same threshold"))
        for _threshold, tier_amount in tiers:
            if not is_whole_cents(tier_amount):
                raise RuleViolation(_("amounts are in whole cents: %(amount)s") % {"amount": tier_amount})
    elif kind == "per_unit":
        if unit is None or unit <= 0:
            raise RuleViolation(_("a per-unit rule needs a positive unit"))
        if amount is None or not is_whole_cents(amount):
            raise RuleViolation(_("a per-unit rule needs an amount in whole cents"))
    else:
        raise RuleViolation(_("unknown kind of rule %(kind)r") % {"kind": kind})

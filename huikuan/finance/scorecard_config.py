"""Editing the scorecards' targets and reward/penalty rules: a credit manager's or an admin's
work (``scorecard.configure``), each change in the audit trail (the models are registered).

The defaults (``DEFAULT_TARGETS``, ``DEFAULT_RULES``) are seeded once by the migration; after
that every number is data, changed on the rules page, the admin or here.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.finance.scorecard_models import (
    Comparison,
    RuleKind,
    ScorecardMetric,
    ScorecardRole,
    ScorecardRule,
    ScorecardTarget,
)
from huikuan.finance.scorecard_rules import rule_check

# The company's default targets, each from a seed (/work/shared/seeds):
DEFAULT_TARGETS = {
    # seed 004 §二 目标一 "提高帳款回收率至95%以上" (and §五 評估標準一 "達到或超過95%").
    "collection_rate": Decimal("95.00"),
    # seed 000 §1.1 目标 "六个月内,清理逾期账款比例不低于30%" — 5% of the overdue balance a month.
    "clearance_rate": Decimal("5.00"),
    # seed 000 §2.1 现状 "逾期账款占总应收账款的比例达到15%" is the problem: at most 10%.
    "overdue_ratio": Decimal("10.00"),
    # Not a seed number: most promises are kept (an example to edit).
    "promises_kept": Decimal("80.00"),
    # seed 001 PART03 效率优化指标 "单人月度处理工单量从120件增至180件": 180 actions a month.
    "actions_done": Decimal("180"),
}
DEFAULT_RULES = (
    # seed 001 PART05 "将回款率、逾期账款下降比例等指标纳入KPI,并设置阶梯式奖金" with seed 004's
    # 95% goal: 阶梯式奖金 ≥ 95% → 1,000.00, ≥ 90% → 500.00 (the amounts are examples to edit).
    {
        "code": "collection-rate-tiers",
        "name": "回款率阶梯奖金",
        "metric": "collection_rate",
        "kind": "tiered",
        "comparison": "gte",
        "tiers": [["95.00", "1000.00"], ["90.00", "500.00"]],
        "position": 10,
    },
    # seed 003 §06 "对于违反回款管理规定的员工,根据情节轻重给…" and seed 000's 15% overdue
    # ratio as the line not to cross: a deduction of 300.00 above it.
    {
        "code": "overdue-ratio-deduction",
        "name": "逾期比例超标扣款",
        "metric": "overdue_ratio",
        "kind": "tiered",
        "comparison": "gt",
        "tiers": [["15.00", "-300.00"]],
        "position": 20,
    },
    # seed 000 §1.1 "六个月内,清理逾期账款比例不低于30%": a collector's clearance bonus at 5% a month.
    {
        "code": "clearance-bonus",
        "name": "清欠奖金",
        "role": "collector",
        "metric": "clearance_rate",
        "kind": "tiered",
        "comparison": "gte",
        "tiers": [["5.00", "300.00"]],
        "position": 30,
    },
    # Not in the seeds: a bonus per 10,000 collected, seeded inactive as an example.
    {
        "code": "collected-per-10000",
        "name": "每回款一万元奖励",
        "role": "salesperson",
        "metric": "collected",
        "kind": "per_unit",
        "unit": Decimal("10000.00"),
        "amount": Decimal("20.00"),
        "active": False,
        "position": 40,
    },
)


def scorecard_defaults_install(*, apps=None) -> int:
    """Seed the default targets and rules where there are none; returns how many rows."""
    target_model = apps.get_model("finance", "ScorecardTarget") if apps else ScorecardTarget
    rule_model = apps.get_model("finance", "ScorecardRule") if apps else ScorecardRule
    created = 0
    if not target_model.objects.exists():
        for metric, value in DEFAULT_TARGETS.items():
            target_model.objects.create(metric=metric, person="", value=value, updated_by="default")
            created += 1
    if not rule_model.objects.exists():
        for rule in DEFAULT_RULES:
            rule_model.objects.create(updated_by="default", **rule)
            created += 1
    return created


@transaction.atomic
def scorecard_target_set(
    *, metric: str, value: Decimal | None, person: str = "", updated_by: str = ""
) -> ScorecardTarget | None:
    """Set a metric's target, the company's default (``person`` blank) or one person's; a
    person's target set to None is removed (the default applies again)."""
    if metric not in ScorecardMetric.values:
        raise RuleViolation(_("unknown metric %(metric)r") % {"metric": metric})
    person = person.strip()
    if value is None:
        if not person:
            raise RuleViolation(_("the company's default target of a metric cannot be removed"))
        for target in ScorecardTarget.objects.filter(metric=metric, person=person):
            target.delete()  # one by one: each deletion in the audit trail
        return None
    if value < 0:
        raise RuleViolation(_("a target is not negative"))
    target, _created = ScorecardTarget.objects.update_or_create(
        metric=metric, person=person, defaults={"value": value, "updated_by": updated_by}
    )
    return target


def _new_code(metric: str, kind: str) -> str:
    number = ScorecardRule.objects.count() + 1
    while ScorecardRule.objects.filter(code=slugify(f"{metric}-{kind}-{number}")).exists():
        number += 1
    return slugify(f"{metric}-{kind}-{number}")


@transaction.atomic
def scorecard_rule_save(
    *,
    name: str,
    metric: str,
    kind: str,
    code: str = "",
    role: str = "",
    comparison: str = Comparison.GTE,
    tiers: list[tuple[Decimal, Decimal]] | None = None,
    unit: Decimal | None = None,
    amount: Decimal | None = None,
    active: bool = True,
    position: int = 100,
    updated_by: str = "",
) -> ScorecardRule:
    """Create a rule, or change the rule of ``code``; refused when it could not be applied."""
    name = name.strip()
    if not name:
        raise RuleViolation(_("a rule needs a name"))
    if metric not in ScorecardMetric.values:
        raise RuleViolation(_("unknown metric %(metric)r") % {"metric": metric})
    if role and role not in ScorecardRole.values:
        raise RuleViolation(_("unknown role %(role)r") % {"role": role})
    if kind not in RuleKind.values:
        raise RuleViolation(_("unknown kind of rule %(kind)r") % {"kind": kind})
    tiers = list(tiers or [])
    rule_check(kind=kind, comparison=comparison, tiers=tiers, unit=unit, amount=amount)
    code = code.strip() or _new_code(metric, kind)
    fields = {
        "name": name,
        "role": role,
        "metric": metric,
        "kind": kind,
        "comparison": comparison,
        "tiers": [[str(t), str(a)] for t, a in tiers] if kind == RuleKind.TIERED else [],
        "unit": unit if kind == RuleKind.PER_UNIT else None,
        "amount": amount if kind == RuleKind.PER_UNIT else None,
        "active": active,
        "position": position,
        "updated_by": updated_by,
    }
    rule = ScorecardRule.objects.filter(code=code).first()
    if rule is None:
        return ScorecardRule.objects.create(code=code, **fields)
    for key, value in fields.items():
        setattr(rule, key, value)
    rule.save()
    return rule

"""Benchmark gross margins per department or product line (财务根据产品定利润率基准值): finance
sets them; the profitability score of a customer uses its department's, else the company's."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set, policy_value

BENCHMARKS = "CREDIT_BENCHMARK_MARGIN_BY_DEPARTMENT"


def benchmarks_by_department(stored: dict | None = None) -> dict[str, Decimal]:
    """The benchmark margins by department (or product line), as decimals."""
    stored = policy_value(BENCHMARKS) if stored is None else stored
    return {str(name): Decimal(str(value)) for name, value in (stored or {}).items()}


@transaction.atomic
def benchmark_margin_set(*, department: str, margin: Decimal, updated_by: str = "") -> dict[str, Decimal]:
    """Set the benchmark gross margin of a department or product line (a fraction, 0 < m ≤ 1)."""
    department = department.strip()
    if not department or len(department) > 150:
        raise RuleViolation(_("A benchmark needs its department or product line (at most 150 characters)."))
    if not margin.is_finite() or margin <= 0 or margin > 1:
        raise RuleViolation(
            _("A benchmark margin is a fraction above 0 and at most 1 (0.25 for 25%%); got %(value)s")
            % {"value": margin}
        )
    values = benchmarks_by_department()
    values[department] = margin
    policy_set(key=BENCHMARKS, value={k: str(v) for k, v in sorted(values.items())}, updated_by=updated_by)
    return values


@transaction.atomic
def benchmark_margin_remove(*, department: str, updated_by: str = "") -> dict[str, Decimal]:
    """Remove a department's benchmark: it uses the company's again."""
    values = benchmarks_by_department()
    if values.pop(department, None) is None:
        raise RuleViolation(_("No benchmark is set for %(name)s.") % {"name": department})
    policy_set(key=BENCHMARKS, value={k: str(v) for k, v in sorted(values.items())}, updated_by=updated_by)
    return values

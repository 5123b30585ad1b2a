"""The KPI report for a period, by any grouping, as of any past date (the one selector the
command line, the API and the web page call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.credit import figures as credit_figures
from huikuan.finance import figures
from huikuan.finance.kpis import ZERO, KpiFigures, kpi_values
from huikuan.ledger.models import Customer
from huikuan.reporting.selectors import aging_report

KPI_GROUPINGS = ("company", "department", "salesperson", "collector", "class", "currency")
COMPANY_KEY = "company"
# A customer's KPIs count for the department, salesperson, collector and class of its master data.
_CUSTOMER_ATTRIBUTE = {
    "company": None,
    "department": "department",
    "salesperson": "salesperson",
    "collector": "collector",
    "class": "credit_class",
}


def countback_month_starts(last_day: date, months: int) -> list[date]:
    """First days of the countback months, latest first; the latest month ends on ``last_day``."""
    starts, start = [], last_day.replace(day=1)
    for _ in range(months):
        starts.append(start)
        start = (start - timedelta(days=1)).replace(day=1)
    return starts


def month_days(last_day: date, starts: list[date]) -> list[int]:
    ends = [last_day, *(start - timedelta(days=1) for start in starts[:-1])]
    return [(end - start).days + 1 for start, end in zip(starts, ends, strict=True)]


@dataclass
class KpiRow:
    key: str
    name: str
    figures: KpiFigures

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, **kpi_values(self.figures)}


@dataclass
class KpiReport:
    first_day: date
    last_day: date
    group_by: str
    rows: list[KpiRow]
    total: KpiFigures

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def as_dict(self) -> dict:
        return {
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "days": self.days,
            "group_by": self.group_by,
            "rows": [row.as_dict() for row in self.rows],
            "total": kpi_values(self.total),
        }


def _countback_sales(groups: dict, figures_of, starts: list[date], last_day: date, by: str) -> None:
    """Each group's monthly credit sales, from the latest month back, only as far as some
    group's ending AR is not yet covered by its sales (the countback reads no further)."""
    done, size = 0, 3
    while done < len(starts):
        chunk = starts[done : done + size]
        chunk_end = last_day if done == 0 else starts[done - 1] - timedelta(days=1)
        for (key, index), amount in figures.month_sales(
            month_starts=chunk, last_day=chunk_end, by=by
        ).items():
            target = figures_of(key)
            target.months = target.months + [ZERO] * (len(starts) - len(target.months))
            target.months[done + index] += amount
        done += len(chunk)
        size *= 2
        if all(sum(g.months, ZERO) >= g.ending_ar for g in groups.values()):
            break


def kpi_report(
    *, first_day: date, last_day: date, group_by: str = "company", countback: bool = True
) -> KpiReport:
    """The KPIs of the period ``first_day`` … ``last_day`` (both included) per group.

    ``countback=False`` skips reading the months of sales behind the countback DSO (the
    clearance plan's weekly points need the other KPIs only); that DSO is then meaningless."""
    if group_by not in KPI_GROUPINGS:
        raise RuleViolation(f"group by one of {', '.join(KPI_GROUPINGS)}, not {group_by!r}")
    if first_day > last_day:
        raise RuleViolation(f"the period starts ({first_day}) after it ends ({last_day})")
    days = (last_day - first_day).days + 1
    starts = countback_month_starts(last_day, int(policy_value("KPI_COUNTBACK_MONTHS")))
    lengths = month_days(last_day, starts)
    by = "currency" if group_by == "currency" else "customer"

    # Which group each figure's key (customer id, customer code or currency) belongs to.
    group_of: dict[object, str] = {}
    if by == "customer":
        attribute = _CUSTOMER_ATTRIBUTE[group_by]
        for pk, code, value in Customer.objects.values_list("pk", "code", attribute or "code"):
            group = COMPANY_KEY if attribute is None else value
            group_of[pk] = group_of[code] = group

    groups: dict[str, KpiFigures] = {}

    def figures_of(key: object) -> KpiFigures:
        group = str(key or "") if by == "currency" else group_of.get(key, "")
        if group not in groups:
            groups[group] = KpiFigures(days=days, months=[], month_days=lengths)
        return groups[group]

    aging_by = "currency" if by == "currency" else "customer"
    for as_of, attribute in ((first_day - timedelta(days=1), "opening"), (last_day, "ending")):
        for row in aging_report(as_of=as_of, group_by=aging_by).rows:
            target = figures_of(row.key)
            setattr(target, f"{attribute}_ar", getattr(target, f"{attribute}_ar") + row.balance)
            if attribute == "ending":
                target.ending_current_ar += row.buckets["current"]
    period = {"first_day": first_day, "last_day": last_day}
    for key, amount in figures.period_sales(**period, by=by).items():
        figures_of(key).credit_sales += amount
    if countback:
        _countback_sales(groups, figures_of, starts, last_day, by)
    for key, (amount, late, since) in figures.paid(**period, by=by).items():
        figures_of(key).add(KpiFigures(paid=amount, paid_days_late=late, paid_days_from_invoice=since))
    for key, amount in figures.written_off(**period, by=by).items():
        figures_of(key).written_off += amount
    for key, amount in credit_figures.receipts_by_customer(**period, by=by).items():
        figures_of(key).receipts += amount
    for key, (overdue, due) in credit_figures.collectible_by_customer(**period, by=by).items():
        target = figures_of(key)
        target.overdue_at_start += overdue
        target.falling_due += due

    total = KpiFigures(days=days, months=[], month_days=lengths)
    for group_figures in groups.values():
        total.add(group_figures)
    groups = {key: value for key, value in groups.items() if not value.is_empty()}
    if group_by == "company":
        groups.setdefault(COMPANY_KEY, KpiFigures(days=days, months=[], month_days=lengths))
    rows = [KpiRow(key, key, groups[key]) for key in sorted(groups)]
    return KpiReport(first_day, last_day, group_by, rows, total)

"""The metrics of a month's scorecards, per salesperson and per collector.

Every person is scored on the customers assigned to them in the master data (the
``salesperson`` or ``collector`` of the customer), as the KPI report groups them:

- **collection rate 回款率** and **overdue ratio at month end**: the KPI report's
  (``kpi_report(group_by="salesperson" | "collector")``, the same formulas): collected in the
  month ÷ (overdue at its start + falling due in it), and overdue ÷ receivables at its last day.
- **overdue clearance rate 清欠率**: of the balance overdue at the start of the month (the
  collection rate's own "overdue at the start": invoices due before the first day, at their
  balance at the end of the day before), the share collected in the month: payments applied
  (allocations dated in the month) to those invoices ÷ that balance. Credit notes and
  write-offs are not collections. In the functional currency, each item at its own rate.
- **promises kept**: of the promises to pay falling due in the month (promised date in it),
  the share kept (status kept when scored; a promise not yet judged counts as not kept).
- **actions done**: the collection activities (calls, visits, emails, letters, notes) the
  person logged with a date in the month; completing a dunning call task logs one.
- **amount collected**: the collection rate's numerator, in the functional currency.

Percentages are rounded once to 0.01 (as the KPI report does); the rules read these values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count

from huikuan.collections.models import Activity, PromiseStatus, PromiseToPay
from huikuan.core.money import from_minor_units
from huikuan.credit.figures import functional_sql, open_on_or_after
from huikuan.finance import figures
from huikuan.finance.kpis import kpis, percent, rounded
from huikuan.finance.selectors import kpi_report
from huikuan.ledger.models import Customer

ROLES = ("salesperson", "collector")
METRICS = (
    "collection_rate",
    "clearance_rate",
    "overdue_ratio",
    "promises_kept",
    "actions_done",
    "collected",
)
PERCENT_METRICS = ("collection_rate", "clearance_rate", "overdue_ratio", "promises_kept")


@dataclass
class PersonMonth:
    role: str
    person: str
    customers: int = 0
    values: dict[str, Decimal | None] = field(default_factory=lambda: dict.fromkeys(METRICS))


def _as_percent(value: Decimal | None) -> Decimal | None:
    text = rounded(value, "collection_rate")  # percentages to 0.01, half away from zero
    return None if text is None else Decimal(text)


def overdue_collected_by_customer(*, first_day: date, last_day: date) -> dict[int, Decimal]:
    """Per customer: what was applied in the period (allocations) to the invoices overdue at
    its start, in the functional currency at each invoice's rate."""
    params = {"first": figures._day(first_day), "last": figures._day(last_day)}
    invoices = open_on_or_after(
        first_day,
        params,
        "i.id, i.customer_id AS group_key, i.fx_rate",
        where="i.due_date < %(first)s AND i.invoice_date <= %(last)s",
    )
    sql = (
        f"SELECT i.group_key, CAST(SUM({functional_sql('i', 'a.amount')}) AS BIGINT) "
        f"FROM ({invoices}) i JOIN ledger_allocation a ON a.invoice_id = i.id "
        "WHERE a.allocation_date >= %(first)s AND a.allocation_date <= %(last)s GROUP BY i.group_key"
    )
    return {key: from_minor_units(amount) for key, amount in figures._fetch(sql, params)}


def _promises_by_customer(first_day: date, last_day: date) -> dict[int, tuple[int, int]]:
    """Per customer: (promises falling due in the period, of which kept)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for customer_id, status in PromiseToPay.objects.filter(
        promised_date__gte=first_day, promised_date__lte=last_day
    ).values_list("customer_id", "status"):
        counts[customer_id][0] += 1
        counts[customer_id][1] += status == PromiseStatus.KEPT
    return {key: (due, kept) for key, (due, kept) in counts.items()}


def scorecard_values(*, first_day: date, last_day: date) -> list[PersonMonth]:
    """Each salesperson's and collector's metrics for the period (a month), by role and name."""
    assigned = list(Customer.objects.values_list("pk", *ROLES))
    people: dict[tuple[str, str], PersonMonth] = {}
    for _pk, *names in assigned:
        for role, name in zip(ROLES, names, strict=True):
            if name:
                line = people.setdefault((role, name), PersonMonth(role, name))
                line.customers += 1

    cleared = overdue_collected_by_customer(first_day=first_day, last_day=last_day)
    promises = _promises_by_customer(first_day, last_day)
    actions = dict(
        Activity.objects.filter(occurred_on__gte=first_day, occurred_on__lte=last_day)
        .values("user")
        .annotate(done=Count("id"))
        .values_list("user", "done")
    )
    for index, role in enumerate(ROLES):
        person_of = {row[0]: row[1 + index] for row in assigned}
        cleared_by_person: dict[str, Decimal] = defaultdict(Decimal)
        for pk, amount in cleared.items():
            cleared_by_person[person_of.get(pk) or ""] += amount
        for row in kpi_report(first_day=first_day, last_day=last_day, group_by=role).rows:
            line = people.get((role, row.key))
            if line is None:
                continue
            values = kpis(row.figures)
            line.values["collection_rate"] = _as_percent(values["collection_rate"])
            line.values["overdue_ratio"] = _as_percent(values["overdue_ratio"])
            line.values["collected"] = row.figures.receipts
            line.values["clearance_rate"] = _as_percent(
                percent(cleared_by_person[row.key], row.figures.overdue_at_start)
            )
        due_kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for pk, (due, kept) in promises.items():
            name = person_of.get(pk)
            if name:
                due_kept[name][0] += due
                due_kept[name][1] += kept
        for (line_role, name), line in people.items():
            if line_role != role:
                continue
            due, kept = due_kept.get(name, (0, 0))
            line.values["promises_kept"] = _as_percent(percent(Decimal(kept), Decimal(due)))
            line.values["actions_done"] = Decimal(actions.get(name, 0))
            if line.values["collected"] is None:
                line.values["collected"] = Decimal(0)
    return sorted(people.values(), key=lambda line: (ROLES.index(line.role), line.person))

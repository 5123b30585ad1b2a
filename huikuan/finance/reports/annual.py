"""The annual report (年度总结): each target of the year against its actual, with the monthly trend.

The targets are business settings (seed 004's and seed 000's defaults): collection rate at
least 95%, average collection cycle at most 30 days, bad-debt ratio under 1%, overdue
clearance at least 30%. The actuals are the KPI report's for the year (``kpi_report``) and
the overdue clearance (清欠率) of what was overdue at the end of the year before
(collections' ``overdue_clearance``); each month's values show how the year went.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.collections.performance import overdue_clearance
from huikuan.core.exports import Column
from huikuan.core.money import HUNDRED, PERCENT_PLACES, quantize_ratio
from huikuan.core.policy import policy_value
from huikuan.finance.reports.charts import LINE, Chart
from huikuan.finance.reports.document import Figure, ReportDocument, Section, Table, money, number_text
from huikuan.finance.reports.periods import month_bounds
from huikuan.finance.selectors import kpi_report

ZERO = Decimal(0)


@dataclass(frozen=True)
class Target:
    key: str
    setting: str
    label: object
    unit: str
    met: Callable[[Decimal, Decimal], bool]
    sign: str


TARGETS = (
    Target(
        "collection_rate",
        "REPORT_TARGET_COLLECTION_RATE",
        gettext_lazy("collection rate %"),
        "%",
        lambda actual, goal: actual >= goal,
        "≥",
    ),
    Target(
        "collection_cycle",
        "REPORT_TARGET_COLLECTION_CYCLE_DAYS",
        gettext_lazy("collection cycle (days)"),
        "days",
        lambda actual, goal: actual <= goal,
        "≤",
    ),
    Target(
        "bad_debt_ratio",
        "REPORT_TARGET_BAD_DEBT_RATIO",
        gettext_lazy("bad-debt ratio %"),
        "%",
        lambda actual, goal: actual < goal,
        "<",
    ),
    Target(
        "overdue_clearance",
        "REPORT_TARGET_OVERDUE_CLEARANCE",
        gettext_lazy("overdue clearance %"),
        "%",
        lambda actual, goal: actual >= goal,
        "≥",
    ),
)


def clearance_percent(*, start: date, as_of: date) -> str | None:
    """Of what was overdue at the end of ``start``, the share collected up to ``as_of`` (%)."""
    rows = overdue_clearance(start=start, as_of=as_of)
    overdue = sum((row.overdue_at_start for row in rows), ZERO)
    collected = sum((row.collected_since for row in rows), ZERO)
    return None if not overdue else str(quantize_ratio(collected * HUNDRED / overdue, PERCENT_PLACES))


def _actuals(first_day: date, last_day: date, baseline: date) -> dict[str, str | None]:
    values = kpi_report(first_day=first_day, last_day=last_day).as_dict()["total"]
    return {
        "collection_rate": values["collection_rate"],
        "collection_cycle": values["collection_cycle"],
        "bad_debt_ratio": values["bad_debt_ratio"],
        "overdue_clearance": clearance_percent(start=baseline, as_of=last_day),
    }


def annual_report(*, year: int, as_of: date | None = None) -> dict:
    """The year ``year`` up to its end, or up to ``as_of`` when that is within it."""
    first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    if as_of is not None and first_day <= as_of < last_day:
        last_day = as_of
    baseline = first_day - timedelta(days=1)
    actuals = _actuals(first_day, last_day, baseline)
    targets = []
    for target in TARGETS:
        goal = Decimal(policy_value(target.setting))
        actual = actuals[target.key]
        targets.append(
            {
                "key": target.key,
                "target": str(goal),
                "comparison": target.sign,
                "actual": actual,
                "met": None if actual is None else target.met(Decimal(actual), goal),
            }
        )
    months = []
    start = first_day
    while start <= last_day:
        end = min(month_bounds(start)[1], last_day)
        months.append({"month": f"{start:%Y-%m}", **_actuals(start, end, baseline)})
        start = end + timedelta(days=1)
    return {
        "kind": "annual",
        "year": year,
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "targets": targets,
        "months": months,
    }


def annual_document(data: dict) -> ReportDocument:
    by_key = {target.key: target for target in TARGETS}
    months = data["months"]
    labels = [row["month"][5:] for row in months]

    def verdict(row: dict) -> str:
        if row["met"] is None:
            return _("no figure")
        return _("met") if row["met"] else _("missed")

    overview = Section(
        _("Targets against actuals"),
        figures=[
            Figure(
                str(by_key[row["key"]].label),
                number_text(row["actual"]),
                _("target %(sign)s %(goal)s: %(verdict)s")
                % {"sign": row["comparison"], "goal": row["target"], "verdict": verdict(row)},
                row["met"],
            )
            for row in data["targets"]
        ],
        tables=[
            Table(
                _("Targets"),
                [Column(_("KPI")), Column(_("target")), Column(_("actual"), "number"), Column(_("result"))],
                [
                    [
                        str(by_key[r["key"]].label),
                        f"{r['comparison']} {r['target']}",
                        money(r["actual"]),
                        verdict(r),
                    ]
                    for r in data["targets"]
                ],
            ),
        ],
    )
    trend = Section(
        _("Month by month"),
        charts=[
            Chart(
                LINE,
                str(by_key[row["key"]].label),
                labels,
                {_("actual"): [money(month[row["key"]]) for month in months]},
                target=Decimal(row["target"]),
                target_label=_("target"),
            )
            for row in data["targets"]
        ],
        tables=[
            Table(
                _("Each month"),
                [Column(_("month")), *(Column(str(t.label), "number") for t in TARGETS)],
                [[m["month"], *(money(m[t.key]) for t in TARGETS)] for m in months],
            ),
        ],
        note=_(
            "Each month's collection rate, cycle and bad-debt ratio are the month's own; the overdue "
            "clearance runs from the start of the year to the month's end."
        ),
    )
    return ReportDocument(
        "annual",
        _("Annual receivables report %(year)s") % {"year": data["year"]},
        f"{data['from']} – {data['to']}",
        f"annual-report-{data['year']}",
        [overview, trend],
    )

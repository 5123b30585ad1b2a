"""Monthly customer classification (SPEC §5.1, seed 002). Pure; no ORM.

Four scores, each capped at its maximum and rounded once to 2 places (half up):
revenue contribution, profitability, payment credit and industry position. The class is
the first of A, B, C whose thresholds are all met, else D. A month without revenue keeps
last month's revenue and profitability scores; a month with nothing due keeps last month's
payment score; each kept score says so in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop

from huikuan.core.money import quantize_ratio

ITEMS = ("revenue", "profitability", "payment", "industry")
CLASSES_IN_ORDER = ("A", "B", "C")
LOWEST_CLASS = "D"
# Worse classes come later: A < B < C < D.
CLASS_RANK = {"A": 0, "B": 1, "C": 2, "D": 3, "": 4}
SCORE_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.000001")
ZERO = Decimal(0)

# Notes are stored in English and translated when shown (gettext_noop marks them).
NOTE_KEPT = {
    "revenue": gettext_noop("kept last month's revenue score: no revenue in the month"),
    "profitability": gettext_noop("kept last month's profitability score: no revenue in the month"),
    "payment": gettext_noop("kept last month's payment score: nothing due in the month"),
}
NOTE_NO_MARGIN = gettext_noop(
    "kept last month's profitability score: no gross margin on the month's invoices"
)
NOTE_NO_EARLIER = gettext_noop("insufficient data: no earlier score to keep; counted as 0 for the class")
# Items 1 and 4 are market development's (seed 002): without their confirmation, no score.
NOTE_UNCONFIRMED = {
    "industry": gettext_noop(
        "insufficient data: the industry position is not confirmed by market development"
    ),
    "revenue": gettext_noop(
        "insufficient data: the revenue contribution is not confirmed by market development"
    ),
}
# A first evaluation with no history of an item (seed 002): the class is not decided on it.
NOTE_INSUFFICIENT = gettext_noop(
    "insufficient data: no history of an item and no earlier score, so the current class is kept"
)


@dataclass(frozen=True)
class ScoreRules:
    """The settings that score a month (all from ``policy_value``)."""

    maxima: Mapping[str, Decimal]
    thresholds: Mapping[str, Mapping[str, Decimal]]
    revenue_share_base: Decimal
    revenue_factor: Decimal
    benchmark_margin: Decimal
    payment_target_rate: Decimal
    industry_points: Mapping[str, Decimal]
    # By department (or product line); a department not listed uses ``benchmark_margin``.
    benchmark_by_department: Mapping[str, Decimal] = field(default_factory=dict)

    def benchmark_for(self, department: str) -> Decimal:
        return self.benchmark_by_department.get(department, self.benchmark_margin)


def collection_completion_rate(
    *, receipts: Decimal, overdue_at_start: Decimal, falling_due: Decimal
) -> Decimal | None:
    """回款率: receipts in a period / (overdue balance at its start + balance falling due in it).

    The one definition, used by the payment-credit score and by the finance KPIs; unrounded
    (each caller rounds to its own places). None when nothing was collectible.
    """
    collectible = overdue_at_start + falling_due
    if collectible <= 0:
        return None
    return receipts / collectible


@dataclass(frozen=True)
class MonthInputs:
    """What one customer's month is scored from; amounts in the functional currency."""

    customer_revenue: Decimal
    department_revenue: Decimal
    # Revenue of the invoices that carry a gross margin, and that revenue × margin.
    margin_revenue: Decimal
    margin_weighted: Decimal
    receipts: Decimal
    overdue_at_start: Decimal
    falling_due: Decimal
    # None: not confirmed by market development (seed 002: items 1 and 4 are theirs).
    industry_position: str | None
    department: str = ""
    # False: the company wants the revenue contribution confirmed and it is not (for the month).
    revenue_confirmed: bool = True

    @property
    def weighted_margin(self) -> Decimal | None:
        """Revenue-weighted gross margin, 6 places (stored as an input; scored from it)."""
        if self.margin_revenue <= 0:
            return None
        return quantize_ratio(self.margin_weighted / self.margin_revenue, RATE_PLACES)

    @property
    def collectible(self) -> Decimal:
        return self.overdue_at_start + self.falling_due

    @property
    def collection_rate(self) -> Decimal | None:
        rate = collection_completion_rate(
            receipts=self.receipts, overdue_at_start=self.overdue_at_start, falling_due=self.falling_due
        )
        return None if rate is None else quantize_ratio(rate, RATE_PLACES)


@dataclass(frozen=True)
class Scores:
    """The four scores; an item without data (insufficient data) is None, never 0."""

    revenue: Decimal | None
    profitability: Decimal | None
    payment: Decimal | None
    industry: Decimal | None

    @property
    def total(self) -> Decimal:
        """The sum of the items that have a score."""
        return sum((value for value in self.as_dict().values() if value is not None), ZERO)

    def as_dict(self) -> dict[str, Decimal | None]:
        return {item: getattr(self, item) for item in ITEMS}

    def missing(self) -> set[str]:
        return {item for item, value in self.as_dict().items() if value is None}

    def filled(self, value_for_missing: Mapping[str, Decimal] | None = None) -> Scores:
        """The scores with each missing item at ``value_for_missing`` (its maximum), else 0."""
        return Scores(
            **{
                item: (value if value is not None else (value_for_missing or {}).get(item, ZERO))
                for item, value in self.as_dict().items()
            }
        )


@dataclass(frozen=True)
class MonthScore:
    scores: Scores
    proposed_class: str
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.scores.total


def capped(score: Decimal, maximum: Decimal) -> Decimal:
    """The score within 0 … maximum, rounded once to 2 places, half up."""
    return quantize_ratio(min(max(score, ZERO), maximum), SCORE_PLACES)


def revenue_score(*, customer_revenue: Decimal, department_revenue: Decimal, rules: ScoreRules) -> Decimal:
    """(customer's revenue / its department's revenue) / base × factor, capped."""
    share = customer_revenue / department_revenue if department_revenue > 0 else ZERO
    return capped(share / rules.revenue_share_base * rules.revenue_factor, rules.maxima["revenue"])


def profitability_score(*, weighted_margin: Decimal, rules: ScoreRules, department: str = "") -> Decimal:
    """Revenue-weighted gross margin / the benchmark margin of the department (or product line,
    else the company's) × maximum, capped."""
    maximum = rules.maxima["profitability"]
    return capped(weighted_margin / rules.benchmark_for(department) * maximum, maximum)


def payment_score(*, collection_rate: Decimal, rules: ScoreRules) -> Decimal:
    """Collection completion rate / target rate × maximum, capped."""
    maximum = rules.maxima["payment"]
    return capped(collection_rate / rules.payment_target_rate * maximum, maximum)


def industry_score(*, industry_position: str, rules: ScoreRules) -> Decimal:
    points = rules.industry_points.get(industry_position, rules.industry_points.get("", ZERO))
    return capped(Decimal(points), rules.maxima["industry"])


def class_for(scores: Scores, thresholds: Mapping[str, Mapping[str, Decimal]]) -> str:
    """The first of A, B, C whose five thresholds (four items and the total) are all met, else D
    (a missing item counts as 0 here: callers decide what a missing item means)."""
    scores = scores.filled()
    values = {**scores.as_dict(), "total": scores.total}
    for credit_class in CLASSES_IN_ORDER:
        minima = thresholds.get(credit_class)
        if minima and all(values[item] >= Decimal(minima[item]) for item in (*ITEMS, "total")):
            return credit_class
    return LOWEST_CLASS


def score_month(
    inputs: MonthInputs, *, previous: Scores | None, rules: ScoreRules, current_class: str = ""
) -> MonthScore:
    """Score one customer's month; items without data keep ``previous`` (last month's) scores.

    A first evaluation (no ``previous``) of a customer that already has a class, with no
    history of an item, does not decide a class on a missing item: it says "insufficient data"
    and keeps the current class — unless the items it does have data for are by themselves below
    that class (each missing item counted at its maximum), a drop the data shows. A missing
    item's score is None (shown as "insufficient data"), never 0; a customer without a class
    gets the class its other items earn, the missing one counted as 0.
    """
    notes: list[str] = []

    def kept(item: str, note: str) -> Decimal | None:
        notes.append(note)
        earlier = None if previous is None else getattr(previous, item)
        if earlier is None:
            marker = NOTE_INSUFFICIENT if current_class else NOTE_NO_EARLIER
            if marker not in notes:
                notes.append(marker)
        return earlier

    def unconfirmed(item: str) -> None:
        notes.append(NOTE_UNCONFIRMED[item])
        if current_class and NOTE_INSUFFICIENT not in notes:
            notes.append(NOTE_INSUFFICIENT)

    if inputs.customer_revenue > 0:
        revenue = (
            revenue_score(
                customer_revenue=inputs.customer_revenue,
                department_revenue=inputs.department_revenue,
                rules=rules,
            )
            if inputs.revenue_confirmed
            else unconfirmed("revenue")
        )
        margin = inputs.weighted_margin
        if margin is None:
            profitability = kept("profitability", NOTE_NO_MARGIN)
        else:
            profitability = profitability_score(
                weighted_margin=margin, rules=rules, department=inputs.department
            )
    elif not inputs.revenue_confirmed:
        revenue = unconfirmed("revenue")
        profitability = kept("profitability", NOTE_KEPT["profitability"])
    else:
        revenue = kept("revenue", NOTE_KEPT["revenue"])
        profitability = kept("profitability", NOTE_KEPT["profitability"])
    rate = inputs.collection_rate
    if rate is None:
        payment = kept("payment", NOTE_KEPT["payment"])
    else:
        payment = payment_score(collection_rate=rate, rules=rules)
    if inputs.industry_position is None:
        industry = unconfirmed("industry")
    else:
        industry = industry_score(industry_position=inputs.industry_position, rules=rules)
    scores = Scores(revenue=revenue, profitability=profitability, payment=payment, industry=industry)
    proposed = class_for(scores, rules.thresholds)
    if scores.missing() and current_class:
        shown = class_for(scores.filled(rules.maxima), rules.thresholds)
        proposed = shown if is_below(shown, current_class) else current_class
    return MonthScore(scores=scores, proposed_class=proposed, notes=notes)


def is_below(credit_class: str, other: str) -> bool:
    """Whether ``credit_class`` is a worse class than ``other`` (no class counts as worst)."""
    return CLASS_RANK.get(credit_class, 4) > CLASS_RANK.get(other, 4)

"""Features known at scoring time, and only those (SPEC §10: no leakage).

For an invoice scored on day D the features use what the history says happened strictly before
D: invoices issued, falling due and settled before D, disputes opened and promises broken
before D. A payment after D changes nothing of a score for D (a test adds payments after D and
compares). Pure: plain rows in, a matrix out; one pass over each customer's events.

A customer's thin history is smoothed toward the population's as of the same day (an empirical
Bayes prior of ``PRIOR_WEIGHT`` invoices), so that a new customer is neither a saint nor a sinner.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from huikuan.risk.history import History, InvoiceRow

PRIOR_WEIGHT = 5.0
BUCKET_WEIGHT = 2.0  # a due-day, month or amount band's history smoothed toward the customer's
RECENT = 3
RECENT_SHARE = 6
EWMA = 0.3  # the weight of the newest settlement in the moving averages
DUE_DAY_WINDOW = 4  # due days within this many days of the invoice's count as "the same time of month"
LARGE = 1.3  # an invoice above this many times the customer's usual is "large"
CLASS_RANK = {"A": 0, "B": 1, "C": 2, "D": 3}

FEATURES = (
    "history_settled",  # invoices of the customer settled before D
    "late_share",  # their share settled late (smoothed)
    "late_amount_share",  # the share of their amount settled late (smoothed)
    "days_late_mean",  # mean days from due date to settlement (smoothed; early is negative)
    "days_late_recent",  # the same over the last three settled
    "days_late_trend",  # recent minus mean: worsening when positive
    "days_late_ewma",  # days late, exponentially weighted toward the newest settlements
    "late_ewma",  # late or not, the same
    "late_share_recent",  # the share late of the last six settled (smoothed)
    "late_share_same_due_day",  # of the invoices due at the same time of month (payment runs)
    "days_late_same_due_day",
    "late_share_same_month",  # of the invoices due in the same calendar month (seasons)
    "late_share_same_size",  # of the invoices of the same size band (large or usual)
    "days_late_projected",  # the recent days late carried forward along their slope to this due date
    "pay_day_share",  # the share of the customer's settlements on its usual day of the month (a payment run)
    "pay_day_before_due",  # days from that usual day's last occurrence on or before the due date
    "pay_day_after_due",  # days from the due date to its next occurrence
    "days_to_settle_mean",  # mean days from invoice to settlement (smoothed)
    "open_count",  # invoices open at D
    "open_amount_relative",  # their amount over the customer's usual invoice
    "overdue_count",  # invoices past due at D
    "overdue_amount_relative",
    "oldest_overdue_days",  # the days past due of the oldest invoice still open at D
    "terms_days",  # due date minus invoice date
    "amount_log",
    "amount_relative",  # this invoice over the customer's usual invoice
    "disputed",  # a dispute opened on it before D
    "electronic",  # sent electronically (1), on paper (0), not known (-1)
    "days_late_same_billing",  # the customer's days late on invoices sent the same way (smoothed)
    "late_share_same_billing",
    "days_late_same_dispute",  # the customer's days late on invoices disputed (or not) like this one
    "late_share_same_dispute",
    "month",
    "due_month",
    "due_day_of_month",  # a customer that pays at month end is late on a due date before it
    "credit_class",
    "broken_promises",  # promises the customer broke before D
)


@dataclass(frozen=True)
class Target:
    """Score ``invoice`` (an index into the history's invoices) as of ``as_of``."""

    invoice: int
    as_of: date


class _Population:
    """The population's late share and mean days as of any day, from every settlement."""

    def __init__(self, invoices: Sequence[InvoiceRow], grace: int) -> None:
        settled = sorted(
            ((row.closed_on, row) for row in invoices if row.closed_on is not None), key=lambda pair: pair[0]
        )
        self.days = [day for day, _ in settled]
        self.late, self.days_late, self.to_settle = [0], [0.0], [0.0]
        for day, row in settled:
            late = (day - row.due_date).days
            self.late.append(self.late[-1] + (late > grace))
            self.days_late.append(self.days_late[-1] + late)
            self.to_settle.append(self.to_settle[-1] + (day - row.invoice_date).days)

    def at(self, day: date) -> tuple[float, float, float]:
        n = bisect_left(self.days, day)
        if n == 0:
            return 0.3, 0.0, 30.0
        return self.late[n] / n, self.days_late[n] / n, self.to_settle[n] / n


def _smoothed(total: float, count: float, prior: float) -> float:
    return (total + PRIOR_WEIGHT * prior) / (count + PRIOR_WEIGHT)


def features_build(history: History, targets: Sequence[Target], *, grace: int = 0) -> list[list[float]]:
    """One row of ``FEATURES`` per target, in the targets' order."""
    invoices = history.invoices
    population = _Population(invoices, grace)
    by_customer: dict[int, list[int]] = {}
    for index, target in enumerate(targets):
        by_customer.setdefault(invoices[target.invoice].customer_id, []).append(index)
    events_of: dict[int, list[tuple[date, int, int]]] = {}
    for position, row in enumerate(invoices):
        if row.customer_id not in by_customer:
            continue
        events = events_of.setdefault(row.customer_id, [])
        events.append((row.invoice_date, 0, position))
        events.append((row.due_date, 1, position))
        if row.closed_on is not None:
            events.append((row.closed_on, 2, position))
    out: list[list[float]] = [[] for _ in targets]
    for customer_id, target_indexes in by_customer.items():
        events = sorted(events_of.get(customer_id, []))
        broken = history.broken_promises.get(customer_id, [])
        state = _State()
        cursor = 0
        for index in sorted(target_indexes, key=lambda i: targets[i].as_of):
            day = targets[index].as_of
            while cursor < len(events) and events[cursor][0] < day:
                _, kind, position = events[cursor]
                state.apply(kind, position, invoices[position], grace)
                cursor += 1
            out[index] = state.row(invoices[targets[index].invoice], day, population.at(day), broken)
    return out


class _Bucket:
    """Settled invoices of one kind (a due day, a month, a size band): how many, how many late,
    their days late."""

    __slots__ = ("count", "days", "late")

    def __init__(self) -> None:
        self.count = 0
        self.late = 0
        self.days = 0.0


def _disputed_when_settled(row: InvoiceRow) -> bool:
    """A dispute known by the day the invoice was settled (a flag without a date: from the start)."""
    if row.disputed_on is not None:
        return row.closed_on is not None and row.disputed_on <= row.closed_on
    return row.disputed


def _billing(row: InvoiceRow) -> int:
    return 2 if row.electronic is None else int(row.electronic)


def _month_day(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1  # the 31st of a 30-day month: its last day


def _bucket_share(buckets: Sequence[_Bucket], prior_share: float, prior_days: float) -> tuple[float, float]:
    count = sum(b.count for b in buckets)
    late = sum(b.late for b in buckets)
    days = sum(b.days for b in buckets)
    return (
        (late + BUCKET_WEIGHT * prior_share) / (count + BUCKET_WEIGHT),
        (days + BUCKET_WEIGHT * prior_days) / (count + BUCKET_WEIGHT),
    )


class _State:
    """What is known of one customer after the events so far."""

    def __init__(self) -> None:
        self.settled = 0
        self.late = 0
        self.amount_settled = 0.0
        self.amount_late = 0.0
        self.days_late = 0.0
        self.days_to_settle = 0.0
        self.recent: deque[int] = deque(maxlen=RECENT)
        self.recent_late: deque[int] = deque(maxlen=RECENT_SHARE)
        self.ewma_days: float | None = None
        self.ewma_late: float | None = None
        self.open_count = 0
        self.open_amount = 0.0
        self.overdue_count = 0
        self.overdue_amount = 0.0
        self.overdue_due: dict[int, date] = {}  # open invoices past due: their due dates
        self.issued = 0
        self.issued_amount = 0.0
        self.large: dict[int, bool] = {}  # each invoice issued: above the usual when issued
        self.by_due_day = [_Bucket() for _ in range(32)]
        self.by_month = [_Bucket() for _ in range(13)]
        self.by_size = [_Bucket(), _Bucket()]
        self.by_billing = [_Bucket(), _Bucket(), _Bucket()]  # paper, electronic, not known
        self.by_dispute = [_Bucket(), _Bucket()]  # settled undisputed, disputed
        self.pay_days = [0] * 32  # settlements by day of the month
        self.lately: deque[tuple[int, int]] = deque(maxlen=RECENT_SHARE)  # (settled on, days late)

    def usual(self, fallback: float) -> float:
        return (self.issued_amount / self.issued if self.issued else fallback) or 1.0

    def apply(self, kind: int, position: int, row: InvoiceRow, grace: int) -> None:
        if kind == 0:  # issued
            self.large[position] = row.amount > LARGE * self.usual(row.amount)
            self.open_count += 1
            self.open_amount += row.amount
            self.issued += 1
            self.issued_amount += row.amount
        elif kind == 1:  # fell due, still open that day: overdue from the next
            if row.closed_on is None or row.closed_on > row.due_date:
                self.overdue_count += 1
                self.overdue_amount += row.amount
                self.overdue_due[position] = row.due_date
        else:  # settled
            self.open_count -= 1
            self.open_amount -= row.amount
            late = (row.closed_on - row.due_date).days
            if row.closed_on > row.due_date:
                self.overdue_count -= 1
                self.overdue_amount -= row.amount
                self.overdue_due.pop(position, None)
            is_late = late > grace
            self.settled += 1
            self.amount_settled += row.amount
            if is_late:
                self.late += 1
                self.amount_late += row.amount
            self.days_late += late
            self.days_to_settle += (row.closed_on - row.invoice_date).days
            self.recent.append(late)
            self.recent_late.append(int(is_late))
            self.pay_days[row.closed_on.day] += 1
            self.lately.append((row.closed_on.toordinal(), late))
            self.ewma_days = late if self.ewma_days is None else EWMA * late + (1 - EWMA) * self.ewma_days
            self.ewma_late = (
                float(is_late) if self.ewma_late is None else EWMA * is_late + (1 - EWMA) * self.ewma_late
            )
            for bucket in (
                self.by_due_day[row.due_date.day],
                self.by_month[row.due_date.month],
                self.by_size[int(self.large.get(position, False))],
                self.by_billing[_billing(row)],
                self.by_dispute[int(_disputed_when_settled(row))],
            ):
                bucket.count += 1
                bucket.late += is_late
                bucket.days += late

    def _projected(self, due: date, level: float) -> float:
        """The days late of the recent settlements carried along their least-squares slope to the
        due date (at most a year's slope, and only with three settlements or more)."""
        if len(self.lately) < 3:
            return level
        xs = [x for x, _ in self.lately]
        ys = [y for _, y in self.lately]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mx) ** 2 for x in xs)
        if spread == 0:
            return level
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread
        ahead = min(max(due.toordinal() + level - xs[-1], 0), 365)
        return ys[-1] + slope * ahead

    def _pay_day(self, due: date) -> tuple[float, float, float]:
        """The customer's usual day of the month to pay (the most settlements within a day of it),
        the share of settlements there, and where the due date falls between two of them."""
        if self.settled < 3:
            return 0.0, 0.0, 0.0
        counts = self.pay_days
        best, best_count = 1, -1
        for d in range(1, 32):
            around = counts[d] + counts[d - 1 if d > 1 else 31] + counts[d + 1 if d < 31 else 1]
            if around > best_count:
                best, best_count = d, around
        before = _month_day(due.year, due.month, best)
        if before > due:
            previous = date(due.year - (due.month == 1), 12 if due.month == 1 else due.month - 1, 1)
            before = _month_day(previous.year, previous.month, best)
        following = date(due.year + (due.month == 12), 1 if due.month == 12 else due.month + 1, 1)
        after = _month_day(due.year, due.month, best)
        if after <= due:
            after = _month_day(following.year, following.month, best)
        return best_count / self.settled, float((due - before).days), float((after - due).days)

    def row(
        self, invoice: InvoiceRow, day: date, prior: tuple[float, float, float], broken: list[date]
    ) -> list[float]:
        share_prior, days_prior, settle_prior = prior
        usual = self.usual(invoice.amount)
        share = _smoothed(self.late, self.settled, share_prior)
        mean_late = _smoothed(self.days_late, self.settled, days_prior)
        recent = sum(self.recent) / len(self.recent) if self.recent else mean_late
        recent_share = (sum(self.recent_late) + PRIOR_WEIGHT * share) / (len(self.recent_late) + PRIOR_WEIGHT)
        disputed = invoice.disputed_on is not None and invoice.disputed_on < day
        if invoice.disputed and invoice.disputed_on is None:
            disputed = True  # a dispute flag without its date (an imported ledger): known from the start
        due_day = invoice.due_date.day
        near = [
            self.by_due_day[d]
            for d in range(due_day - DUE_DAY_WINDOW, due_day + DUE_DAY_WINDOW + 1)
            if 1 <= d <= 31
        ]
        due_share, due_days = _bucket_share(near, share, mean_late)
        month_share, _ = _bucket_share([self.by_month[invoice.due_date.month]], share, mean_late)
        large = invoice.amount > LARGE * usual
        size_share, _ = _bucket_share([self.by_size[int(large)]], share, mean_late)
        billing_share, billing_days = _bucket_share([self.by_billing[_billing(invoice)]], share, mean_late)
        dispute_share, dispute_days = _bucket_share([self.by_dispute[int(disputed)]], share, mean_late)
        oldest = min(self.overdue_due.values(), default=None)
        projected = self._projected(invoice.due_date, mean_late if self.ewma_days is None else self.ewma_days)
        pay_share, before_due, after_due = self._pay_day(invoice.due_date)
        return [
            float(self.settled),
            share,
            _smoothed(self.amount_late / usual, self.amount_settled / usual, share_prior),
            mean_late,
            recent,
            recent - mean_late,
            mean_late if self.ewma_days is None else self.ewma_days,
            share if self.ewma_late is None else self.ewma_late,
            recent_share,
            due_share,
            due_days,
            month_share,
            size_share,
            projected,
            pay_share,
            before_due,
            after_due,
            _smoothed(self.days_to_settle, self.settled, settle_prior),
            float(self.open_count),
            max(self.open_amount, 0.0) / usual,
            float(max(self.overdue_count, 0)),
            max(self.overdue_amount, 0.0) / usual,
            0.0 if oldest is None else float((day - oldest).days),
            float((invoice.due_date - invoice.invoice_date).days),
            math.log1p(max(invoice.amount, 0.0)),
            invoice.amount / usual,
            1.0 if disputed else 0.0,
            -1.0 if invoice.electronic is None else float(invoice.electronic),
            billing_days,
            billing_share,
            dispute_days,
            dispute_share,
            float(invoice.invoice_date.month),
            float(invoice.due_date.month),
            float(due_day),
            float(CLASS_RANK.get(invoice.credit_class, 2)),
            float(bisect_left(broken, day)),
        ]

"""The bad-debt provision as of a date: loss rates from the ledger's history (roll rates over
the aging's buckets) or set by hand, applied to the aging's balances, plus specific
provisions; the change since the previous month-end and its journal lines.

History in SQL: for each pair of consecutive buckets, the invoices that entered the later
bucket within the window (due date + its first day of age), with what they owed on
entering each of the two buckets; one grouped query per pair, never one per customer.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from huikuan.collections.selectors import payment_history
from huikuan.core.errors import RuleViolation
from huikuan.core.money import from_minor_units
from huikuan.core.policy import policy_value
from huikuan.credit.figures import balance_sql, functional_sql
from huikuan.finance.figures import days_between_sql
from huikuan.finance.models import SpecificProvision
from huikuan.finance.provision import (
    BUCKETS,
    ZERO,
    Flow,
    ProvisionLine,
    bucket_entry_days,
    flows_pooled,
    journal,
    loss_rates,
    matrix_lines,
    pooled_where_missing,
    provision_total,
)
from huikuan.ledger.models import Customer
from huikuan.reporting.aging import bucket_of
from huikuan.reporting.selectors import aging_report

RISK = "risk"
SEGMENTS = ("class", "department", RISK)
_SEGMENT_SQL = {None: "'all'", "class": "c.credit_class", "department": "c.department"}
_SEGMENT_FIELD = {None: None, "class": "credit_class", "department": "department", RISK: None}
SPECIFIC = "specific"


def segment_in_force(segment_by: str | None) -> str | None:
    """``segment_by`` checked, or when None the setting ``PROVISION_SEGMENT_BY`` (empty: one matrix)."""
    if segment_by is None:
        segment_by = policy_value("PROVISION_SEGMENT_BY") or None
        if segment_by not in (None, *SEGMENTS):
            raise RuleViolation(
                f"setting PROVISION_SEGMENT_BY: empty or one of {', '.join(SEGMENTS)}, not {segment_by!r}"
            )
    elif segment_by not in SEGMENTS:
        raise RuleViolation(f"segment by one of {', '.join(SEGMENTS)}, not {segment_by!r}")
    return segment_by


@dataclass(frozen=True)
class RiskBands:
    """Each customer's risk band on a day (id → premium, normal or high_risk), and the customers
    banded by the class heuristic because the risk model has no fresh score of theirs."""

    of: dict[int, str]
    by_heuristic: frozenset[int]


def risk_bands(*, as_of: date) -> RiskBands:
    """Every customer's band as of ``as_of``: the collections segment (the one rule the worklist
    and the dunning run use), read for all customers at once."""
    history = payment_history(as_of=as_of)
    bands, heuristic = {}, set()
    for pk, credit_class in Customer.objects.values_list("pk", "credit_class"):
        bands[pk] = history.segment(pk, credit_class)
        if not history.from_model(pk):
            heuristic.add(pk)
    return RiskBands(bands, frozenset(heuristic))


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


_APPLICATIONS = (
    "SELECT r.invoice_id, r.allocation_date AS applied_on, r.amount FROM ledger_allocation r UNION ALL "
    "SELECT r.invoice_id, r.note_date, r.amount FROM ledger_creditnote r WHERE r.invoice_id IS NOT NULL "
    "UNION ALL SELECT r.invoice_id, r.writeoff_date, r.amount FROM ledger_writeoff r"
)


def history_flows(
    *, as_of: date, window_months: int, segment_by: str | None, bands: Mapping[int, str] | None = None
) -> dict[str, list[Flow]]:
    """Per segment, the flow between each pair of consecutive aging buckets in the window.
    By risk band: the query groups by customer and ``bands`` (:func:`risk_bands`) adds each
    customer's flows to its band's; one query still.

    One pass: each invoice due in the span any pair needs, with what was applied to it (paid,
    credited, written off) by each bucket's entry day; then, per pair, the invoices that
    entered the later bucket within the window.
    """
    window_start = months_before(as_of, window_months)
    entries = bucket_entry_days()
    params: dict = {}

    def day(name: str, value: date) -> str:
        params[name] = connection.ops.adapt_datefield_value(value)
        return f"%({name})s"

    late = days_between_sql("r.applied_on", "i.due_date")
    applied = ", ".join(
        f"COALESCE(SUM(CASE WHEN {late} <= {entry - 1} THEN r.amount ELSE 0 END), 0) AS by{index}"
        for index, entry in enumerate(entries)
        if entry is not None
    )
    sums = []
    for index in range(len(entries) - 1):
        following = entries[index + 1]
        low = day(f"low{index}", window_start - timedelta(days=following))
        high = day(f"high{index}", as_of - timedelta(days=following))
        within = f"t.due_date > {low} AND t.due_date <= {high}"
        entered = "t.amount" if index == 0 else f"(t.amount - t.by{index})"
        rolled = f"(t.amount - t.by{index + 1})"
        for amount in (entered, rolled):
            sums.append(
                f"CAST(SUM(CASE WHEN {within} THEN {functional_sql('t', amount)} ELSE 0 END) AS BIGINT)"
            )
    if segment_by == RISK and bands is None:
        bands = risk_bands(as_of=as_of).of
    segment_sql = "i.customer_id" if segment_by == RISK else _SEGMENT_SQL[segment_by]
    first_due = day("first_due", window_start - timedelta(days=entries[-1]))
    last_due = day("last_due", as_of - timedelta(days=1))
    sql = (
        f"SELECT t.segment, {', '.join(sums)} FROM ("
        f"SELECT i.id, {segment_sql} AS segment, i.due_date, i.amount, i.fx_rate, {applied} "
        "FROM ledger_invoice i JOIN ledger_customer c ON c.id = i.customer_id "
        f"LEFT JOIN ({_APPLICATIONS}) r ON r.invoice_id = i.id "
        f"WHERE i.due_date > {first_due} AND i.due_date <= {last_due} "
        "GROUP BY i.id, i.due_date, i.amount, i.fx_rate, 2) t GROUP BY t.segment"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    minor: dict[str, list[int]] = {}
    for segment, *values in rows:
        key = (bands.get(segment, "") if bands is not None else segment) or ""
        totals = minor.setdefault(key, [0] * len(values))
        for k, value in enumerate(values):
            totals[k] += int(value or 0)
    flows: dict[str, list[Flow]] = {}
    for segment, totals in minor.items():
        amounts = [from_minor_units(value) for value in totals]
        flows[segment] = [Flow(amounts[2 * k], amounts[2 * k + 1]) for k in range(len(entries) - 1)]
    return flows


def _invoice_balances(as_of: date, invoice_ids: list[int]) -> dict[int, tuple[str, Decimal]]:
    """(due-date bucket, balance in the functional currency) of these invoices at the end of ``as_of``."""
    if not invoice_ids:
        return {}
    ids = ", ".join(str(int(pk)) for pk in invoice_ids)
    sql = (
        f"SELECT i.id, i.due_date, CAST({functional_sql('i', balance_sql('as_of'))} AS BIGINT) "
        f"FROM ledger_invoice i WHERE i.id IN ({ids}) AND i.invoice_date <= %(as_of)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": connection.ops.adapt_datefield_value(as_of)})
        rows = cursor.fetchall()
    result = {}
    for pk, due, amount in rows:
        due_day = date.fromisoformat(due) if isinstance(due, str) else due
        result[pk] = (bucket_of((as_of - due_day).days, "due"), from_minor_units(amount))
    return result


@dataclass
class Provision:
    as_of: date
    method: str
    segment_by: str | None
    rates: dict[str, list[Decimal]]
    lines: list[ProvisionLine]
    specific: list[ProvisionLine]
    flows: dict[str, list[Flow]] = field(default_factory=dict)
    # Per segment and bucket: the roll rate out of the bucket is all customers' (no own history).
    pooled: dict[str, list[bool]] = field(default_factory=dict)
    # By risk band: the codes of the customers in the matrix banded by the class heuristic.
    banded_by_heuristic: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return provision_total(self.lines) + provision_total(self.specific)

    @property
    def balance(self) -> Decimal:
        return sum((line.balance for line in [*self.lines, *self.specific]), ZERO)


@dataclass(frozen=True)
class LossRates:
    method: str
    rates: dict[str, list[Decimal]]
    flows: dict[str, list[Flow]]
    pooled: dict[str, list[bool]]


def loss_rate_matrix(
    *, as_of: date, segment_by: str | None, segments: set[str], bands: Mapping[int, str] | None = None
) -> LossRates:
    """The method, rates per segment and bucket, the history's flows and where a segment's
    missing history took all customers' roll rate, in force at ``as_of``."""
    method = policy_value("PROVISION_METHOD")
    no_pooling = [False] * len(BUCKETS)
    if method == "manual":
        manual = policy_value("PROVISION_MANUAL_RATES")
        missing = [bucket for bucket in BUCKETS if bucket not in manual]
        if missing:
            raise RuleViolation(f"setting PROVISION_MANUAL_RATES: no rate for {', '.join(missing)}")
        rates = [Decimal(manual[bucket]) for bucket in BUCKETS]
        every = segments | {"all"}
        return LossRates(method, {s: rates for s in every}, {}, {s: no_pooling for s in every})
    if method != "roll_rate":
        raise RuleViolation(f"setting PROVISION_METHOD: 'roll_rate' or 'manual', not {method!r}")
    flows = history_flows(
        as_of=as_of,
        window_months=int(policy_value("PROVISION_WINDOW_MONTHS")),
        segment_by=segment_by,
        bands=bands,
    )
    pairs = len(BUCKETS) - 1
    empty = [Flow(ZERO, ZERO) for _ in range(pairs)]
    pooled_flows = flows_pooled(list(flows.values()), pairs)
    last = policy_value("PROVISION_LAST_BUCKET_LOSS_RATE")
    adjustment = policy_value("PROVISION_FORWARD_LOOKING_ADJUSTMENT")
    rates, pooled = {}, {}
    for segment in segments | set(flows):
        own = flows.get(segment, empty)
        if segment_by is not None:
            own, used = pooled_where_missing(own, pooled_flows)
        else:
            used = [False] * pairs
        rates[segment] = loss_rates(own, last_bucket_loss=last, adjustment=adjustment)
        pooled[segment] = [*used, False]  # the last bucket: PROVISION_LAST_BUCKET_LOSS_RATE
    return LossRates(method, rates, flows, pooled)


def provision_as_of(*, as_of: date, segment_by: str | None = None) -> Provision:
    """The provision at the end of ``as_of``: the matrix on the aging's balances per customer
    and bucket, except what a specific provision in force covers. ``segment_by`` None: the
    setting ``PROVISION_SEGMENT_BY``."""
    segment_by = segment_in_force(segment_by)
    attribute = _SEGMENT_FIELD[segment_by]
    bands = risk_bands(as_of=as_of) if segment_by == RISK else None
    customers = {}
    for pk, code, name, value in Customer.objects.values_list("pk", "code", "name", attribute or "code"):
        if bands is not None:
            value = bands.of.get(pk, "")
        customers[code] = (pk, name, "all" if segment_by is None else (value or ""))
    balances: dict[tuple[str, str, str], dict[str, Decimal]] = {}
    for row in aging_report(as_of=as_of, group_by="customer").rows:
        _, name, segment = customers.get(row.key, (None, row.name, "all" if segment_by is None else ""))
        balances[(row.key, name, segment)] = dict(row.buckets)
    in_force = SpecificProvision.objects.filter(effective_from__lte=as_of).exclude(ended_on__lte=as_of)
    in_force = list(in_force.select_related("customer", "invoice").order_by("customer__code", "pk"))
    specific: list[ProvisionLine] = []
    whole = {p.customer.code: p for p in in_force if p.invoice_id is None}
    for code, provision in sorted(whole.items()):
        key = next((k for k in balances if k[0] == code), None)
        balance = sum(balances.pop(key).values(), ZERO) if key else ZERO
        if key and balance:
            specific.append(ProvisionLine(code, key[1], key[2], SPECIFIC, balance, provision.rate))
    by_invoice = [p for p in in_force if p.invoice_id is not None and p.customer.code not in whole]
    invoice_balances = _invoice_balances(as_of, [p.invoice_id for p in by_invoice])
    for provision in by_invoice:
        bucket, balance = invoice_balances.get(provision.invoice_id, ("current", ZERO))
        if not balance:
            continue
        key = next(k for k in balances if k[0] == provision.customer.code)
        balances[key][bucket] -= balance
        number = provision.invoice.number
        specific.append(ProvisionLine(number, key[1], key[2], SPECIFIC, balance, provision.rate))
    segments = {key[2] for key in balances}
    matrix = loss_rate_matrix(
        as_of=as_of, segment_by=segment_by, segments=segments, bands=bands.of if bands else None
    )
    lines = matrix_lines(balances, matrix.rates)
    heuristic = []
    if bands is not None:
        provided = {line.key for line in lines}
        heuristic = sorted(
            code for code, (pk, _, _) in customers.items() if code in provided and pk in bands.by_heuristic
        )
    return Provision(
        as_of,
        matrix.method,
        segment_by,
        matrix.rates,
        lines,
        specific,
        matrix.flows,
        matrix.pooled,
        heuristic,
    )


def provision_change(*, as_of: date, segment_by: str | None = None) -> tuple[Provision, Provision]:
    """The provision at ``as_of`` and at the previous month-end, segmented alike."""
    segment_by = segment_in_force(segment_by)
    return (
        provision_as_of(as_of=as_of, segment_by=segment_by),
        provision_as_of(as_of=previous_month_end(as_of), segment_by=segment_by),
    )


def journal_lines(now: Provision, before: Provision) -> list[tuple[str, Decimal, Decimal]]:
    return journal(now.total - before.total, policy_value("PROVISION_ACCOUNTS"))

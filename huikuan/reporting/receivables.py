"""Reads behind the web pages: balances per customer, invoices open on a day, a customer's ledger.

Every function takes querysets already narrowed to the user's scope (``huikuan.accounts.access``)
and adds figures to them in SQL, so that a page of any length costs the same few queries.
Amounts are in the functional currency, each item converted at its own rate and rounded to
the cent half up, exactly as the aging (``reporting.selectors``) does, so that a page's
figures add up to the aging's cells.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.entries import LedgerEntry, account_entries
from huikuan.ledger.models import Allocation, CreditNote, Customer, Invoice, Payment, WriteOff
from huikuan.reporting.aging import bucket_earliest_dates, bucket_names

_MILLION = 1_000_000


def _integer(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=BigIntegerField())


def _functional(minor_units) -> ExpressionWrapper:
    """Minor units of an item's currency → functional minor units, half up (integer SQL)."""
    return _integer((minor_units * F("fx_rate") + Value(_MILLION // 2)) / Value(_MILLION))


def _money(expression) -> ExpressionWrapper:
    """An integer of minor units read back as a ``Decimal``."""
    return ExpressionWrapper(expression, output_field=ScaledDecimalField())


def _summed(queryset: QuerySet, expression) -> Subquery:
    # PostgreSQL sums bigints as numerics: cast back so that later arithmetic stays integral.
    return Subquery(
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(total=Cast(Sum(expression), BigIntegerField()))
        .values("total"),
        output_field=BigIntegerField(),
    )


def customers_with_balances(*, customers: QuerySet[Customer], as_of: date) -> QuerySet[Customer]:
    """Customers with ``open_balance`` and ``overdue`` (past due on ``as_of``) in SQL.

    The figures are today's: each open invoice's amount less everything applied to it.
    """
    # open_span = STILL_OPEN is the condition of the partial index of open invoices by customer.
    open_invoices = Invoice.objects.filter(customer=OuterRef("pk"), open_span=STILL_OPEN)
    open_left = _functional(F("amount") - F("applied_amount"))
    return customers.annotate(
        open_balance=_money(Coalesce(_summed(open_invoices, open_left), Value(0))),
        overdue=_money(Coalesce(_summed(open_invoices.filter(due_date__lt=as_of), open_left), Value(0))),
    )


def _applied_by(model, date_field: str, as_of: date) -> Coalesce:
    applied = model.objects.filter(invoice=OuterRef("pk"), **{f"{date_field}__lte": as_of})
    return Coalesce(_summed(applied, F("amount")), Value(0))


def invoices_open_on(
    *, invoices: QuerySet[Invoice], as_of: date, basis: str = "due", bucket: str = ""
) -> QuerySet[Invoice]:
    """The invoices with a balance at the end of ``as_of``, optionally in one aging bucket.

    Each carries ``balance_as_of`` (its currency) and ``functional_balance_as_of``: the
    functional amounts of one customer's invoices in a bucket add up to that aging cell.
    """
    left = _integer(
        F("amount")
        - _applied_by(Allocation, "allocation_date", as_of)
        - _applied_by(CreditNote, "note_date", as_of)
        - _applied_by(WriteOff, "writeoff_date", as_of)
    )
    opened = invoices.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), invoice_date__lte=as_of
    ).annotate(balance_minor=left)
    if bucket:
        opened = opened.filter(_in_bucket(as_of, basis, bucket))
    return opened.filter(balance_minor__gt=0).annotate(
        balance_as_of=_money(F("balance_minor")),
        functional_balance_as_of=_money(_functional(F("balance_minor"))),
    )


def _in_bucket(as_of: date, basis: str, bucket: str) -> Q:
    if bucket not in bucket_names(basis):
        raise ValueError(f"no bucket {bucket!r} in the {basis} basis")
    column = "due_date" if basis == "due" else "invoice_date"
    condition = Q()
    younger_bound = None
    for name, earliest in bucket_earliest_dates(as_of, basis):
        if name == bucket:
            if earliest is not None:
                condition &= Q(**{f"{column}__gte": earliest})
            if younger_bound is not None:
                condition &= Q(**{f"{column}__lt": younger_bound})
            return condition
        younger_bound = earliest
    raise AssertionError("unreachable: the bucket was checked above")


def payments_received(*, payments: QuerySet[Payment], start: date, end: date) -> Decimal:
    """Cash received from ``start`` to ``end`` inclusive, in the functional currency."""
    total = payments.filter(payment_date__gte=start, payment_date__lte=end).aggregate(
        total=Sum(_functional(F("amount")))
    )["total"]
    return Decimal(int(total or 0)).scaleb(-2)


def customer_ledger(*, customer: Customer) -> list[LedgerEntry]:
    """Invoices, payments, credit notes and write-offs by date, with the running balance
    (the ledger's one rule of what makes up an account: ``huikuan.ledger.entries``)."""
    return account_entries(customer=customer)


def customer_audit_entries(*, customer: Customer, invoices: QuerySet[Invoice], limit: int = 200):
    """The audit trail of the customer and its invoices, newest first."""
    types = ContentType.objects.get_for_models(Customer, Invoice)
    invoice_ids = invoices.filter(customer=customer).values("pk")
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Customer], object_id=customer.pk)
            | Q(content_type=types[Invoice], object_id__in=invoice_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )

"""Writes of acceptance bills: receive one against invoices, then endorse, discount, present,
honour or dishonour it. Each is one transaction; the bill's changes are in the audit trail.

The ledger moves only through the ledger's services: a receipt settles the invoices
(``receipts_post``: a payment by bill, allocated), a dishonour takes that receipt back
(``payment_reverse``: the invoices are open again, as if never paid) and charges the
dishonour costs as a receivable of their own (``invoice_issue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from huikuan.approvals.models import Notification
from huikuan.bills.models import Bill, BillSettlement
from huikuan.bills.rules import (
    MOVES,
    BillKind,
    BillStatus,
    bill_problems,
    discount_interest,
    settlement_split,
)
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.ledger.models import Customer, Invoice, PaymentMethod
from huikuan.ledger.receipts import Receipt, ReceiptPart, receipts_post
from huikuan.ledger.reversals import payment_reverse
from huikuan.ledger.rules import InvoiceRuleBroken, exchange_rate_for
from huikuan.ledger.services import invoice_issue

CENT_FLOOR = Decimal("0.01")
ZERO_COSTS = Decimal("0.00")
# Days before maturity a bill may be sent for collection (托收: the bank needs the time).
PRESENT_DAYS_BEFORE_MATURITY = 10


@dataclass(frozen=True)
class BillIn:
    """A bill as received, before it is checked: what the web form, the API and a file row give."""

    customer: Customer
    number: str
    kind: str
    drawer: str
    acceptor: str
    issue_date: date
    maturity_date: date
    received_on: date
    amount: Decimal
    currency: str = ""
    fx_rate: Decimal | None = None
    electronic: bool = True
    acceptor_bank: str = ""
    sub_range_start: int | None = None
    sub_range_end: int | None = None
    # The invoices it pays, in order: (number, amount or None for the open balance).
    invoices: tuple[tuple[str, Decimal | None], ...] = ()
    payment_reference: str = ""


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise RuleViolation(
            "; ".join(f"{field}: {reason}" for field, reason in problems),
            extra={"fields": {field: reason for field, reason in problems}},
        )


def default_reference(number: str, sub_range_start: int | None) -> str:
    suffix = "" if sub_range_start is None else f"-{sub_range_start}"
    return f"BILL-{number}{suffix}"[:100]


def bill_in_problems(
    bill: BillIn, *, taken: set[tuple[str, int | None]] | None = None
) -> list[tuple[str, str]]:
    """Every reason ``bill`` is refused, as (field, reason), checking the ledger (the invoices,
    a number already received) beside the bill's own rules."""
    problems = bill_problems(
        kind=bill.kind,
        electronic=bill.electronic,
        issue_date=bill.issue_date,
        maturity_date=bill.maturity_date,
        received_on=bill.received_on,
        amount=bill.amount,
        sub_range_start=bill.sub_range_start,
        sub_range_end=bill.sub_range_end,
        max_months=policy_value("BILLS_ELECTRONIC_MAX_MONTHS"),
    )
    for field, value in (("number", bill.number), ("drawer", bill.drawer), ("acceptor", bill.acceptor)):
        if not value.strip():
            problems.append((field, gettext("this is required")))
    if _already_received(bill.number, bill.sub_range_start, bill.sub_range_end, taken):
        problems.append(("number", gettext("this bill (and sub-range) was already received")))
    return problems


def _already_received(
    number: str, start: int | None, end: int | None, taken: set[tuple[str, int | None]] | None
) -> bool:
    if taken is not None and ((number, start) in taken or (number, None) in taken):
        return True
    same = Bill.objects.filter(number=number)
    if start is None or end is None:
        return same.exists()
    # A sub-range overlapping one already received, or the whole bill received before.
    return (
        same.filter(sub_range_start__isnull=True).exists()
        or same.filter(sub_range_start__lte=end, sub_range_end__gte=start).exists()
    )


def _currency_and_rate(bill: BillIn) -> tuple[str, Decimal]:
    functional = policy_value("FUNCTIONAL_CURRENCY")
    currency = bill.currency or bill.customer.currency or functional
    try:
        return currency, exchange_rate_for(currency=currency, functional=functional, given=bill.fx_rate)
    except InvoiceRuleBroken as broken:
        raise RuleViolation(str(broken)) from None


def _settlements(bill: BillIn, currency: str) -> list[tuple[Invoice, Decimal]]:
    numbers = [number for number, _amount in bill.invoices]
    invoices = {i.number: i for i in Invoice.objects.filter(number__in=numbers)}
    problems = []
    for number in numbers:
        invoice = invoices.get(number)
        if invoice is None:
            problems.append(("invoices", gettext("no invoice %(number)s") % {"number": number}))
        elif invoice.customer_id != bill.customer.pk:
            problems.append(
                ("invoices", gettext("invoice %(number)s is another customer's") % {"number": number})
            )
        elif invoice.currency != currency:
            problems.append(
                (
                    "invoices",
                    gettext("invoice %(number)s is not in %(currency)s")
                    % {"number": number, "currency": currency},
                )
            )
    if len(set(numbers)) != len(numbers):
        problems.append(("invoices", gettext("an invoice is named twice")))
    _refuse(problems)
    try:
        split = settlement_split(
            bill_amount=bill.amount,
            invoices=[(number, invoices[number].open_amount, amount) for number, amount in bill.invoices],
        )
    except ValueError as broken:
        raise RuleViolation(str(broken), extra={"fields": {"invoices": str(broken)}}) from None
    return [(invoices[number], amount) for number, amount in split]


@transaction.atomic
def bill_receive(*, bill: BillIn, import_batch_id: int | None = None) -> Bill:
    """Receive ``bill`` from its customer as payment of its invoices: they are paid in the
    aging (a receipt by bill, allocated), the bill is held as a note receivable."""
    _refuse(bill_in_problems(bill))
    currency, rate = _currency_and_rate(bill)
    settlements = _settlements(bill, currency)
    reference = bill.payment_reference or default_reference(bill.number, bill.sub_range_start)
    method = (
        PaymentMethod.BANK_ACCEPTANCE_BILL
        if bill.kind == BillKind.BANK
        else PaymentMethod.COMMERCIAL_ACCEPTANCE_BILL
    )
    record = Bill(
        number=bill.number,
        sub_range_start=bill.sub_range_start,
        sub_range_end=bill.sub_range_end,
        electronic=bill.electronic,
        kind=bill.kind,
        customer=bill.customer,
        drawer=bill.drawer,
        acceptor=bill.acceptor,
        acceptor_bank=bill.acceptor_bank,
        issue_date=bill.issue_date,
        maturity_date=bill.maturity_date,
        received_on=bill.received_on,
        amount=bill.amount,
        currency=currency,
        fx_rate=rate,
        payment_reference=reference,
        import_batch_id=import_batch_id,
    )
    (posted,) = receipts_post(
        receipts=[
            Receipt(
                reference=reference,
                customer_id=bill.customer.pk,
                payment_date=bill.received_on,
                amount=bill.amount,
                currency=currency,
                fx_rate=rate,
                method=method,
                payer_name=bill.drawer,
                memo=gettext("acceptance bill %(bill)s") % {"bill": record.label},
                allocations=tuple(ReceiptPart(invoice.number, amount) for invoice, amount in settlements),
            )
        ]
    )
    if posted.refused is not None:
        raise posted.refused
    record.payment = posted.payment
    record.save()
    for invoice, amount in settlements:
        BillSettlement.objects.create(bill=record, invoice=invoice, amount=amount)
    return record


def _move(bill: Bill, to: str, on: date) -> Bill:
    """``bill`` locked and read again, refused unless it may move to ``to`` on ``on``."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if to not in MOVES[bill.status]:
        raise RuleViolation(
            gettext("a bill %(status)s cannot be %(to)s")
            % {"status": bill.get_status_display(), "to": BillStatus(to).label}
        )
    if on < bill.received_on:
        raise RuleViolation(
            gettext("the date is before the bill was received (%(day)s)") % {"day": bill.received_on}
        )
    return bill


def _before_maturity(bill: Bill, on: date, what: str) -> None:
    if on > bill.maturity_date:
        raise RuleViolation(
            gettext("a bill past its maturity (%(day)s) cannot be %(what)s")
            % {"day": bill.maturity_date, "what": what}
        )


@transaction.atomic
def bill_endorse(*, bill: Bill, endorsee: str, on: date) -> Bill:
    """Endorse the bill on to a supplier (背书转让). A commercial bill stays in the customer's
    exposure: the endorsee has recourse against us until it is honoured."""
    bill = _move(bill, BillStatus.ENDORSED, on)
    _before_maturity(bill, on, BillStatus.ENDORSED.label)
    if not endorsee.strip():
        raise RuleViolation(
            gettext("name the endorsee"), extra={"fields": {"endorsee": gettext("this is required")}}
        )
    bill.status, bill.endorsee, bill.endorsed_on = BillStatus.ENDORSED, endorsee.strip(), on
    bill.save(update_fields=["status", "endorsee", "endorsed_on"])
    return bill


@transaction.atomic
def bill_discount(
    *,
    bill: Bill,
    bank: str,
    on: date,
    annual_rate: Decimal | None = None,
    interest: Decimal | None = None,
) -> Bill:
    """Discount the bill at a bank (贴现): the interest is the given one, or computed from the
    annual rate (amount × rate × days to maturity / 360). The bank has recourse until maturity."""
    bill = _move(bill, BillStatus.DISCOUNTED, on)
    _before_maturity(bill, on, BillStatus.DISCOUNTED.label)
    if not bank.strip():
        raise RuleViolation(
            gettext("name the discounting bank"), extra={"fields": {"bank": gettext("this is required")}}
        )
    if annual_rate is None and interest is None:
        raise RuleViolation(gettext("give the discount rate or the discount interest"))
    if annual_rate is not None and not Decimal(0) <= annual_rate < Decimal(1):
        raise RuleViolation(gettext("the discount rate is a yearly fraction: 0.015 is 1.5 percent"))
    if interest is None:
        interest = discount_interest(
            amount=bill.amount, annual_rate=annual_rate, discounted_on=on, maturity=bill.maturity_date
        )
    if interest < 0 or interest >= bill.amount:
        raise RuleViolation(gettext("the discount interest must be at least 0 and less than the amount"))
    bill.status, bill.discount_bank, bill.discounted_on = BillStatus.DISCOUNTED, bank.strip(), on
    bill.discount_rate, bill.discount_interest = annual_rate, interest
    bill.save(
        update_fields=["status", "discount_bank", "discounted_on", "discount_rate", "discount_interest"]
    )
    return bill


@transaction.atomic
def bill_present(*, bill: Bill, on: date) -> Bill:
    """Send the bill for collection at maturity (托收), from 10 days before it."""
    bill = _move(bill, BillStatus.COLLECTING, on)
    if on < bill.maturity_date - timedelta(days=PRESENT_DAYS_BEFORE_MATURITY):
        raise RuleViolation(
            gettext("a bill is presented for payment from %(days)s days before its maturity (%(day)s)")
            % {"days": PRESENT_DAYS_BEFORE_MATURITY, "day": bill.maturity_date}
        )
    bill.status, bill.presented_on = BillStatus.COLLECTING, on
    bill.save(update_fields=["status", "presented_on"])
    return bill


@transaction.atomic
def bill_honour(*, bill: Bill, on: date) -> Bill:
    """The bill was paid at maturity (兑付): its risk is discharged and it leaves the exposure."""
    bill = _move(bill, BillStatus.HONOURED, on)
    if on < bill.maturity_date:
        raise RuleViolation(
            gettext("a bill is honoured on or after its maturity (%(day)s)") % {"day": bill.maturity_date}
        )
    bill.status, bill.honoured_on = BillStatus.HONOURED, on
    bill.save(update_fields=["status", "honoured_on"])
    return bill


def costs_invoice_number(bill: Bill) -> str:
    return f"DH-{bill.number}" + ("" if bill.sub_range_start is None else f"-{bill.sub_range_start}")


@transaction.atomic
def bill_dishonour(*, bill: Bill, on: date, reason: str, costs: Decimal = Decimal(0)) -> Bill:
    """The bill was refused (拒付): the receipt by bill is taken back, so the invoices it paid
    are open again with their own due dates, and the dishonour costs (bank charges, the
    holder's recourse interest) become a receivable of their own, due at once."""
    bill = _move(bill, BillStatus.DISHONOURED, on)
    if not reason.strip():
        raise RuleViolation(
            gettext("a dishonour needs a reason"), extra={"fields": {"reason": gettext("this is required")}}
        )
    if costs < 0:
        raise RuleViolation(gettext("the dishonour costs cannot be negative"))
    if bill.payment_id is not None:
        payment_reverse(
            payment=bill.payment,
            reason=gettext("acceptance bill %(bill)s dishonoured: %(reason)s")
            % {"bill": bill.label, "reason": reason},
        )
    costs_invoice = None
    if costs > 0:
        costs_invoice = invoice_issue(
            number=costs_invoice_number(bill),
            customer=bill.customer,
            invoice_date=on,
            due_date=on,
            amount=costs,
            currency=bill.currency,
            fx_rate=bill.fx_rate,
            description=gettext("costs of the dishonoured acceptance bill %(bill)s") % {"bill": bill.label},
        )
    bill.refresh_from_db(fields=["payment"])
    bill.status, bill.dishonoured_on, bill.dishonour_reason = BillStatus.DISHONOURED, on, reason.strip()
    bill.dishonour_costs, bill.costs_invoice = costs or None, costs_invoice
    bill.save(
        update_fields=["status", "dishonoured_on", "dishonour_reason", "dishonour_costs", "costs_invoice"]
    )
    return bill


def bills_remind(*, as_of: date) -> int:
    """Remind the credit managers to present each held bill for payment, once, from
    ``BILLS_REMINDER_DAYS`` before its maturity: an in-app notice. A bill endorsed or
    discounted is presented by its holder. Claimed by a conditional update: a re-run (or a
    second worker) reminds nobody twice. Returns how many bills were reminded of."""
    horizon = as_of + timedelta(days=policy_value("BILLS_REMINDER_DAYS"))
    due = list(
        Bill.objects.filter(status=BillStatus.HELD, reminded_on__isnull=True, maturity_date__lte=horizon)
        .select_related("customer")
        .order_by("maturity_date", "pk")
    )
    managers = list(
        get_user_model()
        .objects.filter(groups__name="credit_manager", is_active=True)
        .distinct()
        .order_by("pk")
    )
    reminded = 0
    for bill in due:
        with transaction.atomic():
            if not Bill.objects.filter(pk=bill.pk, reminded_on__isnull=True).update(reminded_on=as_of):
                continue
            message = gettext(
                "Present acceptance bill %(bill)s (%(customer)s, accepted by %(acceptor)s, "
                "%(amount)s %(currency)s) for payment: it matures on %(day)s."
            ) % {
                "bill": bill.label,
                "customer": bill.customer.name,
                "acceptor": bill.acceptor,
                "amount": bill.amount,
                "currency": bill.currency,
                "day": bill.maturity_date.isoformat(),
            }
            Notification.objects.bulk_create(
                Notification(user=user, message=message[:500]) for user in managers
            )
            reminded += 1
    return reminded

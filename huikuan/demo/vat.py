"""The demo's VAT invoices (增值税发票) and red-letter corrections (红冲): the receivables older than
three months are invoiced one fully digital e-invoice (数电票) each; of the recent ones, most
are invoiced (two receivables on one VAT invoice, one receivable on a paper and a digital
invoice), some not yet (应收未开票). A few red-letter corrections in every state: confirmed,
pending (one settling a dispute) and lapsed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F

from huikuan.collections.corrections import dispute_correct
from huikuan.collections.models import Dispute, DisputeStatus
from huikuan.core.money import money_floor
from huikuan.ledger.corrections import red_letter_confirm, red_letter_lapse, red_letter_raise
from huikuan.ledger.models import Billing, Invoice
from huikuan.vat.models import DIGITAL_KINDS, VatInvoice, VatInvoiceKind, VatInvoiceLink
from huikuan.vat.services import vat_invoice_record

RECENT_DAYS = 90
REASONS = ("return", "allowance", "invoicing_error")
PAPER_KINDS = frozenset(VatInvoiceKind) - DIGITAL_KINDS


def _digital(as_of: date, serial: int) -> str:
    return f"{as_of:%y}32{serial:016d}"


def vat_demo(*, rng: random.Random, as_of: date) -> dict[str, int]:
    recent_from = as_of - timedelta(days=RECENT_DAYS)
    invoices = (
        Invoice.objects.filter(invoice_date__lte=as_of)
        .select_related("customer")
        .order_by("invoice_date", "number")
    )
    serial = 0
    old = []
    for invoice in invoices.filter(invoice_date__lt=recent_from):
        serial += 1
        old.append((invoice, _digital(as_of, serial)))
    VatInvoice.objects.bulk_create(
        [
            VatInvoice(
                number=number,
                kind=VatInvoiceKind.DIGITAL_SPECIAL,
                customer_id=invoice.customer_id,
                issue_date=min(invoice.invoice_date + timedelta(days=2), as_of),
                amount=invoice.amount,
                currency=invoice.currency,
            )
            for invoice, number in old
        ],
        batch_size=2000,
    )
    ids = dict(VatInvoice.objects.values_list("number", "id"))
    VatInvoiceLink.objects.bulk_create(
        [
            VatInvoiceLink(vat_invoice_id=ids[number], invoice=invoice, amount=invoice.amount)
            for invoice, number in old
        ],
        batch_size=2000,
    )
    paper = 10_000_000 + rng.randint(0, 80_000_000)
    recent = list(invoices.filter(invoice_date__gte=recent_from))
    waiting: dict[int, Invoice] = {}  # a customer's receivable waiting to share a VAT invoice
    for invoice in recent:
        draw = rng.random()
        issued = min(invoice.invoice_date + timedelta(days=rng.randint(1, 10)), as_of)
        if draw < 0.25:
            continue  # not yet invoiced (应收未开票)
        if draw < 0.35:  # a paper special invoice for part, a digital one for the rest
            part = money_floor(invoice.amount * Decimal("0.6"))
            paper += 1
            vat_invoice_record(
                number=f"{paper:08d}", kind=VatInvoiceKind.SPECIAL, customer=invoice.customer,
                issue_date=issued, amount=part, currency=invoice.currency, links=[(invoice, part)],
            )  # fmt: skip
            serial += 1
            rest = invoice.amount - part
            vat_invoice_record(
                number=_digital(as_of, serial), kind=VatInvoiceKind.DIGITAL_ORDINARY,
                customer=invoice.customer, issue_date=issued, amount=rest, currency=invoice.currency,
                links=[(invoice, rest)],
            )  # fmt: skip
            continue
        other = waiting.pop(invoice.customer_id, None)
        if other is None and draw < 0.5:
            waiting[invoice.customer_id] = invoice
            continue
        pair = [invoice] if other is None or other.currency != invoice.currency else [other, invoice]
        serial += 1
        vat_invoice_record(
            number=_digital(as_of, serial), kind=VatInvoiceKind.DIGITAL_SPECIAL, customer=invoice.customer,
            issue_date=issued, amount=sum((i.amount for i in pair), Decimal(0)), currency=invoice.currency,
            links=[(i, i.amount) for i in pair],
        )  # fmt: skip
    # How each receivable reached the customer follows its VAT invoice: a fully digital one is
    # sent electronically, a paper one by courier (the invoice page and the risk model read it;
    # a receivable invoiced both ways waited for the paper one).
    for kinds, billing in ((PAPER_KINDS, Billing.PAPER), (DIGITAL_KINDS, Billing.ELECTRONIC)):
        Invoice.objects.filter(billing="", vat_links__vat_invoice__kind__in=kinds).update(billing=billing)
    return {
        "vat_invoices": VatInvoice.objects.count(),
        "vat_invoice_links": VatInvoiceLink.objects.count(),
        **_corrections(rng=rng, as_of=as_of),
    }


def _corrections(*, rng: random.Random, as_of: date) -> dict[str, int]:
    """Two confirmed corrections last month, two lapsed, two pending raised on ``as_of`` (one
    settling an open dispute), all on open invoices."""
    noon = datetime.combine(as_of, time(4, 0), tzinfo=UTC)  # 12:00 in Beijing
    candidates = list(
        Invoice.objects.filter(amount__gt=F("applied_amount"), invoice_date__lte=as_of - timedelta(days=40))
        .exclude(collection_disputes__status=DisputeStatus.OPEN)
        .select_related("customer")
        .order_by("number")[:200]
    )
    chosen = rng.sample(candidates, min(6, len(candidates)))
    made = {"red_letter_confirmed": 0, "red_letter_lapsed": 0, "red_letter_pending": 0}
    for index, invoice in enumerate(chosen):
        amount = money_floor(invoice.open_amount * Decimal(str(rng.uniform(0.05, 0.3))))
        if amount <= 0:
            continue
        state = ("confirmed", "confirmed", "lapsed", "lapsed", "pending", "pending")[index]
        raised = noon - timedelta(days=rng.randint(10, 30)) if state != "pending" else noon
        correction = red_letter_raise(
            invoice=invoice, form_number=f"{as_of:%y}44030000{index + 1:08d}", amount=amount,
            reason=rng.choice(REASONS), raised_by="demo.manager", raised_at=raised,
        )  # fmt: skip
        if state == "confirmed":
            red_letter_confirm(
                correction=correction, confirmed_on=(raised + timedelta(days=1)).date(),
                confirmed_by="demo.manager", now=raised + timedelta(days=1),
                red_vat_invoice_number=f"{as_of:%y}32{90_000_000 + index:016d}",
            )  # fmt: skip
        made[f"red_letter_{state}"] += 1
    red_letter_lapse(now=noon - timedelta(days=1))
    dispute = (
        Dispute.objects.filter(
            status=DisputeStatus.OPEN, red_letter_correction__isnull=True, opened_on__lte=as_of
        )
        .order_by("pk")
        .first()
    )
    if dispute is not None:
        dispute_correct(
            dispute=dispute, form_number=f"{as_of:%y}4403000099999999", reason="allowance",
            raised_by="demo.manager", raised_at=noon,
        )  # fmt: skip
        made["red_letter_pending"] += 1
    return made

"""Red-letter corrections (红冲): a return, an allowance or an invoicing error ends in a negative
receivable against the original one, made by a red-letter confirmation form (红字确认单).

    red_letter_raise(...) -> RedLetterCorrection      # pending: no balance changes
    red_letter_confirm(...) -> RedLetterCorrection    # the other side confirmed: applied
    red_letter_lapse(*, now) -> int                   # pending past their time: lapsed

A pending correction is not yet an applied credit: the aging, the dunning and the balances keep
the original receivable whole. Confirming applies it through the ledger's own records, a credit
note against the invoice (its open balance at most) and, for the rest of an invoice already
paid, a credit note on the customer's account; so everything that reads the ledger uses the
corrected balance from the day of confirmation, and nothing else needs to know of corrections.
Unconfirmed after ``RED_LETTER_LAPSE_HOURS`` (72 by default) the form lapses, changing nothing.
Every change is in the audit trail (the model is registered with django-auditlog).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from huikuan.core.errors import RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.core.policy import policy_value
from huikuan.ledger.events import corrections_confirmed
from huikuan.ledger.models import CorrectionReason, CorrectionState, Invoice, RedLetterCorrection
from huikuan.ledger.services import credit_note_issue

FORM_NUMBER_MAX = 64


def _username(who) -> str:
    return who if isinstance(who, str) else who.get_username()


def corrected_amount(*, invoice: Invoice, states: tuple[str, ...]) -> Decimal:
    """The sum of the invoice's corrections in these states."""
    total = RedLetterCorrection.objects.filter(invoice=invoice, state__in=states).aggregate(t=Sum("amount"))
    return total["t"] or Decimal(0)


@transaction.atomic
def red_letter_raise(
    *,
    invoice: Invoice,
    form_number: str,
    amount: Decimal,
    reason: str,
    raised_by,
    raised_at: datetime | None = None,
    note: str = "",
    red_vat_invoice_number: str = "",
) -> RedLetterCorrection:
    """Raise a red-letter correction of ``amount`` against ``invoice``: pending until the other
    side confirms the form. Never more than what the invoice's other corrections leave of it."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    form_number = form_number.strip()
    if not form_number or len(form_number) > FORM_NUMBER_MAX:
        raise RuleViolation(gettext("give the red-letter confirmation form's number (at most 64 characters)"))
    if RedLetterCorrection.objects.filter(form_number=form_number).exists():
        raise RuleViolation(gettext("red-letter form %(form)s is already recorded") % {"form": form_number})
    if reason not in CorrectionReason.values:
        raise RuleViolation(
            gettext("unknown reason %(reason)r; one of %(choices)s")
            % {"reason": reason, "choices": ", ".join(CorrectionReason.values)}
        )
    if amount <= 0 or not is_whole_cents(amount):
        raise RuleViolation(
            gettext("a correction's amount is positive, in whole cents: %(amount)s") % {"amount": amount}
        )
    taken = corrected_amount(invoice=invoice, states=(CorrectionState.PENDING, CorrectionState.CONFIRMED))
    if taken + amount > invoice.amount:
        raise RuleViolation(
            gettext(
                "corrections of invoice %(number)s would reach %(total)s %(currency)s, more than its "
                "amount %(amount)s"
            )
            % {
                "number": invoice.number,
                "total": taken + amount,
                "currency": invoice.currency,
                "amount": invoice.amount,
            }
        )
    raised_at = raised_at or timezone.now()
    return RedLetterCorrection.objects.create(
        form_number=form_number,
        invoice=invoice,
        customer_id=invoice.customer_id,
        amount=amount,
        currency=invoice.currency,
        reason=reason,
        note=note,
        red_vat_invoice_number=red_vat_invoice_number.strip(),
        raised_at=raised_at,
        raised_by=_username(raised_by),
        lapses_at=raised_at + timedelta(hours=policy_value("RED_LETTER_LAPSE_HOURS")),
    )


def _lapse(correction: RedLetterCorrection, now: datetime) -> None:
    correction.state = CorrectionState.LAPSED
    correction.lapsed_at = now
    correction.save(update_fields=["state", "lapsed_at"])


@transaction.atomic
def red_letter_confirm(
    *,
    correction: RedLetterCorrection,
    confirmed_on: date,
    confirmed_by,
    now: datetime | None = None,
    red_vat_invoice_number: str = "",
) -> RedLetterCorrection:
    """The other side confirmed the form: the correction is applied to the ledger on
    ``confirmed_on`` as credit notes, and the listeners hear of it (a dispute it settles is
    resolved). A form past its time has lapsed and cannot be confirmed: raise a new one."""
    now = now or timezone.now()
    correction = RedLetterCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.state == CorrectionState.PENDING and now >= correction.lapses_at:
        # Past its time the form has lapsed, whether or not the job has recorded it yet.
        raise RuleViolation(
            gettext("red-letter form %(form)s lapsed unconfirmed at %(at)s; raise a new one")
            % {
                "form": correction.form_number,
                "at": f"{timezone.localtime(correction.lapses_at):%Y-%m-%d %H:%M}",
            }
        )
    if correction.state != CorrectionState.PENDING:
        raise RuleViolation(
            gettext("red-letter form %(form)s is %(state)s; only a pending one can be confirmed")
            % {"form": correction.form_number, "state": correction.get_state_display()}
        )
    invoice = Invoice.objects.select_for_update().get(pk=correction.invoice_id)
    if confirmed_on < invoice.invoice_date:
        raise RuleViolation(
            gettext("a correction cannot be confirmed before the invoice's date %(date)s")
            % {"date": invoice.invoice_date}
        )
    against_invoice = min(correction.amount, invoice.open_amount)
    on_account = correction.amount - against_invoice
    label = gettext("red-letter correction %(form)s") % {"form": correction.form_number}
    fields = []
    if against_invoice > 0:
        correction.credit_note = credit_note_issue(
            number=f"RL-{correction.form_number}",
            customer=correction.customer,
            invoice=invoice,
            note_date=confirmed_on,
            amount=against_invoice,
            currency=correction.currency,
            fx_rate=invoice.fx_rate,
            reason=label,
        )
        fields.append("credit_note")
    if on_account > 0:
        correction.account_credit_note = credit_note_issue(
            number=f"RL-{correction.form_number}-A",
            customer=correction.customer,
            note_date=confirmed_on,
            amount=on_account,
            currency=correction.currency,
            fx_rate=invoice.fx_rate,
            reason=label,
        )
        fields.append("account_credit_note")
    correction.state = CorrectionState.CONFIRMED
    correction.confirmed_on = confirmed_on
    correction.confirmed_by = _username(confirmed_by)
    if red_vat_invoice_number.strip():
        correction.red_vat_invoice_number = red_vat_invoice_number.strip()
        fields.append("red_vat_invoice_number")
    correction.save(update_fields=["state", "confirmed_on", "confirmed_by", *fields])
    corrections_confirmed(correction_ids=[correction.pk], on=confirmed_on)
    return correction


@transaction.atomic
def red_letter_lapse(*, now: datetime) -> int:
    """Every pending correction unconfirmed past its time lapses (nothing else changes).
    Claims the rows it lapses: a second run at the same time finds none left."""
    due = RedLetterCorrection.objects.select_for_update().filter(
        state=CorrectionState.PENDING, lapses_at__lte=now
    )
    count = 0
    for correction in due.order_by("pk"):
        _lapse(correction, now)
        count += 1
    return count


def correction_as_dict(correction: RedLetterCorrection) -> dict:
    """A correction as the API and ``huikuan redletter list --json`` write it."""
    return {
        "form_number": correction.form_number,
        "customer": correction.customer.code,
        "invoice": correction.invoice.number,
        "amount": f"{correction.signed_amount:.2f}",
        "currency": correction.currency,
        "reason": correction.reason,
        "state": correction.state,
        "raised_at": correction.raised_at.isoformat(),
        "raised_by": correction.raised_by,
        "lapses_at": correction.lapses_at.isoformat(),
        "confirmed_on": correction.confirmed_on.isoformat() if correction.confirmed_on else None,
        "confirmed_by": correction.confirmed_by,
        "red_vat_invoice_number": correction.red_vat_invoice_number,
    }

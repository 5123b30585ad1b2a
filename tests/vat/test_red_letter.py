"""Red-letter corrections (红冲) from raised to every end state: pending changes nothing,
confirmed applies the credit (aging and dunning use the corrected balance from then on),
lapsed changes nothing; a dispute is resolved by a confirmed correction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from huikuan.collections.corrections import dispute_correct
from huikuan.collections.models import Dispute
from huikuan.collections.run import dunning_run
from huikuan.collections.services import dispute_open
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.ledger.corrections import red_letter_confirm, red_letter_lapse, red_letter_raise
from huikuan.ledger.models import CreditNote, Invoice
from huikuan.reporting.selectors import aging_report
from tests.vat.conftest import RAISED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
AS_OF = date(2026, 3, 20)


def _aging(as_of=AS_OF) -> dict:
    row = next(r for r in aging_report(as_of=as_of).as_dict()["rows"] if r["key"] == "HY01")
    return {"balance": row["balance"], **{k: v for k, v in row["buckets"].items() if v != "0.00"}}


def _raise(invoice, amount="2000.00", form="4403000000000001", **kw):
    return red_letter_raise(
        invoice=invoice,
        form_number=form,
        amount=Decimal(amount),
        reason=kw.pop("reason", "return"),
        raised_by="credit_li",
        raised_at=kw.pop("raised_at", RAISED),
        **kw,
    )


def test_a_pending_correction_changes_no_balance_and_confirmed_it_reduces_the_receivable(ledger):
    before = _aging()
    assert before == {"balance": "20000.00", "31-60": "10000.00", "1-30": "6000.00", "current": "4000.00"}
    correction = _raise(ledger["A"])
    assert correction.state == "pending" and correction.signed_amount == Decimal("-2000.00")
    assert _aging() == before
    assert Invoice.objects.get(pk=ledger["A"].pk).open_amount == Decimal("10000.00")

    red_letter_confirm(
        correction=correction, confirmed_on=date(2026, 3, 11), confirmed_by="credit_li", now=RAISED
    )
    correction.refresh_from_db()
    assert correction.state == "confirmed"
    assert correction.credit_note.amount == Decimal("2000.00")
    assert correction.credit_note.invoice_id == ledger["A"].pk
    assert _aging() == {"balance": "18000.00", "31-60": "8000.00", "1-30": "6000.00", "current": "4000.00"}
    # As of the day before it was confirmed the aging is as it was.
    assert _aging(date(2026, 3, 10))["balance"] == "20000.00"
    assert LogEntry.objects.filter(content_type__model="redlettercorrection").count() == 2


def test_a_correction_beyond_the_open_balance_leaves_the_rest_on_the_customers_account(ledger, pay):
    pay(ledger["A"], date(2026, 2, 1), "9000.00")
    correction = _raise(ledger["A"], "2500.00")
    red_letter_confirm(
        correction=correction, confirmed_on=date(2026, 3, 11), confirmed_by="credit_li", now=RAISED
    )
    correction.refresh_from_db()
    assert correction.credit_note.amount == Decimal("1000.00")
    assert correction.account_credit_note.amount == Decimal("1500.00")
    assert correction.account_credit_note.invoice is None
    assert Invoice.objects.get(pk=ledger["A"].pk).open_amount == Decimal("0.00")
    row = next(r for r in aging_report(as_of=AS_OF).as_dict()["rows"] if r["key"] == "HY01")
    assert (row["balance"], row["unapplied"]) == ("10000.00", "1500.00")


def test_pending_past_72_hours_lapses_and_nothing_changes(ledger):
    correction = _raise(ledger["A"])
    assert red_letter_lapse(now=RAISED + timedelta(hours=71, minutes=59)) == 0
    assert red_letter_lapse(now=RAISED + timedelta(hours=72)) == 1
    assert red_letter_lapse(now=RAISED + timedelta(hours=73)) == 0  # already lapsed: run twice, same
    correction.refresh_from_db()
    assert correction.state == "lapsed"
    assert _aging()["balance"] == "20000.00"
    assert not CreditNote.objects.exists()
    with pytest.raises(RuleViolation, match="lapsed"):
        red_letter_confirm(correction=correction, confirmed_on=date(2026, 3, 14), confirmed_by="credit_li")


def test_a_form_past_its_time_cannot_be_confirmed_even_before_the_job_ran(ledger):
    correction = _raise(ledger["A"])
    with pytest.raises(RuleViolation, match="lapsed unconfirmed"):
        red_letter_confirm(
            correction=correction,
            confirmed_on=date(2026, 3, 13),
            confirmed_by="credit_li",
            now=RAISED + timedelta(hours=72),
        )
    assert not CreditNote.objects.exists()


def test_the_lapse_time_is_a_business_setting(ledger):
    policy_set(key="RED_LETTER_LAPSE_HOURS", value=24)
    correction = _raise(ledger["A"])
    assert correction.lapses_at == RAISED + timedelta(hours=24)


def test_corrections_never_exceed_the_receivable_nor_reuse_a_form(ledger):
    _raise(ledger["B"], "5000.00")
    with pytest.raises(RuleViolation, match="more than its amount"):
        _raise(ledger["B"], "1000.01", form="4403000000000002")
    with pytest.raises(RuleViolation, match="already recorded"):
        _raise(ledger["C"], "10.00")
    with pytest.raises(RuleViolation, match="whole cents"):
        _raise(ledger["C"], "10.001", form="4403000000000003")
    with pytest.raises(RuleViolation, match="unknown reason"):
        _raise(ledger["C"], "10.00", form="4403000000000004", reason="mood")


def test_dunning_uses_the_corrected_balance_only_once_confirmed(ledger):
    correction = _raise(ledger["B"], "6000.00", reason="invoicing_error")
    day = date(2026, 4, 15)  # B is 34 days past due
    pending = dunning_run(date=day, dry_run=True)
    assert any("YS-B" in a.invoice_numbers for a in pending.actions)
    red_letter_confirm(
        correction=correction, confirmed_on=date(2026, 3, 11), confirmed_by="credit_li", now=RAISED
    )
    confirmed = dunning_run(date=day, dry_run=True)
    assert not any("YS-B" in a.invoice_numbers for a in confirmed.actions)


def test_a_dispute_is_resolved_by_its_confirmed_correction_and_stays_open_if_it_lapses(ledger):
    dispute = dispute_open(
        invoice=ledger["A"],
        amount=Decimal("1500.00"),
        reason_code="quality",
        owner="zhang.wei",
        opened_on=date(2026, 3, 9),
        opened_by="zhang.wei",
    )
    lapsing = dispute_correct(
        dispute=dispute, form_number="F-1", reason="allowance", raised_by="li", raised_at=RAISED
    )
    assert lapsing.amount == Decimal("1500.00")
    red_letter_lapse(now=RAISED + timedelta(days=3))
    dispute.refresh_from_db()
    assert dispute.status == "open"

    later = RAISED + timedelta(days=4)
    correction = dispute_correct(
        dispute=dispute, form_number="F-2", reason="allowance", raised_by="li", raised_at=later
    )
    with pytest.raises(RuleViolation, match="already waits"):
        dispute_correct(
            dispute=dispute, form_number="F-3", reason="allowance", raised_by="li", raised_at=later
        )
    red_letter_confirm(correction=correction, confirmed_on=date(2026, 3, 15), confirmed_by="li", now=later)
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert (dispute.status, dispute.resolved_on) == ("resolved", date(2026, 3, 15))
    assert "F-2" in dispute.resolution
    assert Invoice.objects.get(pk=ledger["A"].pk).open_amount == Decimal("8500.00")

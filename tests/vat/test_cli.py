"""``huikuan invoicing`` and ``huikuan redletter``: the report as JSON and as a table, a form
confirmed from the command line, the forms past their time lapsed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from huikuan.ledger.corrections import red_letter_raise
from huikuan.ledger.models import RedLetterCorrection
from huikuan.vat.services import vat_invoice_record

pytestmark = pytest.mark.django_db


def test_the_invoicing_report_as_json_and_as_a_table(ledger, huikuan):
    vat_invoice_record(
        number="04400123", kind="special", customer=ledger["A"].customer, issue_date=date(2026, 2, 1),
        amount=Decimal("10000.00"), links=[(ledger["A"], Decimal("10000.00"))],
    )  # fmt: skip
    data = huikuan("invoicing", "--as-of", "2026-03-20", "--json").json()
    hy01 = next(row for row in data["rows"] if row["customer"] == "HY01")
    assert (hy01["not_invoiced_total"], hy01["invoiced_not_collected_total"]) == ("10000.00", "10000.00")
    assert hy01["invoiced_not_collected"]["31-60"] == "10000.00"
    one = huikuan("invoicing", "--as-of", "2026-03-20", "--customer", "HY02", "--json").json()
    assert [row["customer"] for row in one["rows"]] == ["HY02"]
    text = huikuan("invoicing", "--as-of", "2026-03-20").stdout
    assert "HY01" in text and "total not invoiced 13000.00" in text


def test_a_form_is_confirmed_and_another_lapses_from_the_command_line(ledger, huikuan):
    now = timezone.now()
    red_letter_raise(
        invoice=ledger["A"], form_number="F-OK", amount=Decimal("100.00"), reason="return",
        raised_by="li", raised_at=now,
    )  # fmt: skip
    red_letter_raise(
        invoice=ledger["B"], form_number="F-OLD", amount=Decimal("100.00"), reason="return",
        raised_by="li", raised_at=now - timedelta(hours=80),
    )  # fmt: skip
    assert huikuan("redletter", "confirm", "F-OK", "--on", "2026-03-11").stdout.strip() == "confirmed F-OK"
    assert huikuan("redletter", "lapse").stdout.strip() == "lapsed 1"
    listed = huikuan("redletter", "list", "--json").json()
    assert {d["form_number"]: d["state"] for d in listed} == {"F-OK": "confirmed", "F-OLD": "lapsed"}
    with pytest.raises(CommandError, match="F-OLD"):
        huikuan("redletter", "confirm", "F-OLD", "--on", "2026-03-11")
    assert RedLetterCorrection.objects.get(form_number="F-OLD").credit_note is None

"""``huikuan import vat-invoices FILE``: a VAT invoice over several receivables and a receivable
over several VAT invoices; a bad row refuses the whole file, naming row, column and reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.core.errors import InputRejected
from huikuan.ledger.imports import ledger_import
from huikuan.vat.models import VatInvoice, VatInvoiceLink

pytestmark = pytest.mark.django_db
HEADER = "发票号码,发票种类,客户编码,开票日期,价税合计,应收单号,本次开票金额\n"
GOOD = (
    "26442000000000000001,数电专票,HY01,2026-02-01,10000.00,YS-A,6000.00\n"
    "26442000000000000001,数电专票,HY01,2026-02-01,10000.00,YS-B,4000.00\n"
    "04400123,专票,HY01,2026-03-15,4000.00,YS-A,4000.00\n"
)


def _file(tmp_path, body: str):
    path = tmp_path / "vat.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_links_are_imported_once_and_a_changed_amount_is_updated(ledger, tmp_path):
    result = ledger_import(kind="vat-invoices", path=_file(tmp_path, GOOD))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert VatInvoice.objects.count() == 2
    assert sorted(VatInvoiceLink.objects.values_list("invoice__number", "amount")) == [
        ("YS-A", Decimal("4000.00")),
        ("YS-A", Decimal("6000.00")),
        ("YS-B", Decimal("4000.00")),
    ]
    again = ledger_import(kind="vat-invoices", path=_file(tmp_path, GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD.replace("YS-B,4000.00", "YS-B,3500.00")
    assert ledger_import(kind="vat-invoices", path=_file(tmp_path, changed)).updated == 1


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("2644200000000000001,数电专票,HY01,2026-02-01,100.00,YS-C,100.00", "发票号码", "20 digits"),
        ("04400125,专票,HY01,2026-02-01,100.00,YS-D,100.00", "应收单号", "not customer HY01"),
        ("04400125,专票,HY01,2026-02-01,100.00,YS-C,100.01", "本次开票金额", "more than the VAT invoice"),
        ("04400125,专票,HY01,2026-02-01,5000.00,YS-C,4000.01", "本次开票金额", "more than its amount"),
        ("04400125,纸票,HY01,2026-02-01,100.00,YS-C,100.00", "发票种类", "not a kind of VAT invoice"),
        ("04400125,专票,HY09,2026-02-01,100.00,YS-C,100.00", "客户编码", "no customer"),
        ("04400123,专票,HY01,2026-03-16,4000.00,YS-C,100.00", "发票号码", "other details"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(ledger, tmp_path, row, column, reason):
    with translation.override("en"), pytest.raises(InputRejected) as refused:
        ledger_import(kind="vat-invoices", path=_file(tmp_path, GOOD + row + "\n"))
    errors = [e.as_dict() for e in refused.value.errors]
    assert [(e["line"], e["column"]) for e in errors] == [(5, column)], errors
    assert reason in errors[0]["reason"]
    assert not VatInvoice.objects.exists() and not VatInvoiceLink.objects.exists()

"""``huikuan import bills FILE``: all of it or nothing, every bad row named by line, column and
reason; the same file again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huikuan.accounts.services import user_create
from huikuan.bills.models import Bill
from huikuan.bills.rules import BillStatus
from huikuan.ledger.models import Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue

HEADER = (
    "票据号码,子票区间,票据种类,电子票据,客户编码,出票人,承兑人,承兑人开户行,"
    "出票日期,到期日,收票日期,票面金额,结算应收单\n"
)
GOOD = (
    "531058000001220260208000000001,1-8000000,商承,是,HD001,华东机械有限公司,华东机械有限公司,工行上海分行,"
    "2026-02-08,2026-08-08,2026-02-10,80000.00,YS-1:50000.00;YS-2\n"
    "131058000001220260208000000002,,银承,是,HD001,华东机械有限公司,工商银行上海分行,,"
    "2026-02-08,2026-05-08,2026-02-11,45000.00,YS-2\n"
)


@pytest.fixture
def hd001(db):
    customer = customer_create(code="HD001", name="华东机械", credit_class="B", term_days=30)
    invoice_issue(
        number="YS-1", customer=customer, invoice_date=date(2026, 1, 5), amount=Decimal("100000.00")
    )
    invoice_issue(
        number="YS-2", customer=customer, invoice_date=date(2026, 1, 20), amount=Decimal("60000.00")
    )
    return customer


def write(tmp_path, body: str):
    path = tmp_path / "bills.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_file_of_bills_settles_their_invoices_in_order_and_twice_changes_nothing(hd001, huikuan, tmp_path):
    path = write(tmp_path, GOOD)
    result = huikuan("import", "bills", str(path), "--json")
    assert result.code == 0, result.stderr
    assert result.json()["created"] == 2
    # YS-1: 50,000 of the first bill; YS-2: its other 30,000, then 30,000 of the second, whose
    # last 15,000 stays on the customer's account.
    assert Invoice.objects.get(number="YS-1").open_amount == Decimal("50000.00")
    assert Invoice.objects.get(number="YS-2").open_amount == Decimal("0.00")
    second = Bill.objects.get(number="131058000001220260208000000002")
    assert (second.kind, second.status, second.sub_range_start) == ("bank", BillStatus.HELD, None)
    assert Payment.objects.get(reference=second.payment_reference).unallocated_amount == Decimal("15000.00")
    again = huikuan("import", "bills", str(path), "--json")
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert Bill.objects.count() == 2


def test_bad_rows_refuse_the_whole_file_naming_line_column_and_reason(hd001, huikuan, tmp_path):
    bad = (
        GOOD
        # An electronic bill of more than six months.
        + "531058000001220260208000000003,,商承,是,HD001,甲,甲,,2026-02-08,2026-08-09,2026-02-10,1000.00,\n"
        # A sub-range that does not count the amount.
        + "531058000001220260208000000004,1-100,商承,是,HD001,甲,甲,,"
        + "2026-02-08,2026-05-08,2026-02-10,1000.00,\n"
        # More than the invoice still owes after the rows above.
        + "531058000001220260208000000005,,商承,否,HD001,甲,甲,,2026-02-08,2026-05-08,2026-02-10,60000.00,"
        + "YS-1:60000.00\n"
        # An unknown customer and an unknown kind.
        + "531058000001220260208000000006,,支票,是,XX999,甲,甲,,2026-02-08,2026-05-08,2026-02-10,1000.00,\n"
    )
    result = huikuan("import", "bills", str(write(tmp_path, bad)), "--json")
    assert result.code == 1
    errors = {(e["line"], e["column"]) for e in result.json()["errors"]}
    # Columns are named as the file's header names them.
    assert {(4, "到期日"), (5, "子票区间"), (6, "结算应收单"), (7, "票据种类")} <= errors
    reasons = " ".join(e["reason"] for e in result.json()["errors"])
    assert "6 months" in reasons and "exceeds its open balance" in reasons
    assert not Bill.objects.exists() and not Payment.objects.exists()
    assert Invoice.objects.get(number="YS-1").open_amount == Decimal("100000.00")


def test_a_bill_received_again_with_other_details_is_refused(hd001, huikuan, tmp_path):
    assert huikuan("import", "bills", str(write(tmp_path, GOOD))).code == 0
    changed = GOOD.replace("80000.00,YS-1:50000.00;YS-2", "80000.00,YS-1:40000.00").replace(
        "2026-02-10,80000.00", "2026-02-12,80000.00"
    )
    result = huikuan("import", "bills", str(write(tmp_path, changed)), "--json")
    assert result.code == 1
    assert result.json()["errors"][0]["column"] == "票据号码"


def test_the_import_page_takes_a_file_of_bills_from_the_credit_manager(hd001, tmp_path, client):
    manager = user_create(username="wang_credit", role="credit_manager", password="Huikuan-test-pw-1").user
    client.force_login(manager)
    upload = SimpleUploadedFile("bills.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    response = client.post("/import/", {"kind": "bills", "file": upload})
    assert response.status_code == 200, response.content[:500]
    assert Bill.objects.count() == 2

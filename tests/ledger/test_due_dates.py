"""SPEC §2, §5.2: when an invoice falls due, and how a granted extension moves it.

Seed 002: the credit period starts counting 5 days after the invoice is issued; a
customer's own term wins, else its class's (A 60, B 45, C 30, D 0), else 30 days.
Extensions of up to 30 days move the due date and are kept as records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Invoice, TermExtension
from huikuan.ledger.services import invoice_extend_term
from tests.ledger.erp_files import INVOICES_CSV

# Two customers beside those of the shared ledger: 港城物流 (class A) negotiated 20 days;
# 荆楚钢贸 (class A too) pays cash, a term of 0 days; 太湖纺织 has neither class nor term.
MORE_CUSTOMERS = """\
customer_code,name,credit_class,term_days
NB006,宁波港城物流有限公司,A,20
HB009,湖北荆楚钢贸有限公司,A,0
WX007,无锡太湖纺织有限公司,,
"""


@pytest.fixture
def march_invoices(customers, huikuan, write_file):
    """One invoice per customer dated 1 March 2024, none with a due date."""
    assert huikuan("import", "customers", write_file("kehu-2.csv", MORE_CUSTOMERS)).code == 0
    rows = [
        f"YS-{code},{code},2024-03-01,,10000.00" for code in ("HZ001", "NB006", "HB009", "SZ002", "CD003")
    ]
    rows += ["YS-BJ004,BJ004,2024-03-01,,10000.00", "YS-WX007,WX007,2024-03-01,,10000.00"]
    rows += ["YS-EXPLICIT,CD003,2024-03-01,2024-06-30,10000.00"]
    path = write_file("yingshou-03.csv", "invoice_number,customer_code,invoice_date,due_date,amount\n")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    assert huikuan("import", "invoices", path).code == 0


@pytest.mark.parametrize(
    ("customer", "due"),
    [
        pytest.param("HZ001", date(2024, 5, 5), id="own-term-60-days"),
        pytest.param("NB006", date(2024, 3, 26), id="own-term-20-days-beats-class-A"),
        pytest.param("HB009", date(2024, 3, 6), id="own-term-0-days-beats-class-A"),
        pytest.param("SZ002", date(2024, 4, 20), id="class-B-45-days"),
        pytest.param("CD003", date(2024, 4, 5), id="class-C-30-days"),
        pytest.param("BJ004", date(2024, 3, 6), id="class-D-cash-before-delivery"),
        pytest.param("WX007", date(2024, 4, 5), id="no-term-no-class-30-days"),
    ],
)
def test_missing_due_date_is_invoice_date_plus_5_days_plus_the_term(march_invoices, customer, due):
    invoice = Invoice.objects.get(number=f"YS-{customer}")
    assert (invoice.due_date, invoice.original_due_date) == (due, due)


def test_due_date_given_by_the_erp_is_kept(march_invoices):
    invoice = Invoice.objects.get(number="YS-EXPLICIT")
    assert (invoice.due_date, invoice.original_due_date) == (date(2024, 6, 30), date(2024, 6, 30))


def test_a_later_change_of_the_customers_term_does_not_move_issued_invoices(
    march_invoices, huikuan, write_file
):
    terms = write_file("kehu-3.csv", "customer_code,name,term_days\nCD003,成都锦江贸易有限公司,15\n")
    assert huikuan("import", "customers", terms).code == 0
    again = write_file(
        "yingshou-03b.csv",
        "invoice_number,customer_code,invoice_date,amount\nYS-CD003,CD003,2024-03-01,10000\n",
    )

    data = huikuan("import", "invoices", again, "--json").json()

    assert data["unchanged"] == 1
    assert Invoice.objects.get(number="YS-CD003").due_date == date(2024, 4, 5)


@pytest.fixture
def hupan_invoice(invoices) -> Invoice:
    """湖畔机电's 100 000 invoice of 1 March, due 5 May 2024."""
    return Invoice.objects.get(number="YS-2024-0301")


def _extend(invoice: Invoice, days: int) -> TermExtension:
    return invoice_extend_term(
        invoice=invoice,
        days=days,
        reason="客户资金周转，部门长同意延期",
        approved_by="华东销售部 部长 陈刚",
        granted_on=date(2024, 4, 28),
    )


def test_extension_moves_the_due_date_and_keeps_the_original(hupan_invoice):
    extension = _extend(hupan_invoice, 20)

    invoice = Invoice.objects.get(pk=hupan_invoice.pk)
    assert (invoice.due_date, invoice.original_due_date) == (date(2024, 5, 25), date(2024, 5, 5))
    assert (extension.previous_due_date, extension.new_due_date, extension.days) == (
        date(2024, 5, 5),
        date(2024, 5, 25),
        20,
    )
    assert list(invoice.term_extensions.all()) == [extension]
    assert extension.approved_by == "华东销售部 部长 陈刚"
    [entry] = LogEntry.objects.get_for_object(invoice).filter(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict == {"due_date": ["2024-05-05", "2024-05-25"]}


def test_extension_of_30_days_is_granted_but_31_is_refused(hupan_invoice):
    with pytest.raises(RuleViolation, match=r"at most 30 days in all; .* already has 0, asked for 31"):
        _extend(hupan_invoice, 31)

    assert Invoice.objects.get(pk=hupan_invoice.pk).due_date == date(2024, 5, 5)
    assert not TermExtension.objects.exists()

    _extend(hupan_invoice, 30)
    assert Invoice.objects.get(pk=hupan_invoice.pk).due_date == date(2024, 6, 4)


def test_extensions_add_up_to_30_days_at_most(hupan_invoice):
    _extend(hupan_invoice, 20)
    with pytest.raises(RuleViolation, match="already has 20, asked for 11 more"):
        _extend(hupan_invoice, 11)
    _extend(hupan_invoice, 10)

    invoice = Invoice.objects.get(pk=hupan_invoice.pk)
    assert (invoice.due_date - invoice.original_due_date).days == 30
    assert invoice.term_extensions.count() == 2


@pytest.mark.parametrize("days", [0, -3])
def test_extension_must_move_the_due_date_later(hupan_invoice, days):
    with pytest.raises(RuleViolation, match="moves the due date later"):
        _extend(hupan_invoice, days)
    assert not TermExtension.objects.exists()


def test_extension_without_an_approver_is_refused(hupan_invoice):
    with pytest.raises(RuleViolation, match="approver"):
        invoice_extend_term(
            invoice=hupan_invoice, days=10, reason="口头同意", approved_by="  ", granted_on=date(2024, 4, 28)
        )
    assert Invoice.objects.get(pk=hupan_invoice.pk).due_date == date(2024, 5, 5)


def test_reimporting_the_erp_file_keeps_the_granted_extension(hupan_invoice, huikuan, write_file):
    _extend(hupan_invoice, 20)

    # The ERP still exports the original due date, 2024-05-05.
    data = huikuan("import", "invoices", write_file("yingshou.csv", INVOICES_CSV), "--json").json()

    assert (data["updated"], data["unchanged"]) == (0, 5)
    invoice = Invoice.objects.get(pk=hupan_invoice.pk)
    assert (invoice.due_date, invoice.original_due_date) == (date(2024, 5, 25), date(2024, 5, 5))
    assert TermExtension.objects.count() == 1


def test_erp_correcting_the_original_due_date_keeps_the_extension_on_top(hupan_invoice, huikuan, write_file):
    _extend(hupan_invoice, 20)
    corrected = INVOICES_CSV.replace(
        "YS-2024-0301,HZ001,2024-03-01,2024-05-05", "YS-2024-0301,HZ001,2024-03-01,2024-05-10"
    )

    data = huikuan("import", "invoices", write_file("yingshou-fix.csv", corrected), "--json").json()

    assert data["updated"] == 1
    invoice = Invoice.objects.get(pk=hupan_invoice.pk)
    assert (invoice.original_due_date, invoice.due_date) == (date(2024, 5, 10), date(2024, 5, 30))
    entry = LogEntry.objects.get_for_object(invoice).filter(actor_email__startswith="import:").get()
    assert entry.changes_dict == {
        "due_date": ["2024-05-25", "2024-05-30"],
        "original_due_date": ["2024-05-05", "2024-05-10"],
    }


def test_extended_invoice_is_not_overdue_in_the_aging_until_its_new_due_date(hupan_invoice, huikuan):
    _extend(hupan_invoice, 20)

    report = huikuan("aging", "--as-of", "2024-05-20", "--json").json()

    hupan = next(row for row in report["rows"] if row["key"] == "HZ001")
    # YS-2024-0301 (extended to 25 May) is still current; YS-2024-0302 (due 6 May) is 14 days late.
    assert Decimal(hupan["buckets"]["current"]) == Decimal("100000.00")
    assert Decimal(hupan["buckets"]["1-30"]) == Decimal("50000.00")

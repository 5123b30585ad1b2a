"""SPEC §2-§3: imports are idempotent and changes go through the audit trail.

Re-importing the ERP's daily export must not create a second anything; a row the ERP
changed updates its record, and the audit trail keeps who, when, before and after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from huikuan.ledger.models import Allocation, CreditNote, Customer, ImportBatch, Invoice, Payment
from tests.ledger.erp_files import CUSTOMERS_CSV, INVOICES_CSV

PAYMENTS_CSV = """\
payment_ref,customer_code,payment_date,amount,method,payer_name,invoice_number
HK-20240415-01,HZ001,2024-04-15,30000.00,电汇,杭州湖畔机电有限公司,YS-2024-0301
HK-20240420-02,SZ002,2024-04-20,90000.00,电汇,深圳南山电子有限公司,
"""
ALLOCATIONS_CSV = """\
payment_ref,invoice_number,amount,allocation_date
HK-20240420-02,YS-2024-0303,80000.00,2024-04-22
"""
CREDIT_NOTES_CSV = """\
credit_note_number,customer_code,invoice_number,date,amount,reason
CD-CN-001,CD003,YS-2024-0304,2024-03-20,3000.00,质量折让
CD-CN-002,CD003,,2024-03-25,500.00,返利
"""


def _balances() -> dict[str, Decimal]:
    invoices = {i.number: i.open_amount for i in Invoice.objects.all()}
    payments = {p.reference: p.unallocated_amount for p in Payment.objects.all()}
    return invoices | payments


def _updates_of(model) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_model(model).filter(action=LogEntry.Action.UPDATE))


@pytest.fixture
def full_ledger(invoices, huikuan, write_file):
    """All five kinds imported once; returns each kind's file path."""
    files = {
        "customers": write_file("kehu.csv", CUSTOMERS_CSV),
        "invoices": write_file("yingshou.csv", INVOICES_CSV),
        "payments": write_file("huikuan.csv", PAYMENTS_CSV),
        "allocations": write_file("hexiao.csv", ALLOCATIONS_CSV),
        "credit-notes": write_file("hongzi.csv", CREDIT_NOTES_CSV),
    }
    for kind in ("payments", "allocations", "credit-notes"):
        assert huikuan("import", kind, files[kind]).code == 0
    return files


@pytest.mark.parametrize("kind", ["customers", "invoices", "payments", "allocations", "credit-notes"])
def test_importing_the_same_file_again_changes_nothing(full_ledger, huikuan, ledger_counts, kind):
    before, balances = ledger_counts(), _balances()
    batches = {
        model: set(model.objects.values_list("import_batch", flat=True)) for model in (Invoice, Payment)
    }

    result = huikuan("import", kind, full_ledger[kind], "--json")

    assert result.code == 0
    data = result.json()
    assert (data["created"], data["updated"]) == (0, 0)
    assert data["unchanged"] == data["rows"] > 0
    after = ledger_counts()
    # The run itself is recorded as an import batch; nothing else is new.
    assert after.pop("ImportBatch") == before.pop("ImportBatch") + 1
    assert after == before
    assert _balances() == balances
    assert {m: set(m.objects.values_list("import_batch", flat=True)) for m in batches} == batches


def test_changed_invoice_row_updates_it_and_the_audit_trail_keeps_before_and_after(
    invoices, huikuan, write_file
):
    changed = INVOICES_CSV.replace("100000.00,CNY,,SO-88001,张伟", "120000.00,CNY,,SO-88001,王磊")
    assert changed != INVOICES_CSV

    data = huikuan("import", "invoices", write_file("yingshou-0402.csv", changed), "--json").json()

    assert (data["created"], data["updated"], data["unchanged"]) == (0, 1, 4)
    invoice = Invoice.objects.get(number="YS-2024-0301")
    assert (invoice.amount, invoice.open_amount, invoice.salesperson) == (
        Decimal("120000.00"),
        Decimal("120000.00"),
        "王磊",
    )
    [entry] = _updates_of(Invoice)
    assert entry.object_pk == str(invoice.pk)
    assert entry.changes_dict == {"amount": ["100000.00", "120000.00"], "salesperson": ["张伟", "王磊"]}
    assert entry.actor_email.startswith("import:invoices:")
    assert entry.additional_data == {"source": "import:invoices"}


def test_changed_customer_terms_and_owner_are_audited(customers, huikuan, write_file):
    changed = CUSTOMERS_CSV.replace(
        "HZ001,杭州湖畔机电有限公司,A,500000.00,60,张伟", "HZ001,杭州湖畔机电有限公司,A,800000.00,45,周杰"
    )

    data = huikuan("import", "customers", write_file("kehu-0501.csv", changed), "--json").json()

    assert (data["updated"], data["unchanged"]) == (1, 4)
    hupan = Customer.objects.get(code="HZ001")
    assert (hupan.credit_limit, hupan.term_days, hupan.salesperson) == (Decimal("800000.00"), 45, "周杰")
    [entry] = _updates_of(Customer)
    assert entry.changes_dict == {
        "credit_limit": ["500000.00", "800000.00"],
        "term_days": ["60", "45"],
        "salesperson": ["张伟", "周杰"],
    }
    assert entry.actor_email.startswith("import:customers:")


def test_corrected_payment_amount_is_audited_and_its_allocation_kept(full_ledger, huikuan, write_file):
    corrected = PAYMENTS_CSV.replace("2024-04-20,90000.00", "2024-04-20,95000.00")

    data = huikuan("import", "payments", write_file("huikuan-2.csv", corrected), "--json").json()

    assert (data["updated"], data["unchanged"]) == (1, 1)
    payment = Payment.objects.get(reference="HK-20240420-02")
    assert (payment.amount, payment.allocated_amount, payment.unallocated_amount) == (
        Decimal("95000.00"),
        Decimal("80000.00"),
        Decimal("15000.00"),
    )
    [entry] = _updates_of(Payment)
    assert entry.changes_dict == {"amount": ["90000.00", "95000.00"]}
    assert entry.actor_email.startswith("import:payments:")


def test_corrected_allocation_moves_both_balances_and_is_audited(full_ledger, huikuan, write_file):
    corrected = ALLOCATIONS_CSV.replace("80000.00", "75000.00")

    data = huikuan("import", "allocations", write_file("hexiao-2.csv", corrected), "--json").json()

    assert data["updated"] == 1
    invoice = Invoice.objects.get(number="YS-2024-0303")
    assert (invoice.open_amount, invoice.closed_on) == (Decimal("5000.00"), None)
    assert Payment.objects.get(reference="HK-20240420-02").unallocated_amount == Decimal("15000.00")
    [entry] = _updates_of(Allocation)
    assert entry.changes_dict == {"amount": ["80000.00", "75000.00"]}
    assert entry.actor_email.startswith("import:allocations:")


def test_corrected_credit_note_changes_the_invoice_balance(full_ledger, huikuan, write_file):
    corrected = CREDIT_NOTES_CSV.replace("3000.00,质量折让", "4500.00,质量折让（复核后）")

    data = huikuan("import", "credit-notes", write_file("hongzi-2.csv", corrected), "--json").json()

    assert (data["updated"], data["unchanged"]) == (1, 1)
    assert Invoice.objects.get(number="YS-2024-0304").open_amount == Decimal("25500.00")
    [entry] = _updates_of(CreditNote)
    assert entry.changes_dict == {
        "amount": ["3000.00", "4500.00"],
        "reason": ["质量折让", "质量折让（复核后）"],
    }


def test_empty_cells_leave_stored_values_as_they_are(full_ledger, huikuan, write_file):
    sparse_customers = write_file(
        "kehu-sparse.csv",
        "customer_code,name,credit_class,credit_limit,term_days,salesperson,email,currency\n"
        "HZ001,杭州湖畔机电有限公司,,,,,,\n",
    )
    sparse_invoices = write_file(
        "yingshou-sparse.csv",
        "invoice_number,customer_code,invoice_date,due_date,amount,order_number,salesperson\n"
        "YS-2024-0301,HZ001,2024-03-01,,100000.00,,\n",
    )
    sparse_payments = write_file(
        "huikuan-sparse.csv",
        "payment_ref,customer_code,payment_date,amount,method,payer_name,memo\n"
        "HK-20240415-01,,2024-04-15,30000.00,,,\n",
    )
    log_entries = LogEntry.objects.count()

    for kind, path in (
        ("customers", sparse_customers),
        ("invoices", sparse_invoices),
        ("payments", sparse_payments),
    ):
        data = huikuan("import", kind, path, "--json").json()
        assert (data["updated"], data["unchanged"]) == (0, 1), kind

    hupan = Customer.objects.get(code="HZ001")
    assert (hupan.credit_class, hupan.credit_limit, hupan.term_days) == ("A", Decimal("500000.00"), 60)
    assert (hupan.salesperson, hupan.email, hupan.currency) == ("张伟", "ar@hupan.example.cn", "CNY")
    invoice = Invoice.objects.get(number="YS-2024-0301")
    assert (str(invoice.due_date), invoice.order_number, invoice.salesperson) == (
        "2024-05-05",
        "SO-88001",
        "张伟",
    )
    payment = Payment.objects.get(reference="HK-20240415-01")
    assert (payment.customer.code, payment.method, payment.payer_name) == (
        "HZ001",
        "bank_transfer",
        "杭州湖畔机电有限公司",
    )
    assert LogEntry.objects.count() == log_entries


def test_import_batch_records_who_imported_which_file(full_ledger):
    batch = ImportBatch.objects.get(kind="payments")
    assert (batch.file_name, batch.rows, batch.created, batch.imported_by) == ("huikuan.csv", 2, 2, "cli")
    assert set(Payment.objects.values_list("import_batch", flat=True)) == {batch.pk}


def test_raising_a_settled_invoices_amount_reopens_it_and_lowering_one_can_close_it(
    invoices, huikuan, write_file
):
    paid = write_file(
        "huikuan.csv",
        """\
        payment_ref,customer_code,payment_date,amount,invoice_number
        HK-20240415-01,HZ001,2024-04-15,30000.00,YS-2024-0301
        HK-20240416-02,HZ001,2024-04-16,50000.00,YS-2024-0302
        """,
    )
    assert huikuan("import", "payments", paid).code == 0
    assert Invoice.objects.get(number="YS-2024-0302").closed_on is not None
    # The ERP corrects both invoices: 0301 was really 30 000, 0302 was 55 000.
    corrected = INVOICES_CSV.replace("2024-05-05,100000.00", "2024-05-05,30000.00").replace(
        "2024-05-06,50000.00", "2024-05-06,55000.00"
    )

    data = huikuan("import", "invoices", write_file("yingshou-fix.csv", corrected), "--json").json()

    assert data["updated"] == 2
    now_settled = Invoice.objects.get(number="YS-2024-0301")
    assert (now_settled.open_amount, str(now_settled.closed_on)) == (Decimal(0), "2024-04-15")
    reopened = Invoice.objects.get(number="YS-2024-0302")
    assert (reopened.open_amount, reopened.closed_on) == (Decimal("5000.00"), None)


def test_raising_a_used_up_payments_amount_leaves_the_rest_on_account(full_ledger, huikuan, write_file):
    first = Payment.objects.get(reference="HK-20240415-01")
    assert (first.unallocated_amount, str(first.closed_on)) == (Decimal(0), "2024-04-15")
    corrected = PAYMENTS_CSV.replace("2024-04-15,30000.00", "2024-04-15,32000.00")

    assert huikuan("import", "payments", write_file("huikuan-fix.csv", corrected)).code == 0

    first = Payment.objects.get(reference="HK-20240415-01")
    assert (first.unallocated_amount, first.closed_on) == (Decimal("2000.00"), None)
    assert Invoice.objects.get(number="YS-2024-0301").open_amount == Decimal("70000.00")

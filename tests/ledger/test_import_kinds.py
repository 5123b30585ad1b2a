"""SPEC §3: each canonical file imports through ``huikuan import KIND FILE`` and the ledger
shows the balances a finance clerk expects to see afterwards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.ledger.models import Allocation, CreditNote, Customer, ImportBatch, Invoice, Payment

RESULT_KEYS = {
    "kind",
    "file",
    "sha256",
    "dry_run",
    "rows",
    "created",
    "updated",
    "unchanged",
    "warnings",
    "batch_id",
    "errors",
    "imported",
}


def test_customers_import_keeps_every_column_the_erp_sends(customers):
    hupan = Customer.objects.get(code="HZ001")
    assert hupan.name == "杭州湖畔机电有限公司"
    assert hupan.credit_class == "A"
    assert hupan.credit_limit == Decimal("500000.00")
    assert hupan.term_days == 60
    assert (hupan.salesperson, hupan.collector, hupan.department) == ("张伟", "王芳", "华东销售部")
    assert hupan.industry_position == "listed"
    assert (hupan.email, hupan.phone) == ("ar@hupan.example.cn", "0571-88886666")
    assert hupan.currency == "CNY"
    assert hupan.status == "active"

    nanshan = Customer.objects.get(code="SZ002")
    assert nanshan.credit_limit == Decimal("200000")
    assert nanshan.term_days is None
    lion_city = Customer.objects.get(code="SG005")
    assert (lion_city.credit_class, lion_city.currency, lion_city.credit_limit) == ("", "USD", None)


def test_json_result_names_the_file_and_counts_rows_created_updated_unchanged(db, huikuan, write_file):
    path = write_file(
        "kehu.csv",
        """\
        customer_code,name,salesperson
        HZ001,杭州湖畔机电有限公司,张伟
        SZ002,深圳南山电子有限公司,李娜
        """,
    )
    result = huikuan("import", "customers", path, "--json")

    assert result.code == 0
    data = result.json()
    assert set(data) == RESULT_KEYS
    assert data["kind"] == "customers"
    assert data["file"] == "kehu.csv"
    assert len(data["sha256"]) == 64
    assert (data["rows"], data["created"], data["updated"], data["unchanged"]) == (2, 2, 0, 0)
    assert (data["dry_run"], data["imported"], data["errors"]) == (False, True, [])
    batch = ImportBatch.objects.get(pk=data["batch_id"])
    assert (batch.kind, batch.rows, batch.created, batch.sha256) == ("customers", 2, 2, data["sha256"])
    assert set(Customer.objects.values_list("import_batch", flat=True)) == {batch.pk}


def test_json_counts_a_file_mixing_new_changed_and_unchanged_rows(customers, huikuan, write_file):
    path = write_file(
        "kehu-0401.csv",
        """\
        customer_code,name,term_days
        HZ001,杭州湖畔机电有限公司,60
        SZ002,深圳南山电子有限公司,40
        NB006,宁波港城物流有限公司,30
        """,
    )
    data = huikuan("import", "customers", path, "--json").json()

    assert (data["rows"], data["created"], data["updated"], data["unchanged"]) == (3, 1, 1, 1)
    assert Customer.objects.get(code="SZ002").term_days == 40


def test_human_output_says_what_was_imported(customers, huikuan, write_file):
    path = write_file(
        "kehu.csv", "customer_code,name\nNB006,宁波港城物流有限公司\nHZ001,杭州湖畔机电有限公司\n"
    )
    result = huikuan("import", "customers", path)

    assert result.code == 0
    assert (
        result.stdout.strip() == "Imported kehu.csv (customers): 2 rows — 1 created, 0 updated, 1 unchanged"
    )


def test_invoices_open_for_their_full_amount_in_their_own_currency(invoices):
    hupan = Invoice.objects.get(number="YS-2024-0301")
    assert (hupan.customer.code, hupan.invoice_date, hupan.due_date) == (
        "HZ001",
        date(2024, 3, 1),
        date(2024, 5, 5),
    )
    assert hupan.amount == hupan.open_amount == Decimal("100000.00")
    assert (hupan.applied_amount, hupan.closed_on) == (Decimal(0), None)
    assert (hupan.currency, hupan.fx_rate, hupan.order_number) == ("CNY", Decimal(1), "SO-88001")

    lion_city = Invoice.objects.get(number="YS-2024-0305")
    assert (lion_city.currency, lion_city.fx_rate) == ("USD", Decimal("7.1"))
    assert lion_city.open_amount == Decimal("10000.00")


def test_invoice_without_salesperson_or_department_takes_the_customers(customers, huikuan, write_file):
    path = write_file(
        "yingshou.csv",
        "invoice_number,customer_code,invoice_date,amount\nYS-2024-0401,CD003,2024-04-01,8800\n",
    )
    assert huikuan("import", "invoices", path).code == 0

    invoice = Invoice.objects.get(number="YS-2024-0401")
    assert (invoice.salesperson, invoice.department) == ("刘洋", "西南销售部")
    assert invoice.currency == "CNY"


def test_payment_naming_an_invoice_is_allocated_to_it(invoices, huikuan, write_file):
    path = write_file(
        "huikuan.csv",
        """\
        payment_ref,customer_code,payment_date,amount,method,payer_name,invoice_number
        HK-20240415-01,HZ001,2024-04-15,30000.00,电汇,杭州湖畔机电有限公司,YS-2024-0301
        HK-20240416-02,HZ001,2024-04-16,60000.00,银行承兑汇票,杭州湖畔机电有限公司,YS-2024-0302
        HK-20240417-03,SZ002,2024-04-17,5000.00,bank_transfer,深圳南山电子有限公司,
        """,
    )
    data = huikuan("import", "payments", path, "--json").json()
    assert (data["created"], data["imported"]) == (3, True)

    partly_paid = Invoice.objects.get(number="YS-2024-0301")
    assert partly_paid.open_amount == Decimal("70000.00")
    assert partly_paid.closed_on is None
    first = Payment.objects.get(reference="HK-20240415-01")
    assert (first.unallocated_amount, first.closed_on, first.method) == (
        Decimal(0),
        date(2024, 4, 15),
        "bank_transfer",
    )
    allocation = Allocation.objects.get(payment=first)
    assert (allocation.invoice, allocation.amount) == (partly_paid, Decimal("30000.00"))
    assert allocation.allocation_date == date(2024, 4, 15)

    # 60 000 against a 50 000 invoice: the invoice is settled, 10 000 stays on account.
    settled = Invoice.objects.get(number="YS-2024-0302")
    assert (settled.open_amount, settled.closed_on) == (Decimal(0), date(2024, 4, 16))
    overpaid = Payment.objects.get(reference="HK-20240416-02")
    assert overpaid.unallocated_amount == Decimal("10000.00")
    assert overpaid.method == "bank_acceptance_bill"

    on_account = Payment.objects.get(reference="HK-20240417-03")
    assert (on_account.customer.code, on_account.unallocated_amount) == ("SZ002", Decimal("5000.00"))
    assert Invoice.objects.get(number="YS-2024-0303").open_amount == Decimal("80000.00")


def test_allocations_split_one_payment_over_several_invoices(invoices, huikuan, write_file):
    payments = write_file(
        "huikuan.csv",
        "payment_ref,customer_code,payment_date,amount\nHK-20240420-01,HZ001,2024-04-20,120000.00\n",
    )
    allocations = write_file(
        "hexiao.csv",
        """\
        payment_ref,invoice_number,amount,allocation_date
        HK-20240420-01,YS-2024-0301,100000.00,
        HK-20240420-01,YS-2024-0302,15000.00,2024-04-25
        """,
    )
    assert huikuan("import", "payments", payments).code == 0
    data = huikuan("import", "allocations", allocations, "--json").json()

    assert (data["rows"], data["created"]) == (2, 2)
    first, second = (Invoice.objects.get(number=n) for n in ("YS-2024-0301", "YS-2024-0302"))
    assert (first.open_amount, first.closed_on) == (Decimal(0), date(2024, 4, 20))
    assert (second.open_amount, second.closed_on) == (Decimal("35000.00"), None)
    assert Allocation.objects.get(invoice=second).allocation_date == date(2024, 4, 25)
    payment = Payment.objects.get(reference="HK-20240420-01")
    assert (payment.allocated_amount, payment.unallocated_amount) == (
        Decimal("115000.00"),
        Decimal("5000.00"),
    )
    assert payment.closed_on is None


def test_unidentified_payment_belongs_to_the_customer_of_the_invoice_it_is_allocated_to(
    invoices, huikuan, write_file
):
    payments = write_file(
        "huikuan.csv",
        "payment_ref,customer_code,payment_date,amount,payer_name\nHK-20240422-09,,2024-04-22,80000,南山电子\n",
    )
    allocations = write_file(
        "hexiao.csv", "payment_ref,invoice_number,amount\nHK-20240422-09,YS-2024-0303,80000\n"
    )
    assert huikuan("import", "payments", payments).code == 0
    assert Payment.objects.get(reference="HK-20240422-09").customer is None

    assert huikuan("import", "allocations", allocations).code == 0

    payment = Payment.objects.get(reference="HK-20240422-09")
    assert payment.customer.code == "SZ002"
    assert Invoice.objects.get(number="YS-2024-0303").closed_on == date(2024, 4, 22)


def test_credit_notes_reduce_their_invoice_or_stay_on_account(invoices, huikuan, write_file):
    path = write_file(
        "hongzi.csv",
        """\
        credit_note_number,customer_code,invoice_number,date,amount,reason
        HZ-CN-001,HZ001,YS-2024-0301,2024-03-20,2500.00,质量折让
        HZ-CN-002,HZ001,,2024-03-25,800.00,返利
        """,
    )
    data = huikuan("import", "credit-notes", path, "--json").json()

    assert (data["kind"], data["created"]) == ("credit-notes", 2)
    assert Invoice.objects.get(number="YS-2024-0301").open_amount == Decimal("97500.00")
    against_invoice = CreditNote.objects.get(number="HZ-CN-001")
    assert (against_invoice.invoice.number, against_invoice.reason) == ("YS-2024-0301", "质量折让")
    on_account = CreditNote.objects.get(number="HZ-CN-002")
    assert (on_account.invoice, on_account.customer.code, on_account.amount) == (
        None,
        "HZ001",
        Decimal("800.00"),
    )
    assert Invoice.objects.get(number="YS-2024-0302").open_amount == Decimal("50000.00")


def test_credit_note_covering_the_rest_closes_the_invoice_on_its_date(invoices, huikuan, write_file):
    path = write_file(
        "hongzi.csv",
        "credit_note_number,customer_code,invoice_number,date,amount\nCD-CN-7,CD003,YS-2024-0304,2024-03-31,30000\n",
    )
    assert huikuan("import", "credit-notes", path).code == 0

    invoice = Invoice.objects.get(number="YS-2024-0304")
    assert (invoice.open_amount, invoice.closed_on) == (Decimal(0), date(2024, 3, 31))


def test_dry_run_reports_what_would_happen_and_writes_nothing(invoices, huikuan, write_file, ledger_counts):
    path = write_file(
        "huikuan.csv",
        """\
        payment_ref,customer_code,payment_date,amount,invoice_number
        HK-20240415-01,HZ001,2024-04-15,30000.00,YS-2024-0301
        HK-20240415-02,SZ002,2024-04-15,80000.00,YS-2024-0303
        """,
    )
    before = ledger_counts()

    result = huikuan("import", "payments", path, "--dry-run", "--json")

    assert result.code == 0
    data = result.json()
    assert (data["dry_run"], data["imported"], data["batch_id"]) == (True, False, None)
    assert (data["rows"], data["created"]) == (2, 2)
    assert ledger_counts() == before
    assert Invoice.objects.get(number="YS-2024-0301").open_amount == Decimal("100000.00")
    assert Invoice.objects.get(number="YS-2024-0303").closed_on is None


def test_dry_run_of_changes_leaves_the_records_as_they_were(customers, huikuan, write_file, ledger_counts):
    path = write_file("kehu.csv", "customer_code,name,term_days\nHZ001,杭州湖畔机电有限公司,45\n")
    before = ledger_counts()

    result = huikuan("import", "customers", path, "--dry-run")

    assert result.code == 0
    assert result.stdout.startswith("Would import kehu.csv (customers): 1 rows — 0 created, 1 updated")
    assert Customer.objects.get(code="HZ001").term_days == 60
    assert ledger_counts() == before

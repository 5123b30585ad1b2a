"""Issue 2: ``huikuan demo`` fills an empty database with a believable receivables ledger.

The demo files go through the same import as an ERP's; a small ledger (3,000 invoices,
300 customers) keeps these tests fast, the default size is only generated, not loaded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from huikuan.core.errors import RuleViolation
from huikuan.ledger.demo import DEFAULT_INVOICES, HEADERS, demo_files, demo_load
from huikuan.ledger.imports.columns import (
    ALLOCATION_COLUMNS,
    CREDIT_NOTE_COLUMNS,
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
)
from huikuan.ledger.models import Customer, Invoice, TermExtension, WriteOff
from huikuan.reporting.selectors import aging_report

AS_OF = date(2025, 6, 30)
SMALL = 3_000
CANONICAL = {
    "customers.csv": CUSTOMER_COLUMNS,
    "invoices.csv": INVOICE_COLUMNS,
    "payments.csv": PAYMENT_COLUMNS,
    "allocations.csv": ALLOCATION_COLUMNS,
    "credit_notes.csv": CREDIT_NOTE_COLUMNS,
}


def sha256_of(paths: dict[str, Path]) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in paths.items()}


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def small_files(tmp_path_factory) -> dict[str, Path]:
    return demo_files(tmp_path_factory.mktemp("demo"), invoices=SMALL, as_of=AS_OF)


def test_the_same_seed_writes_byte_identical_files_and_another_seed_other_files(tmp_path, small_files):
    again = demo_files(tmp_path / "again", invoices=SMALL, as_of=AS_OF)
    other = demo_files(tmp_path / "other", seed=2027, invoices=SMALL, as_of=AS_OF)
    assert sha256_of(again) == sha256_of(small_files)
    assert all(sha256_of(other)[name] != digest for name, digest in sha256_of(small_files).items())


def test_every_file_has_the_canonical_columns_of_its_kind(small_files):
    for name, path in small_files.items():
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == HEADERS[name]
        assert set(header) <= {column.name for column in CANONICAL[name]}, name


def test_the_ledger_reads_like_an_erp_export(small_files):
    customers = {row["customer_code"]: row for row in rows_of(small_files["customers.csv"])}
    invoices = {row["invoice_number"]: row for row in rows_of(small_files["invoices.csv"])}
    payments = rows_of(small_files["payments.csv"])
    assert len(invoices) == SMALL
    assert len(customers) == 300 == len({row["name"] for row in customers.values()})
    assert {row["credit_class"] for row in customers.values()} == {"A", "B", "C", "D"}
    assert {row["currency"] for row in customers.values()} == {"CNY", "USD"}

    invoice_dates = [row["invoice_date"] for row in invoices.values()]
    assert max(invoice_dates) == AS_OF.isoformat()
    assert sum(1 for row in invoices.values() if not row["due_date"]) > SMALL / 2
    assert any(row["disputed"] == "yes" for row in invoices.values())
    for row in invoices.values():
        cents = Decimal(row["amount"])
        assert cents == cents.quantize(Decimal("0.01")) and cents >= 500
        assert Decimal("0.05") <= Decimal(row["gross_margin"]) <= Decimal("0.40")
        if row["currency"] == "USD":
            assert Decimal("7.1") <= Decimal(row["exchange_rate"]) <= Decimal("7.3")

    for payment in payments:
        assert payment["payment_date"] <= AS_OF.isoformat()
        if payment["invoice_number"]:
            assert payment["payment_date"] >= invoices[payment["invoice_number"]]["invoice_date"]
    with_invoice = sum(1 for p in payments if p["invoice_number"])
    assert with_invoice > len(payments) / 2
    assert any(not p["customer_code"] for p in payments), "some payments are not yet identified"
    assert rows_of(small_files["allocations.csv"]), "some payments are split over several invoices"
    assert rows_of(small_files["credit_notes.csv"])


def test_the_default_ledger_is_two_years_of_300_customers_and_12_to_18_percent_overdue(db):
    summary = demo_load(as_of=AS_OF)

    assert (summary["customers"], summary["invoices"]) == (300, DEFAULT_INVOICES)
    first_day = Invoice.objects.order_by("invoice_date").values_list("invoice_date", flat=True).first()
    assert first_day >= date(2023, 7, 1)
    report = aging_report(as_of=AS_OF, group_by="customer").as_dict()
    assert Decimal(12) <= 100 - Decimal(report["share"]["current"]) <= Decimal(18)


def test_demo_load_fills_an_empty_ledger_with_a_believable_overdue_share(db):
    summary = demo_load(invoices=SMALL, as_of=AS_OF)

    assert summary["customers"] == 300
    # The scale counts the ledger's invoices (YS…); debit notes (fees, interest, bill costs) on top.
    assert summary["invoices"] == SMALL == Invoice.objects.filter(number__regex=r"^YS[0-9]+$").count()
    assert summary["payments"] > SMALL / 2
    assert summary["allocations"] > summary["payments"] / 2
    assert summary["credit_notes"] > 0
    assert summary["write_offs"] == WriteOff.objects.count() >= 1
    assert summary["term_extensions"] == TermExtension.objects.count() >= 1
    assert all(w.writeoff_date <= AS_OF for w in WriteOff.objects.all())
    report = aging_report(as_of=AS_OF, group_by="customer").as_dict()
    overdue_share = 100 - Decimal(report["share"]["current"])
    assert Decimal(10) <= overdue_share <= Decimal(20)
    assert Decimal(report["unidentified"]) > 0


def test_demo_load_refuses_a_ledger_that_already_has_customers(seed002_ledger):
    before = Customer.objects.count(), Invoice.objects.count()
    with pytest.raises(RuleViolation, match="only into an empty database"):
        demo_load(invoices=SMALL, as_of=AS_OF)
    assert (Customer.objects.count(), Invoice.objects.count()) == before


def test_demo_command_makes_exactly_scale_invoices_and_refuses_to_run_twice(db, huikuan):
    result = huikuan("demo", "--scale", str(SMALL), "--as-of", AS_OF.isoformat(), "--json")

    assert result.code == 0, result.stderr
    summary = result.json()
    # The scale counts the ledger's invoices (YS…); debit notes (fees, interest, bill costs) on top.
    assert summary["invoices"] == SMALL == Invoice.objects.filter(number__regex=r"^YS[0-9]+$").count()
    assert (summary["as_of"], summary["seed"]) == (AS_OF.isoformat(), 2026)
    write_off = LogEntry.objects.get_for_object(WriteOff.objects.first()).get()
    assert write_off.additional_data == {"source": "demo"}

    with pytest.raises(CommandError, match="Refused: the database already holds 300 customer"):
        huikuan("demo", "--as-of", AS_OF.isoformat())
    assert Invoice.objects.filter(number__regex=r"^YS[0-9]+$").count() == SMALL


def test_demo_command_refuses_a_scale_below_one(db, huikuan):
    with pytest.raises(CommandError, match="whole number of invoices"):
        huikuan("demo", "--scale", "0")
    assert not Customer.objects.exists()


def test_demo_users_can_sign_in_and_the_collector_sees_only_their_customers(db, client):
    out = io.StringIO()
    call_command("demo", "--scale", "600", "--as-of", "2025-06-30", "--users", "--json", stdout=out)
    listed_users = json.loads(out.getvalue())["users"]
    users = {u["role"]: u for u in listed_users}
    assert {
        "credit_manager",
        "credit_analyst",
        "sales_manager",
        "department_head",
        "cfo",
        "president",
    } <= set(users)
    assert {"collector", "salesperson", "auditor"} <= set(users)
    assert {"demo.manager", "demo.manager2"} <= {u["username"] for u in listed_users}
    assert all(u["password"] for u in listed_users), "each password is shown once, when created"

    collector = users["collector"]
    assert client.login(username=collector["username"], password=collector["password"])
    listed = client.get("/api/customers/?page_size=500").json()["results"]
    assert listed
    assert {c["collector"] for c in listed} == {collector["username"]}

    again = io.StringIO()
    call_command("demo", "--if-empty", "--users", "--json", stdout=again)
    assert all(u["password"] is None for u in json.loads(again.getvalue())["users"])

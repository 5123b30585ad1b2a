"""``huikuan cash match``: every undecided bank line gets the matcher's answer; with --apply the
automatic ones are posted through the ledger once, and the rest wait for review."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from huikuan.cash.models import Direction, LineStatus
from huikuan.ledger.models import Invoice, Payment

pytestmark = pytest.mark.django_db


def _match(*args: str) -> dict:
    out = io.StringIO()
    call_command("cash", "match", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def lines(ledger, bank_line):
    return {
        # YS-0302 is 50,000 open: named in the memo, paid exactly, from the customer's own name.
        "exact": bank_line("50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302"),
        # A bank's interest: not a customer's money.
        "interest": bank_line("12.34", payer_name="中国工商银行", payer_account="", memo="利息"),
        # Money going out.
        "debit": bank_line("800.00", direction=Direction.DEBIT, status=LineStatus.IGNORED, memo="手续费"),
    }


def test_the_json_has_one_entry_per_line_in_the_documented_shape(lines):
    answer = _match()
    assert set(answer) == {"lines"}
    by_ref = {entry["bank_ref"]: entry for entry in answer["lines"]}
    assert set(by_ref) == {line.bank_ref for line in lines.values()}
    for entry in answer["lines"]:
        assert set(entry) == {"bank_ref", "status", "customer_code", "confidence", "allocations", "reasons"}
        assert entry["status"] in {"auto", "review", "unmatched", "ignored"}
        Decimal(entry["confidence"])  # a decimal string
    exact = by_ref[lines["exact"].bank_ref]
    assert exact["status"] == "auto" and exact["customer_code"] == "HZ001"
    assert exact["allocations"] == [{"invoice_number": "YS-0302", "amount": "50000.00"}]
    assert exact["reasons"]
    assert by_ref[lines["debit"].bank_ref]["status"] == "ignored"
    assert by_ref[lines["interest"].bank_ref]["status"] in {"ignored", "unmatched"}
    assert by_ref[lines["interest"].bank_ref]["allocations"] == []


def test_without_apply_nothing_is_written(lines):
    before = (lines["exact"].status, lines["exact"].proposal)
    _match()
    assert not Payment.objects.filter(reference__startswith="BANK-").exists()
    lines["exact"].refresh_from_db()
    assert (lines["exact"].status, lines["exact"].proposal) == before


def test_apply_posts_the_automatic_line_once(lines):
    _match("--apply")
    invoice = Invoice.objects.get(number="YS-0302")
    assert invoice.open_amount == Decimal("0.00")
    line = lines["exact"]
    line.refresh_from_db()
    assert line.status == LineStatus.AUTO and line.payment.amount == Decimal("50000.00")
    assert not Payment.objects.filter(payer_name="中国工商银行").exists()
    again = _match("--apply")  # a second run posts nothing new
    assert line.bank_ref not in {entry["bank_ref"] for entry in again["lines"]}
    assert Payment.objects.filter(reference__startswith="BANK-").count() == 1


def test_a_line_that_fits_two_invoices_waits_for_review_with_its_candidates(ledger, bank_line):
    # 湖畔机电 owes 60,000 on YS-0301; YS-0302 made 60,000 open too: the receipt could pay either.
    Invoice.objects.filter(number="YS-0302").update(amount=Decimal("60000.00"), applied_amount=0)
    line = bank_line("60000.00", payer_name="杭州湖畔机电有限公司", memo="货款")
    entry = _match("--apply")["lines"][0]
    assert entry["status"] == "review"
    line.refresh_from_db()
    assert line.status == LineStatus.REVIEW and line.payment is None
    assert line.customer.code == "HZ001"
    assert len(line.proposal["candidates"]) >= 2


def test_a_line_decided_by_a_person_is_not_matched_again(lines):
    from huikuan.cash.services import line_mark_not_customer

    line_mark_not_customer(line=lines["exact"], decided_by="credit_manager", reason="a refund")
    refs = {entry["bank_ref"] for entry in _match("--apply")["lines"]}
    assert lines["exact"].bank_ref not in refs


def test_bank_import_with_match_posts_the_receipt_it_recognises(ledger, tmp_path):
    statement = tmp_path / "bank.csv"
    statement.write_text(
        "reference,date,amount,direction,payer_name,payer_account,memo,currency\n"
        "R-1,2024-06-20,50000.00,credit,杭州湖畔机电有限公司,3301000012,货款 YS-0302,CNY\n"
        "R-2,2024-06-20,15.00,debit,,,手续费,CNY\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("bank", "import", str(statement), "--account", "6222", "--match", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["matched"] == {"auto": 1, "ignored": 1}
    assert Invoice.objects.get(number="YS-0302").open_amount == Decimal("0.00")
    out = io.StringIO()
    call_command("bank", "import", str(statement), "--account", "6222", "--match", "--json", stdout=out)
    assert json.loads(out.getvalue())["lines_new"] == 0
    assert Payment.objects.filter(reference__startswith="BANK-").count() == 1


def test_a_memo_naming_the_contract_applies_the_receipt_to_the_contracts_invoice(ledger, bank_line):
    Invoice.objects.filter(number="YS-0302").update(contract_number="HT2024-0088")
    bank_line("50000.00", payer_name="某某商贸", memo="合同HT2024-0088货款")
    entry = _match()["lines"][0]
    assert (entry["status"], entry["customer_code"]) == ("auto", "HZ001")
    assert entry["allocations"] == [{"invoice_number": "YS-0302", "amount": "50000.00"}]
    assert "The memo names contract HT2024-0088 (invoice YS-0302)." in entry["reasons"]


def test_a_memo_naming_a_vat_invoice_applies_the_receipt_to_the_invoices_it_invoices(ledger, bank_line):
    from datetime import date

    from huikuan.vat.models import VatInvoice, VatInvoiceLink

    # The invoice file gave YS-0302 two paper VAT invoices; a digital one (数电票) is recorded
    # with its link to YS-0301 (60,000 open).
    Invoice.objects.filter(number="YS-0302").update(vat_invoice_number="04400123;04400124")
    customer = Invoice.objects.get(number="YS-0301").customer
    vat = VatInvoice.objects.create(
        number="24332000000012345678",
        kind="digital_special",
        customer=customer,
        issue_date=date(2024, 9, 1),
        amount=Decimal("60000.00"),
        currency="CNY",
    )
    VatInvoiceLink.objects.create(
        vat_invoice=vat, invoice=Invoice.objects.get(number="YS-0301"), amount=Decimal("60000.00")
    )
    paper = bank_line("50000.00", payer_name="某某商贸", memo="付发票号码04400124货款")
    digital = bank_line("60000.00", payer_name="张三", memo="发票24332000000012345678")
    by_ref = {entry["bank_ref"]: entry for entry in _match()["lines"]}
    entry = by_ref[paper.bank_ref]
    assert (entry["status"], entry["customer_code"]) == ("auto", "HZ001")
    assert entry["allocations"] == [{"invoice_number": "YS-0302", "amount": "50000.00"}]
    assert "The memo names VAT invoice 04400124, which invoices YS-0302." in entry["reasons"]
    entry = by_ref[digital.bank_ref]
    assert (entry["status"], entry["customer_code"]) == ("auto", "HZ001")
    assert entry["allocations"] == [{"invoice_number": "YS-0301", "amount": "60000.00"}]
    # A VAT invoice number the ledger does not know names nothing.
    Invoice.objects.filter(number="YS-0302").update(vat_invoice_number="")
    again = {entry["bank_ref"]: entry for entry in _match()["lines"]}
    assert again[paper.bank_ref]["status"] != "auto"


def test_money_from_another_of_the_companys_accounts_or_in_its_own_name_is_never_applied(ledger, bank_line):
    from huikuan.cash.models import BankStatement
    from huikuan.correspondence.services import letterhead_update

    BankStatement.objects.create(
        account_number="3100 9999 0000", format="mt940", file_name="other-bank.sta", sha256="1" * 64
    )
    letterhead_update(updated_by="finance", company_name_zh="杭州回款实业有限公司")
    # Both would otherwise be the customer's exact payment of YS-0302.
    pooled = bank_line(
        "50000.00", payer_name="杭州湖畔机电有限公司", payer_account="31009999 0000", memo="YS-0302"
    )
    own_name = bank_line(
        "50000.00", payer_name="杭州回款实业有限公司", payer_account="", memo="资金调拨 YS-0302"
    )
    by_ref = {entry["bank_ref"]: entry for entry in _match("--apply")["lines"]}
    assert by_ref[pooled.bank_ref]["status"] == "ignored"
    assert by_ref[own_name.bank_ref]["status"] == "ignored"
    assert by_ref[pooled.bank_ref]["reasons"] and by_ref[own_name.bank_ref]["customer_code"] is None
    assert Invoice.objects.get(number="YS-0302").open_amount == Decimal("50000.00")
    assert not Payment.objects.filter(reference__startswith="BANK-").exists()


@pytest.mark.parametrize("apply", [False, True])
def test_the_same_payment_twice_is_applied_once_and_the_dry_run_says_so(ledger, bank_line, apply):
    """Two lines both pay YS-0302 (50,000 open) in full: one is applied, the other waits for a
    person — and the dry run reports what --apply does."""
    first = bank_line("50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302")
    second = bank_line("50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302")
    entries = {entry["bank_ref"]: entry for entry in _match(*(["--apply"] if apply else []))["lines"]}
    assert [entries[first.bank_ref]["status"], entries[second.bank_ref]["status"]] == ["auto", "review"]
    assert any("YS-0302" in text for text in entries[second.bank_ref]["reasons"])
    assert Payment.objects.filter(reference__startswith="BANK-").count() == (1 if apply else 0)


def test_two_part_payments_of_one_invoice_are_both_applied(ledger, bank_line):
    first = bank_line("20000.00", payer_name="杭州湖畔机电有限公司", memo="YS-0302 部分付款")
    second = bank_line("30000.00", payer_name="杭州湖畔机电有限公司", memo="YS-0302 部分付款")
    entries = {entry["bank_ref"]: entry for entry in _match()["lines"]}
    statuses = [entries[first.bank_ref]["status"], entries[second.bank_ref]["status"]]
    assert statuses == ["auto", "auto"]


def test_an_account_that_paid_in_the_customers_name_settles_the_runs_other_line_from_it(ledger, bank_line):
    # YS-0302 named and paid in 湖畔机电's own name; then 60,000 (YS-0301) in a mistyped name,
    # which from another account waits for a person.
    named = bank_line(
        "50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302", payer_account="6222 1111"
    )
    mistyped = bank_line(
        "60000.00", payer_name="杭州湖伴机电有限公司", memo="货款", payer_account="6222 9999"
    )
    entry = {e["bank_ref"]: e for e in _match()["lines"]}[mistyped.bank_ref]
    assert entry["status"] == "review"
    # From the same account as the first: applied with it.
    mistyped.payer_account = "6222 1111"
    mistyped.save()
    entry = {e["bank_ref"]: e for e in _match("--apply")["lines"]}[mistyped.bank_ref]
    assert (entry["status"], entry["customer_code"]) == ("auto", "HZ001")
    assert entry["allocations"] == [{"invoice_number": "YS-0301", "amount": "60000.00"}]
    assert any("another receipt of this batch" in text for text in entry["reasons"])
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("0.00")
    assert not {named.bank_ref, mistyped.bank_ref} & {e["bank_ref"] for e in _match()["lines"]}

"""A hand-written Chinese/English ledger and statement (tests/cash/data/heldout_cn), imported
and matched through the command line as a user would: every automatic application is right,
no receipt of a non-customer and no tie is applied, --apply posts once, a re-import adds nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry

from huikuan.cash.models import BankLine, LineDecision
from huikuan.ledger.models import Allocation, Payment

DATA = Path(__file__).resolve().parent / "data" / "heldout_cn"
TRUTH = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
TRUTH.pop("_doc")
POSTED_MODELS = ["payment", "allocation", "linedecision"]
# Of the 43 lines whose customer and invoices are certain, at least this many are applied
# without a person (the rest may wait for review, never be applied wrongly).
AUTO_FLOOR = 30


@pytest.fixture
def imported(db, huikuan):
    for kind in ("customers", "invoices", "payments"):
        result = huikuan("import", kind, str(DATA / f"{kind}.csv"))
        assert result.code == 0, result.stderr
    for name, lines, debits in (("statement.csv", 64, 5), ("statement_2.csv", 6, 0)):
        result = huikuan("bank", "import", str(DATA / name), "--json")
        assert result.code == 0, result.stderr
        assert (result.json()["lines_new"], result.json()["debits"]) == (lines, debits)
    return huikuan


def _lines(huikuan, *args: str) -> dict[str, dict]:
    result = huikuan("cash", "match", "--json", *args)
    assert result.code == 0, result.stderr
    answer = result.json()
    assert set(answer) == {"lines"}
    refs = [entry["bank_ref"] for entry in answer["lines"]]
    assert len(refs) == len(set(refs))
    return {entry["bank_ref"]: entry for entry in answer["lines"]}


def test_the_answer_is_right_where_it_is_automatic_and_never_applies_a_stranger_or_a_tie(imported):
    lines = _lines(imported)
    assert set(lines) == set(TRUTH)
    wrong, automatic = [], 0
    for ref, entry in lines.items():
        expected = TRUTH[ref]
        assert set(entry) == {"bank_ref", "status", "customer_code", "confidence", "allocations", "reasons"}
        assert entry["status"] in {"auto", "review", "unmatched", "ignored"}
        Decimal(entry["confidence"])
        assert all(isinstance(allocation["amount"], str) for allocation in entry["allocations"])
        assert entry["reasons"] and all(isinstance(text, str) for text in entry["reasons"])
        if entry["status"] in ("unmatched", "ignored"):
            assert entry["customer_code"] is None and entry["allocations"] == [], ref
        if expected["kind"] == "debit":
            assert entry["status"] == "ignored", ref
        if entry["status"] != "auto":
            continue
        paid = {allocation["invoice_number"]: allocation["amount"] for allocation in entry["allocations"]}
        if expected["kind"] != "exact" or (entry["customer_code"], paid) != (
            expected["customer"],
            expected["allocations"],
        ):
            wrong.append((ref, expected, entry))
        automatic += 1
    assert wrong == []
    assert automatic >= AUTO_FLOOR
    for ref, expected in TRUTH.items():  # interest, refunds, insurers, persons, strangers
        if expected["kind"] == "non_customer":
            assert lines[ref]["status"] in ("ignored", "unmatched", "review"), ref


def test_apply_posts_the_automatic_lines_once_and_a_reimport_adds_nothing(imported):
    first = _lines(imported, "--apply")
    automatic = {ref for ref, entry in first.items() if entry["status"] == "auto"}
    payments = Payment.objects.filter(reference__startswith="BANK-")
    assert Payment.objects.exclude(reference__startswith="BANK-").count() == 4  # the ERP's
    assert payments.count() == len(automatic) == LineDecision.objects.count()
    allocated = Allocation.objects.filter(payment__in=payments).count()
    audited = LogEntry.objects.filter(content_type__model__in=POSTED_MODELS).count()
    assert audited == 2 * len(automatic) + allocated
    for ref in automatic:  # what was posted is what was proposed
        line = BankLine.objects.get(bank_ref=ref)
        posted = {a.invoice.number: str(a.amount) for a in line.payment.allocations.all()}
        assert posted == {a["invoice_number"]: a["amount"] for a in first[ref]["allocations"]}, ref
    assert not any(TRUTH[ref]["kind"] in ("non_customer", "tie", "debit") for ref in automatic)

    second = _lines(imported, "--apply")
    assert not automatic & set(second)
    assert all(entry["status"] != "auto" for entry in second.values())
    assert payments.count() == len(automatic)
    assert Allocation.objects.filter(payment__in=payments).count() == allocated
    assert LogEntry.objects.filter(content_type__model__in=POSTED_MODELS).count() == audited

    again = imported("bank", "import", str(DATA / "statement.csv"), "--json").json()
    assert (again["lines_new"], again["duplicates"]) == (0, 64)
    assert BankLine.objects.count() == 70

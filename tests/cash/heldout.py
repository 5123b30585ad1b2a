"""The checks a hand-written held-out ledger and statement (tests/cash/data/heldout_*) passes
through the command line as a user would: every automatic application is right, no receipt of
a non-customer and no tie is applied, --apply posts once, a re-import adds nothing.

Each set holds customers.csv, invoices.csv, payments.csv (receipts the ERP already recorded),
one or more statements and truth.json: per bank reference its ``kind`` (``exact``: an
automatic application must be exactly ``customer`` and ``allocations``; ``tie``,
``ambiguous``: never automatic; ``non_customer``: never applied; ``debit``: ignored)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from auditlog.models import LogEntry

from huikuan.cash.models import BankLine, LineDecision
from huikuan.ledger.models import Allocation, Payment

POSTED_MODELS = ["payment", "allocation", "linedecision"]
NEVER_AUTOMATIC = ("non_customer", "tie", "ambiguous", "debit")


def truth_of(data: Path) -> dict[str, dict]:
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    truth.pop("_doc")
    return truth


def import_set(huikuan, data: Path, statements: tuple[tuple[str, int, int], ...]) -> None:
    """The ledger files, then each ``(statement, new lines, debits)``."""
    for kind in ("customers", "invoices", "payments"):
        result = huikuan("import", kind, str(data / f"{kind}.csv"))
        assert result.code == 0, result.stderr
    for name, lines, debits in statements:
        result = huikuan("bank", "import", str(data / name), "--json")
        assert result.code == 0, result.stderr
        assert (result.json()["lines_new"], result.json()["debits"]) == (lines, debits)


def matched(huikuan, *args: str) -> dict[str, dict]:
    result = huikuan("cash", "match", "--json", *args)
    assert result.code == 0, result.stderr
    answer = result.json()
    assert set(answer) == {"lines"}
    refs = [entry["bank_ref"] for entry in answer["lines"]]
    assert len(refs) == len(set(refs))
    return {entry["bank_ref"]: entry for entry in answer["lines"]}


def assert_automatic_lines_right(huikuan, truth: dict[str, dict], floor: int) -> None:
    lines = matched(huikuan)
    assert set(lines) == set(truth)
    wrong, automatic = [], 0
    for ref, entry in lines.items():
        expected = truth[ref]
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
    assert automatic >= floor
    for ref, expected in truth.items():  # interest, refunds, insurers, persons, strangers
        if expected["kind"] == "non_customer":
            assert lines[ref]["status"] in ("ignored", "unmatched", "review"), ref


def assert_apply_posts_once(
    huikuan, data: Path, truth: dict[str, dict], *, erp_payments: int, reimport: tuple[str, int]
) -> None:
    """--apply posts the automatic lines once; a second run adds nothing, nor does importing
    ``reimport`` (a statement and its number of lines) again."""
    first = matched(huikuan, "--apply")
    automatic = {ref for ref, entry in first.items() if entry["status"] == "auto"}
    payments = Payment.objects.filter(reference__startswith="BANK-")
    assert Payment.objects.exclude(reference__startswith="BANK-").count() == erp_payments
    assert payments.count() == len(automatic) == LineDecision.objects.count()
    allocated = Allocation.objects.filter(payment__in=payments).count()
    audited = LogEntry.objects.filter(content_type__model__in=POSTED_MODELS).count()
    assert audited == 2 * len(automatic) + allocated
    for ref in automatic:  # what was posted is what was proposed
        line = BankLine.objects.get(bank_ref=ref)
        posted = {a.invoice.number: str(a.amount) for a in line.payment.allocations.all()}
        assert posted == {a["invoice_number"]: a["amount"] for a in first[ref]["allocations"]}, ref
    assert not any(truth[ref]["kind"] in NEVER_AUTOMATIC for ref in automatic)

    second = matched(huikuan, "--apply")
    assert not automatic & set(second)
    assert all(entry["status"] != "auto" for entry in second.values())
    assert payments.count() == len(automatic)
    assert Allocation.objects.filter(payment__in=payments).count() == allocated
    assert LogEntry.objects.filter(content_type__model__in=POSTED_MODELS).count() == audited

    name, lines = reimport
    again = huikuan("bank", "import", str(data / name), "--json").json()
    assert (again["lines_new"], again["duplicates"]) == (0, lines)
    assert BankLine.objects.count() == len(truth)

"""Bank lines as the importer leaves them and the matcher's proposals for them, on the API's
distributor ledger (tests/api/conftest.py): 湖畔机电 (HZ001) owes YS-0301 (60,000 open) and
YS-0302 (50,000); 锦江贸易 (CD003) owes YS-0304 (28,000 open) and YS-0401 (8,000.50)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.cash.models import BankLine, BankStatement, Direction, LineStatus
from huikuan.ledger.models import Customer
from tests.api.conftest import ledger, personas  # noqa: F401 - shared fixtures

_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English, whatever language a page test left active."""
    with translation.override("en"):
        yield


def proposal(
    status: str,
    customer_code: str | None = None,
    allocations: list[tuple[str, str]] = (),
    *,
    confidence: str = "0.80",
    on_account: str = "0.00",
    difference: dict | None = None,
    candidates: list[dict] = (),
    reasons: list[str] = ("invoice number in the memo",),
) -> dict:
    return {
        "status": status,
        "customer_code": customer_code,
        "confidence": confidence,
        "allocations": [{"invoice_number": number, "amount": amount} for number, amount in allocations],
        "on_account": on_account,
        "difference": difference,
        "reasons": list(reasons),
        "candidates": list(candidates),
    }


@pytest.fixture
def statement(db) -> BankStatement:
    return BankStatement.objects.create(
        account_number="6222000011112222", format="camt053", file_name="2024-06.xml", sha256="0" * 64
    )


@pytest.fixture
def bank_line(statement) -> Callable[..., BankLine]:
    """A receipt on the statement: ``bank_line("60000.00", proposal(...), payer_name=...)``."""

    def make(amount: str, proposed: dict | None = None, **fields) -> BankLine:
        number = next(_refs)
        proposed = proposed or proposal("unmatched")
        status = proposed["status"] if proposed["status"] != "auto" else LineStatus.NEW
        values = {
            "statement": statement,
            "account_number": statement.account_number,
            "bank_ref": f"REF{number:05d}",
            "dedupe_key": f"key{number}",
            "booking_date": date(2024, 6, 20),
            "amount": Decimal(amount),
            "currency": "CNY",
            "direction": Direction.CREDIT,
            "payer_name": "杭州湖畔机电有限公司",
            "payer_account": "3301 0000 1234",
            "memo": "货款",
            "status": status,
            "proposal": proposed,
            "customer": Customer.objects.filter(code=proposed.get("customer_code") or "").first(),
        } | fields
        return BankLine.objects.create(**values)

    return make

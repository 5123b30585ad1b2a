"""The ledger of a small machinery distributor in Hangzhou, as its ERP exports it.

Five customers, one per credit class plus an overseas one without a class, and a handful
of invoices dated in March 2024. Every test that imports more writes its own small file.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from auditlog.models import LogEntry

from huikuan.ledger.models import (
    Allocation,
    CreditNote,
    Customer,
    ImportBatch,
    Invoice,
    Payment,
    TermExtension,
    WriteOff,
)
from tests.ledger.erp_files import CUSTOMERS_CSV, INVOICES_CSV


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., str]:
    """Write ``text`` to a file in the test's directory; returns its path for the CLI."""

    def write(name: str, text: str, *, encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding=encoding, newline="")
        return str(path)

    return write


@pytest.fixture
def customers(db, huikuan, write_file) -> dict[str, Customer]:
    result = huikuan("import", "customers", write_file("kehu.csv", CUSTOMERS_CSV))
    assert result.code == 0, result.stderr
    return {c.code: c for c in Customer.objects.all()}


@pytest.fixture
def invoices(customers, huikuan, write_file) -> dict[str, Invoice]:
    result = huikuan("import", "invoices", write_file("yingshou.csv", INVOICES_CSV))
    assert result.code == 0, result.stderr
    return {i.number: i for i in Invoice.objects.all()}


@pytest.fixture
def ledger_counts() -> Callable[[], dict[str, int]]:
    """How many records of each kind the ledger and its audit trail hold right now."""

    def counts() -> dict[str, int]:
        models = (
            Customer,
            Invoice,
            Payment,
            Allocation,
            CreditNote,
            WriteOff,
            TermExtension,
            ImportBatch,
            LogEntry,
        )
        return {model.__name__: model.objects.count() for model in models}

    return counts

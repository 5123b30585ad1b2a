from __future__ import annotations

from datetime import date

import pytest

from benchmarks.risk_data import write
from huikuan.ledger.imports import ledger_import


def history_import(folder, *, seed: int = 7, customers: int = 40, months: int = 24) -> date:
    """The generated history imported through the canonical import files; its last day."""
    paths = write(folder, seed=seed, customers=customers, months=months)
    for kind in ("customers", "invoices", "payments"):
        ledger_import(kind=kind, path=paths[kind], imported_by="test")
    return date.fromisoformat((folder / "END").read_text())


@pytest.fixture
def history(db, tmp_path) -> date:
    return history_import(tmp_path / "history")

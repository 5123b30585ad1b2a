"""SPEC §4: the aging report reproduces the seed 002 table to the cent."""

from decimal import Decimal

import pytest
from django.core.management.base import CommandError

SEED_TABLE = {
    # customer: balance, current, 1-30, 31-60, 61-90, 91-180, 181-360, 361+
    "A": ["100000", "100000", "0", "0", "0", "0", "0", "0"],
    "B": ["60000", "40000", "20000", "0", "0", "0", "0", "0"],
    "C": ["20000", "0", "0", "20000", "0", "0", "0", "0"],
    "D": ["90000", "30000", "0", "20000", "20000", "20000", "0", "0"],
}
BUCKETS = ["current", "1-30", "31-60", "61-90", "91-180", "181-360", "361+"]


def test_aging_reproduces_the_seed_002_table_to_the_cent(seed002_ledger, huikuan):
    result = huikuan("aging", "--as-of", "2024-06-30", "--json")
    assert result.code == 0
    report = result.json()
    assert report["buckets"] == BUCKETS
    rows = {row["key"]: row for row in report["rows"]}
    assert set(rows) == set(SEED_TABLE)
    for code, expected in SEED_TABLE.items():
        row = rows[code]
        assert Decimal(row["balance"]) == Decimal(expected[0])
        assert [Decimal(row["buckets"][b]) for b in BUCKETS] == [Decimal(v) for v in expected[1:]]
    assert report["total"]["balance"] == "270000.00"
    assert report["total"]["buckets"] == {
        "current": "170000.00",
        "1-30": "20000.00",
        "31-60": "40000.00",
        "61-90": "20000.00",
        "91-180": "20000.00",
        "181-360": "0.00",
        "361+": "0.00",
    }
    assert report["share"] == {
        "current": "62.96",
        "1-30": "7.41",
        "31-60": "14.81",
        "61-90": "7.41",
        "91-180": "7.41",
        "181-360": "0.00",
        "361+": "0.00",
    }


def test_aging_on_a_date_outside_the_business_range_is_refused_naming_the_range(seed002_ledger, huikuan):
    for basis in ("due", "invoice"):
        with pytest.raises(CommandError, match=r"1900-01-01.*2199-12-31"):
            huikuan("aging", "--as-of", "0001-01-01", "--basis", basis, "--json")

"""``huikuan aging --by department`` (or salesperson, class, currency) names each group once:
the group is its own name, so the table has no second column repeating it."""

from __future__ import annotations


def test_the_table_by_department_shows_each_department_once(seed002_ledger, huikuan):
    result = huikuan("aging", "--as-of", "2024-06-30", "--by", "department")

    assert result.code == 0, result.stderr
    header, *rows = result.stdout.splitlines()[1:]
    assert header.split()[:2] == ["key", "balance"]
    for row in rows[:-2]:
        cells = row.split()
        assert cells.count(cells[0]) == 1, row
    assert rows[-2].split()[:2] == ["total", "270000.00"]


def test_the_table_by_customer_keeps_code_and_name(seed002_ledger, huikuan):
    result = huikuan("aging", "--as-of", "2024-06-30")

    header = result.stdout.splitlines()[1]
    assert header.split()[:3] == ["key", "name", "balance"]
    assert "甲公司" in result.stdout

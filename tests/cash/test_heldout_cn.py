"""A hand-written Chinese/English ledger and statement (tests/cash/data/heldout_cn), imported
and matched through the command line as a user would: every automatic application is right,
no receipt of a non-customer and no tie is applied, --apply posts once, a re-import adds nothing
(the checks: tests/cash/heldout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cash.heldout import assert_apply_posts_once, assert_automatic_lines_right, import_set, truth_of

DATA = Path(__file__).resolve().parent / "data" / "heldout_cn"
TRUTH = truth_of(DATA)
# Of the 43 lines whose customer and invoices are certain, at least this many are applied
# without a person (the rest may wait for review, never be applied wrongly).
AUTO_FLOOR = 30


@pytest.fixture
def imported(db, huikuan):
    import_set(huikuan, DATA, (("statement.csv", 64, 5), ("statement_2.csv", 6, 0)))
    return huikuan


def test_the_answer_is_right_where_it_is_automatic_and_never_applies_a_stranger_or_a_tie(imported):
    assert_automatic_lines_right(imported, TRUTH, AUTO_FLOOR)


def test_apply_posts_the_automatic_lines_once_and_a_reimport_adds_nothing(imported):
    assert_apply_posts_once(imported, DATA, TRUTH, erp_payments=4, reimport=("statement.csv", 64))

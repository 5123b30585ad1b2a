"""A hand-written ledger and statement in Chinese ERP style (tests/cash/data/heldout_erp:
Kingdee and Yonyou numbering, VAT invoice numbers, '付…等2张发票'), imported and matched through
the command line as a user would (the checks: tests/cash/heldout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cash.heldout import assert_apply_posts_once, assert_automatic_lines_right, import_set, truth_of

DATA = Path(__file__).resolve().parent / "data" / "heldout_erp"
TRUTH = truth_of(DATA)
# Of the 46 lines whose customer and invoices are certain, at least this many are applied
# without a person (the rest may wait for review, never be applied wrongly): 43 are. Before
# the matcher read '等2张发票' and a rest that is another invoice to the cent, 43 were, 3 of
# them wrongly (the named invoice paid, the next one's amount left on account).
AUTO_FLOOR = 40


@pytest.fixture
def imported(db, huikuan):
    import_set(huikuan, DATA, (("statement.csv", 68, 5),))
    return huikuan


def test_the_answer_is_right_where_it_is_automatic_and_never_applies_a_stranger_or_a_tie(imported):
    assert_automatic_lines_right(imported, TRUTH, AUTO_FLOOR)


def test_apply_posts_the_automatic_lines_once_and_a_reimport_adds_nothing(imported):
    assert_apply_posts_once(imported, DATA, TRUTH, erp_payments=2, reimport=("statement.csv", 68))

"""A hand-written export ledger and statement (tests/cash/data/heldout_intl: USD, EUR and CNY,
customers abroad and in China, remittances as foreign banks write them), imported and matched
through the command line as a user would (the checks: tests/cash/heldout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cash.heldout import assert_apply_posts_once, assert_automatic_lines_right, import_set, truth_of

DATA = Path(__file__).resolve().parent / "data" / "heldout_intl"
TRUTH = truth_of(DATA)
# Of the 65 lines whose customer and invoices are certain, at least this many are applied
# without a person (the rest may wait for review, never be applied wrongly): 64 are. Before
# the matcher read foreign legal forms, cut and shortened Latin names, running invoice numbers
# and "payment for" a customer, 52 were, and one of them wrongly (FV 0140/2026 0175/2026 read
# as 0175 alone, the rest of exactly invoice 0140 left on account).
AUTO_FLOOR = 60


@pytest.fixture
def imported(db, huikuan):
    import_set(huikuan, DATA, (("statement.csv", 75, 5), ("statement_2.csv", 15, 0)))
    return huikuan


def test_the_answer_is_right_where_it_is_automatic_and_never_applies_a_stranger_or_a_tie(imported):
    assert_automatic_lines_right(imported, TRUTH, AUTO_FLOOR)


def test_apply_posts_the_automatic_lines_once_and_a_reimport_adds_nothing(imported):
    assert_apply_posts_once(imported, DATA, TRUTH, erp_payments=3, reimport=("statement.csv", 75))

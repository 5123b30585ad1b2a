"""Invariants of the matching engine on random ledgers and receipts (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.cash.matching import AUTO, IGNORED, REVIEW, BankLine, CustomerRef, MatchIndex, OpenInvoice
from tests.conftest import examples

CUSTOMERS = [
    CustomerRef("C001", "上海华东机械有限公司", "华东机械"),
    CustomerRef("C002", "北京长城电子科技股份有限公司"),
]
cents = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c) / 100)
ledgers = st.lists(st.tuples(st.sampled_from(["C001", "C002"]), cents), min_size=1, max_size=12)
payers = st.sampled_from(
    ["上海华东机械有限公司", "华东机械", "北京长城电子科技", "张伟", "某某贸易有限公司", ""]
)


def build(rows):
    invoices = [
        OpenInvoice(
            f"INV-{n:07d}", code, amount, "CNY", date(2024, 1, 1 + n % 28), order_number=f"SO-{n // 2:07d}"
        )
        for n, (code, amount) in enumerate(rows, start=1)
    ]
    return MatchIndex(CUSTOMERS, invoices), {i.number: i for i in invoices}


def memo_for(numbers):
    return st.lists(st.sampled_from(numbers), max_size=3).map(lambda picked: " ".join(picked))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ledgers, data=st.data())
def test_automatic_allocations_never_exceed_the_line_nor_an_invoice(rows, data):
    index, by_number = build(rows)
    amount = data.draw(st.one_of(cents, st.sampled_from([amount for _code, amount in rows])))
    memo = data.draw(memo_for([*by_number, "发票1、2", "INV-1~3", "货款"]))
    line = BankLine("B", date(2024, 3, 1), amount, "CNY", "credit", data.draw(payers), "", memo)
    proposal = index.match(line)
    for candidate in (proposal, *proposal.candidates):
        total = sum((a.amount for a in candidate.allocations), Decimal(0))
        assert total + candidate.on_account <= amount
        for allocation in candidate.allocations:
            assert Decimal(0) < allocation.amount <= by_number[allocation.invoice_number].open_amount
    if proposal.status == AUTO:
        assert proposal.customer_code is not None
        assert {by_number[a.invoice_number].customer_code for a in proposal.allocations} <= {
            proposal.customer_code
        }


@settings(max_examples=examples(60), deadline=None)
@given(rows=ledgers, amount=cents, payer=payers)
def test_debits_are_always_ignored(rows, amount, payer):
    index, _ = build(rows)
    line = BankLine("B", date(2024, 3, 1), amount, "CNY", "debit", payer, "", "INV-0000001")
    assert index.match(line).status == IGNORED


@settings(max_examples=examples(60), deadline=None)
@given(rows=ledgers, duplicated=cents, payer=st.sampled_from(["上海华东机械有限公司", "华东机械"]))
def test_a_line_is_never_automatic_when_two_invoices_tie(rows, duplicated, payer):
    rows = [*rows, ("C001", duplicated), ("C001", duplicated)]
    index, _ = build(rows)
    line = BankLine("B", date(2024, 3, 1), duplicated, "CNY", "credit", payer, "", "货款")
    assert index.match(line).status == REVIEW


@settings(max_examples=examples(100), deadline=None)
@given(
    rows=ledgers,
    data=st.data(),
    payer=st.sampled_from(
        [
            "张伟",
            "李娜",
            "中国工商银行股份有限公司上海分行",
            "国家税务总局上海市税务局",
            "中国平安财产保险股份有限公司",
            "深圳恒通物流有限公司",
        ]
    ),
    memo=st.sampled_from(["", "还款", "结息", "出口退税", "理赔款", "货款", "转账 202403"]),
)
def test_a_payer_that_is_no_customer_is_never_applied(rows, data, payer, memo):
    index, _ = build(rows)
    amount = data.draw(st.one_of(cents, st.sampled_from([amount for _code, amount in rows])))
    line = BankLine("B", date(2024, 3, 1), amount, "CNY", "credit", payer, "6217000011112222", memo)
    assert index.match(line).status != AUTO


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=2_000), min_size=2, max_size=14),
    st.integers(min_value=2, max_value=8_000),
)
def test_the_wide_combination_search_finds_what_trying_every_subset_finds(amounts, target):
    """Up to two combinations of two to four invoices summing exactly to the amount: none when
    no subset does, one when one does, two when several do."""
    from itertools import combinations

    from huikuan.cash.matching.subsets import small_subsets

    every = {
        tuple(members)
        for size in range(2, 5)
        for members in combinations(range(len(amounts)), size)
        if sum(amounts[i] for i in members) == target
    }
    found = small_subsets(amounts, target)
    assert set(found) <= every
    assert len(found) == min(2, len(every))

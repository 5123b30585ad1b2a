"""A batch of lines matched together (``MatchIndex.match_all``): an account from which one line
is applied automatically in the customer's own name is known for the batch's other lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.cash.matching import AUTO, REVIEW, Aliases, BankLine, CustomerRef, MatchIndex, OpenInvoice

D = Decimal
HUADONG = CustomerRef("C001", "上海华东机械有限公司", "", "", "CNY")
CHANGCHENG = CustomerRef("C002", "北京长城电子科技股份有限公司", "", "", "CNY")
ACCOUNT = "6222 0210 0100 8888"


def invoice(number, customer, amount, day=1):
    return OpenInvoice(number, customer, D(amount), "CNY", date(2024, 1, day), date(2024, 2, day))


LEDGER = [
    invoice("INV-0000101", "C001", "4321.57"),
    invoice("INV-0000102", "C001", "20000.00", 2),
    invoice("INV-0000103", "C001", "1250.30", 3),
    invoice("INV-0000201", "C002", "987.65"),
    invoice("INV-0000202", "C002", "3000.00", 2),
]


def line(ref, amount, payer, memo="", account=ACCOUNT):
    return BankLine(ref, date(2024, 3, 1), D(amount), "CNY", "credit", payer, account, memo)


# The customer's own name and the invoice named: applied, whatever else the batch holds.
NAMED = line("B1", "4321.57", "上海华东机械有限公司", "INV-0000101")
# A mistyped name and a round amount equal to one of the customer's invoices: alone, who paid is
# not firm (strangers' round receipts meet such names), so a person confirms.
MISTYPED = line("B2", "20000.00", "上海桦东机械有限公司", "货款")


def match_all(*lines, aliases=None):
    index = MatchIndex([HUADONG, CHANGCHENG], LEDGER, aliases)
    return {proposal.bank_ref: proposal for proposal in index.match_all(list(lines))}


def codes(proposal):
    return [r.code for r in proposal.reasons]


def test_an_account_that_paid_in_the_customers_own_name_settles_another_line_of_the_batch():
    alone = match_all(MISTYPED)["B2"]
    assert (alone.status, alone.customer_code) == (REVIEW, "C001")
    batch = match_all(NAMED, MISTYPED)
    assert batch["B1"].status == AUTO
    proposal = batch["B2"]
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0000102", D("20000.00"))]
    assert "account_seen" in codes(proposal)
    # The order of the lines is no matter.
    assert match_all(MISTYPED, NAMED)["B2"].status == AUTO
    # Another account is not known by it.
    other = line("B3", "20000.00", "上海桦东机械有限公司", "货款", account="6222 0210 0100 9999")
    assert match_all(NAMED, other)["B3"].status == REVIEW


def test_an_account_applied_to_two_customers_in_the_batch_is_known_for_neither():
    # The same account pays 长城电子's invoice in its own name: a group's account, an agent's.
    other = line("B4", "987.65", "北京长城电子科技股份有限公司", "INV-0000201")
    batch = match_all(NAMED, other, MISTYPED)
    assert (batch["B1"].status, batch["B4"].status) == (AUTO, AUTO)
    assert batch["B2"].status == REVIEW


def test_a_line_paid_in_another_name_teaches_nothing_about_the_account():
    # A person pays the invoice the memo names, to the cent: applied, but the account is theirs.
    person = line("B5", "4321.57", "张伟", "INV-0000101")
    batch = match_all(person, MISTYPED)
    assert batch["B5"].status == AUTO
    assert batch["B2"].status == REVIEW


def test_a_learned_account_is_not_overruled_by_the_batch():
    # The account is learned as 长城电子's: a line applied to 华东机械 from it does not make it
    # 华东机械's for the rest of the batch.
    aliases = Aliases(by_account={ACCOUNT: "C002"})
    batch = match_all(NAMED, MISTYPED, aliases=aliases)
    assert batch["B2"].customer_code != "C001" or batch["B2"].status != AUTO
    assert "account_seen" not in codes(batch["B2"])

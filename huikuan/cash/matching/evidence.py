"""What a bank line says about who paid, per customer, and how much each kind of evidence
weighs; which evidence may apply a receipt without a person."""

from __future__ import annotations

from dataclasses import dataclass, field

from huikuan.cash.matching.model import Reason
from huikuan.cash.matching.names import NameHit, simplified
from huikuan.cash.matching.references import MemoNumber, digits_of

# Payers and memos that are not customers paying: interest, tax refunds, insurers, payroll,
# government grants, loans drawn, deposits and wealth products coming back, refunds.
NON_CUSTOMER_WORDS = (
    "利息",
    "结息",
    "存息",
    "付息",
    "计息",
    "退库",
    "贷款发放",
    "放款",
    "理财",
    "结构性存款",
    "定期存款",
    "定期到期",
    "资金归集",
    "资金下拨",
    "同名划转",
    "内部划转",
    "内部转账",
    "退税",
    "税务局",
    "税务总局",
    "国库",
    "保险",
    "理赔",
    "赔款",
    "工资",
    "薪资",
    "薪金",
    "报销",
    "社保",
    "公积金",
    "财政",
    "补贴",
    "补助",
    "INTEREST",
    "INT CREDIT",
    "TAX REFUND",
    "LOAN DRAWDOWN",
    "LOAN DISBURSEMENT",
    "INSURANCE",
    "SALARY",
    "PAYROLL",
    # A refund comes from someone the company paid (a supplier, a carrier), not from a customer.
    "退款",
    "REFUND",
    "ERSTATTUNG",
    "REMBOURSEMENT",
    "RIMBORSO",
    "REEMBOLSO",
)


def non_customer_word(text: str) -> str | None:
    """The first of ``NON_CUSTOMER_WORDS`` in ``text`` (a payer name, a memo), read as names
    are read (in simplified characters: 存款結息 says 结息), or None."""
    read = simplified(text).upper()
    return next((word for word in NON_CUSTOMER_WORDS if word in read), None)


# The fits that apply a receipt automatically when only the payer name says who paid: the
# amount alone must single out the invoices (a part payment, an overpayment of everything or
# a combination found among many is a person's decision; one invoice overpaid by a round sum
# is singled out by its cents, as an invoice paid exactly is).
NAME_ONLY_FITS = frozenset(
    {
        "exact_single",
        "exact_all",
        "exact_oldest",
        "exact_order",
        "exact_contract",
        "exact_combination",
        "tolerance_single",
        "short_single",
        "over_single",
        "partial_period",
        "charged_single",
    }
)
EXACT_FITS = frozenset(
    {"exact_single", "exact_all", "exact_oldest", "exact_order", "exact_contract", "exact_combination"}
)
# A name shared by at most this many customers may be settled by the amount.
SHARED_NAME_MAX = 3
# Names only similar to a customer's (a typo, cut at the bank's field length) that a
# distinctive amount may settle; a name without its place is another company and never is.
SIMILAR_NAME_KINDS = frozenset({"fuzzy", "prefix"})
# How much such a name says once the amount singled its customer out.
WEIGHT_SIMILAR_SETTLED = 0.9
# Evidence precedence (who paid): higher beats lower when they disagree.
LEVEL_ACCOUNT, LEVEL_NAME_ALIAS, LEVEL_MEMO, LEVEL_NAME = 4, 3, 2, 1
WEIGHT_ACCOUNT, WEIGHT_NAME_ALIAS, WEIGHT_REFERENCE, WEIGHT_WEAK_REFERENCE, WEIGHT_CODE = (
    0.99,
    0.97,
    0.90,
    0.50,
    0.90,
)


def account_key(account: str) -> str:
    return "".join(ch for ch in account.upper() if ch.isalnum())


def strong_reference(number: MemoNumber, prefix: str, kind: str, written: str) -> bool:
    """A memo number names a ledger number for sure when written with its prefix, after a word
    saying what it is (发票, 订单), or without prefix with all its digits (zeros included)."""
    if number.prefix:
        return number.prefix == prefix and bool(prefix)
    return number.hint == kind or (len(number.digits) >= 5 and number.digits == digits_of(written))


@dataclass(slots=True)
class Evidence:
    """What one line says about one customer."""

    account: bool = False
    account_seen: bool = False  # the account is known from another line of the batch, not learned
    name_alias: bool = False
    name: NameHit | None = None
    strong: dict[int, Reason] = field(default_factory=dict)  # invoice position -> why
    weak: dict[int, Reason] = field(default_factory=dict)
    code_in_memo: bool = False
    explicit: bool = False  # a reference written with its prefix or after 发票/订单
    behind_other_prefix: bool = False  # a weak one written behind another prefix (HT2024-0088)
    settled_by_amount: int = 0  # the name is shared by this many; the amount singled this one out
    settled_similar: bool = False  # a similar name, and a distinctive amount only this one has open
    settled_by_sum: bool = False  # … the amount being what it pays as a habit (one order's invoices)

    def firm(self, weak_used: bool) -> bool:
        """Evidence that may apply a receipt without a person: a learned account or name, a
        customer code or a reference in the memo (a weak one only when the amount bears it
        out), or a strong exact name. A fuzzy, cut or place-less name alone never is; a fuzzy
        or cut one is together with a distinctive amount (see ``settle``)."""
        return bool(
            self.settled_similar
            or self.account
            or self.name_alias
            or self.code_in_memo
            or self.strong
            or weak_used
            or (self.name is not None and self.name.strong)
        )

    def bare_reference_only(self) -> bool:
        """Only numbers written without prefix or word say who paid (a payer nobody knows
        writing 1000302): the amount must bear them out before they apply anything. A payer
        name like this customer's (similar, cut short, or a name several customers share)
        bears the number out instead: a stranger's number meets one of the invoices of a
        customer its name resembles about once in a million."""
        return bool(self.strong) and not (
            self.account
            or self.name_alias
            or self.code_in_memo
            or self.explicit
            or self.settled_similar
            or self.name is not None
        )

    def named_only(self, weak_used: bool) -> bool:
        """Only the payer name says who paid: the amount alone must say what it pays."""
        return not (self.account or self.name_alias or self.code_in_memo or self.strong or weak_used)

    def level(self, memo_counts: bool) -> int:
        if self.account:
            return LEVEL_ACCOUNT
        if self.name_alias:
            return LEVEL_NAME_ALIAS
        if self.strong or self.code_in_memo or memo_counts:
            return LEVEL_MEMO
        return LEVEL_NAME if self.name else 0

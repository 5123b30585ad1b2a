"""The canonical columns of each import file (SPEC §3) and how each cell is read.

A parser takes the cell's text (never empty) and returns the value or raises
``ValueError`` with a reason a user understands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from huikuan.core.limits import (
    GROSS_MARGIN_MAX,
    GROSS_MARGIN_MIN,
    TERM_DAYS_MAX,
    check,
    validate_business_date,
    validate_plain_text,
)
from huikuan.core.money import ungrouped
from huikuan.ledger.models import Billing, CreditClass, CustomerStatus, PaymentMethod

Parser = Callable[[str], Any]


def described(parser: Parser, kind: str, **facts: Any) -> Parser:
    """Mark a parser with the format it accepts, for the import help (docs/imports.md)."""
    parser.format = (kind, facts)  # type: ignore[attr-defined]
    return parser


def parse_text(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise ValueError(gettext("longer than %(n)s characters") % {"n": max_length})
        return check(validate_plain_text, raw)

    return described(parse, "text", max_length=max_length)


def parse_date(raw: str) -> date:
    try:
        if len(raw) != 10:
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(gettext("not a date in the form YYYY-MM-DD")) from None
    return check(validate_business_date, day)


described(parse_date, "date")


def _decimal(raw: str) -> Decimal:
    text = ungrouped(raw)  # 1,234.50; a misplaced comma (12,34.5) is refused with the reason
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(gettext("not a number (use . as the decimal point)")) from None
    if not value.is_finite():
        raise ValueError(gettext("not a finite number"))
    return value


def parse_decimal(*, places: int, minimum: Decimal | None, strictly_above: bool) -> Parser:
    def parse(raw: str) -> Decimal:
        value = _decimal(raw)
        if value.as_tuple().exponent < -places:  # type: ignore[operator]
            # Trailing zeros (45200.0000, as some ERPs export) are no extra precision.
            scaled = value.scaleb(places)
            if scaled != scaled.to_integral_value():
                raise ValueError(gettext("more than %(places)s decimal places") % {"places": places})
            value = scaled.to_integral_value().scaleb(-places)
        if minimum is not None:
            if strictly_above and value <= minimum:
                raise ValueError(gettext("must be greater than %(minimum)s") % {"minimum": minimum})
            if not strictly_above and value < minimum:
                raise ValueError(gettext("must not be below %(minimum)s") % {"minimum": minimum})
        return value

    return described(parse, "decimal", places=places, minimum=minimum, strictly_above=strictly_above)


parse_amount = parse_decimal(places=2, minimum=Decimal(0), strictly_above=True)
parse_limit = parse_decimal(places=2, minimum=Decimal(0), strictly_above=False)
parse_rate = parse_decimal(places=6, minimum=Decimal(0), strictly_above=True)


def parse_fraction(raw: str) -> Decimal:
    value = parse_decimal(places=4, minimum=None, strictly_above=False)(raw)
    if value > GROSS_MARGIN_MAX:
        raise ValueError(gettext("a fraction such as 0.18, not a percentage"))
    if value < GROSS_MARGIN_MIN:
        raise ValueError(gettext("must not be below %(minimum)s") % {"minimum": GROSS_MARGIN_MIN})
    return value


described(parse_fraction, "fraction")


def parse_currency(raw: str) -> str:
    code = raw.upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(gettext("not an ISO 4217 currency code such as CNY"))
    return code


described(parse_currency, "currency")


def parse_count(raw: str) -> int:
    if not raw.isdigit():
        raise ValueError(gettext("not a whole number of days"))
    if len(raw) > 6 or int(raw) > TERM_DAYS_MAX:
        raise ValueError(gettext("more than %(n)s days") % {"n": TERM_DAYS_MAX})
    return int(raw)


described(parse_count, "days")


_FLAGS = {
    "yes": True,
    "true": True,
    "1": True,
    "y": True,
    "是": True,
    "no": False,
    "false": False,
    "0": False,
    "n": False,
    "否": False,
}


def parse_flag(raw: str) -> bool:
    try:
        return _FLAGS[raw.lower()]
    except KeyError:
        raise ValueError(gettext("not one of yes/no/true/false/1/0")) from None


described(parse_flag, "flag", accepted=tuple(_FLAGS))


def parse_choice(choices: Mapping[str, str], what: Any) -> Parser:
    """``what`` names the kind of value in the error message (a lazily translated text)."""

    def parse(raw: str) -> str:
        try:
            return choices[raw.lower()]
        except KeyError:
            allowed = ", ".join(sorted(set(choices.values())))
            raise ValueError(
                gettext("not a %(what)s; one of %(allowed)s") % {"what": what, "allowed": allowed}
            ) from None

    values = tuple(dict.fromkeys(choices.values()))
    # Values are matched whatever their case: "a" is no synonym of "A".
    synonyms = tuple(key for key in choices if key not in {value.lower() for value in values})
    return described(parse, "choice", values=values, synonyms=synonyms)


parse_credit_class = parse_choice({c.lower(): c for c in CreditClass.values}, gettext_lazy("credit class"))
parse_status = parse_choice(
    {
        **{s: s for s in CustomerStatus.values},
        "hold": "credit_hold",
        "正常": "active",
        "暂停发货": "credit_hold",
        "法务": "legal",
        "关闭": "closed",
    },
    gettext_lazy("customer status"),
)
parse_method = parse_choice(
    {
        **{m: m for m in PaymentMethod.values},
        "transfer": "bank_transfer",
        "wire": "bank_transfer",
        "银行转账": "bank_transfer",
        "电汇": "bank_transfer",
        "银行承兑汇票": "bank_acceptance_bill",
        "银承": "bank_acceptance_bill",
        "商业承兑汇票": "commercial_acceptance_bill",
        "商承": "commercial_acceptance_bill",
        "支票": "cheque",
        "现金": "cash",
        "其他": "other",
    },
    gettext_lazy("payment method"),
)
parse_language = parse_choice(
    {
        "zh-hans": "zh-hans",
        "zh": "zh-hans",
        "zh-cn": "zh-hans",
        "中文": "zh-hans",
        "en": "en",
        "english": "en",
        "英文": "en",
    },
    gettext_lazy("language"),
)
parse_billing = parse_choice(
    {
        **{b: b for b in Billing.values},
        "纸质": Billing.PAPER.value,
        "纸质发票": Billing.PAPER.value,
        "电子": Billing.ELECTRONIC.value,
        "电子发票": Billing.ELECTRONIC.value,
        "数电票": Billing.ELECTRONIC.value,
        "全电发票": Billing.ELECTRONIC.value,
    },
    gettext_lazy("billing method"),
)
INDUSTRY_POSITIONS = ("global500", "top5", "top20", "listed", "regional", "ordinary", "new")
parse_industry_position = parse_choice({p: p for p in INDUSTRY_POSITIONS}, gettext_lazy("industry position"))


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = False
    # Chinese headers common in ERP exports, recognised without a mapping file.
    aliases: tuple[str, ...] = ()


_CODE = parse_text(64)
_NAME = parse_text(300)
_SHORT = parse_text(150)
_LONG = parse_text(500)

CUSTOMER_COLUMNS = (
    Column("customer_code", _CODE, True, ("客户编码", "客户代码", "客户编号")),
    Column("name", _NAME, True, ("客户名称", "名称")),
    Column("short_name", _SHORT, aliases=("客户简称", "简称")),
    Column("english_name", _NAME, aliases=("英文名称", "英文名")),
    Column("credit_class", parse_credit_class, aliases=("信用等级", "客户等级")),
    Column("credit_limit", parse_limit, aliases=("信用额度",)),
    Column("term_days", parse_count, aliases=("账期", "账期天数", "信用期")),
    Column("salesperson", _SHORT, aliases=("业务员", "销售员")),
    Column("collector", _SHORT, aliases=("催收员", "催收专员")),
    Column("department", _SHORT, aliases=("部门", "销售部门")),
    Column("industry_position", parse_industry_position, aliases=("行业地位",)),
    Column("email", parse_text(254), aliases=("邮箱", "电子邮件")),
    Column("phone", parse_text(64), aliases=("电话", "联系电话")),
    Column("address", _LONG, aliases=("地址",)),
    Column("status", parse_status, aliases=("状态",)),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("language", parse_language, aliases=("语言",)),
)

INVOICE_COLUMNS = (
    Column("invoice_number", _CODE, True, ("单据编号", "应收单号", "发票号")),
    Column("customer_code", _CODE, True, ("客户编码", "客户代码", "客户编号")),
    Column("invoice_date", parse_date, True, ("单据日期", "开票日期", "发票日期")),
    Column("due_date", parse_date, aliases=("到期日", "到期日期")),
    Column("shipment_date", parse_date, aliases=("发货日期", "出库日期")),
    Column("amount", parse_amount, True, ("金额", "应收金额", "价税合计")),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("exchange_rate", parse_rate, aliases=("汇率",)),
    Column("order_number", _CODE, aliases=("订单号", "销售订单号")),
    Column("contract_number", _CODE, aliases=("合同号", "合同编号")),
    Column("vat_invoice_number", _LONG, aliases=("税票号", "增值税发票号", "发票号码", "数电票号码")),
    Column("salesperson", _SHORT, aliases=("业务员", "销售员")),
    Column("department", _SHORT, aliases=("部门", "销售部门")),
    Column("description", _LONG, aliases=("摘要", "备注")),
    Column("disputed", parse_flag, aliases=("争议",)),
    Column("gross_margin", parse_fraction, aliases=("毛利率",)),
    # How the invoice reached the customer: on paper or electronically.
    Column("billing", parse_billing, aliases=("送达方式", "开票方式", "发票形式")),
)

PAYMENT_COLUMNS = (
    Column("payment_ref", parse_text(100), True, ("收款单号", "流水号")),
    Column("customer_code", _CODE, aliases=("客户编码", "客户代码", "客户编号")),
    Column("payment_date", parse_date, True, ("收款日期", "到账日期")),
    Column("amount", parse_amount, True, ("金额", "收款金额")),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("exchange_rate", parse_rate, aliases=("汇率",)),
    Column("method", parse_method, aliases=("结算方式", "收款方式")),
    Column("payer_name", _NAME, aliases=("付款人", "付款单位", "对方户名")),
    Column("memo", parse_text(1000), aliases=("摘要", "附言", "用途")),
    Column("invoice_number", _CODE, aliases=("单据编号", "应收单号", "发票号")),
    # An advance receipt (预收), for the customer or for one of its orders.
    Column("advance", parse_flag, aliases=("预收", "是否预收")),
    Column("order_number", parse_text(64), aliases=("订单号", "销售订单号")),
)

ALLOCATION_COLUMNS = (
    Column("payment_ref", parse_text(100), True, ("收款单号", "流水号")),
    Column("invoice_number", _CODE, True, ("单据编号", "应收单号", "发票号")),
    Column("amount", parse_amount, True, ("核销金额", "金额")),
    Column("allocation_date", parse_date, aliases=("核销日期",)),
)

CREDIT_NOTE_COLUMNS = (
    Column("credit_note_number", _CODE, True, ("贷项单号", "红字单号")),
    Column("customer_code", _CODE, True, ("客户编码", "客户代码", "客户编号")),
    Column("invoice_number", _CODE, aliases=("单据编号", "应收单号", "发票号")),
    Column("date", parse_date, True, ("日期", "单据日期")),
    Column("amount", parse_amount, True, ("金额",)),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("exchange_rate", parse_rate, aliases=("汇率",)),
    Column("reason", _LONG, aliases=("原因", "备注")),
)

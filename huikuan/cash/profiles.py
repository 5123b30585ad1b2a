"""Profiles: how to read one bank's CSV/XLS/XLSX export.

A profile names the columns (each field → one header, or several headers to try in order, and
for ``memo`` several columns joined), the amount layout, the number and date forms and the
encoding. The built-in profiles are defined here, in code, so they improve with Huikuan;
profiles users save are ``BankProfile`` rows (``huikuan bank profile add --from-json FILE``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.cash.models import AmountLayout, BankProfile
from huikuan.core.errors import ApplicationError, NotFound

# Fields a profile may map, and what each holds.
FIELDS = {
    "reference": "the bank's reference of the line (流水号)",
    "date": "the booking date (required)",
    "value_date": "the value date (起息日)",
    "account": "the statement's own account, when each line names it (本方账号, 账号)",
    "transaction_date": "the day the transaction was made, beside the booking date (a card's 交易日)",
    "amount": "the amount: signed, or with a direction column",
    "credit": "money in (收入/贷方), when in and out are separate columns",
    "debit": "money out (支出/借方), when in and out are separate columns",
    "direction": "credit/debit, 收/支, 贷/借, C/D …",
    "currency": "the currency (ISO code or 人民币, 美元 …)",
    "payer_name": "the other party's name (对方户名)",
    "payer_account": "the other party's account (对方账号)",
    "memo": "remittance text; several columns are joined",
}
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")


@dataclass(frozen=True)
class Profile:
    name: str
    columns: dict[str, list[str]]
    amount_layout: str = AmountLayout.SIGNED
    encoding: str = "auto"
    skip_rows: int = 0
    delimiter: str = ","
    thousands_separator: str = ","
    decimal_separator: str = "."
    # One or more strftime formats separated by ";"; common forms are tried after them.
    date_format: str = "%Y-%m-%d"
    currency: str = ""
    builtin: bool = False
    # A card statement's signed amounts are the card holder's: positive is money spent.
    card_statement: bool = False
    # How the bank names itself in the rows above the header: the tie-breaker between profiles.
    bank_names: tuple[str, ...] = ()
    # Used only when no other profile fits the file.
    last_resort: bool = False
    label: str = ""
    notes: list[str] = field(default_factory=list)

    def headers(self, field_name: str) -> list[str]:
        return self.columns.get(field_name, [])

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("notes")
        return data


def _columns(mapping: dict[str, Any]) -> dict[str, list[str]]:
    return {
        key: [value] if isinstance(value, str) else list(value) for key, value in mapping.items() if value
    }


# Headers many Chinese banks share (personal and corporate exports alike); each built-in
# profile adds its bank's own. The first header a file holds is the one read. Dates, amounts
# and memo columns stay each bank's own, so that the profile fitting a file best is its bank's.
_REFERENCE = [
    "交易流水号",
    "流水号",
    "业务流水号",
    "核心流水号",
    "会计流水号",
    "交易序号",
    "凭证号",
    "日志号",
]
_PAYER_NAME = [
    "对方户名", "对方账户名称", "对方账户名", "对方名称", "对方单位名称", "对方单位", "对方姓名",
    "收(付)方名称", "付款人名称", "对手户名", "对手信息",
    # The name and the account in one cell (民生银行: 上海某某有限公司/6222…).
    "对方户名/账号", "对方户名/帐号", "对方账号/户名", "对方账号与户名", "对方户名与账号",
]  # fmt: skip
_PAYER_ACCOUNT = [
    "对方账号", "对方账户", "对方卡号/账号", "对方卡号", "对方帐号", "收(付)方帐号", "收(付)方账号",
    "付款人账号", "对手账号",
]  # fmt: skip
_CURRENCY = ["币种", "币别", "交易币种", "记账币种", "货币", "交易货币"]

_MEMO = [
    "摘要", "交易摘要", "用途", "交易用途", "附言", "交易附言", "备注", "客户摘要", "交易说明", "交易描述",
    "摘要说明", "备注信息", "汇款附言",
]  # fmt: skip
# Read when a profile names none of its own headers for the field (they do not count towards
# which profile fits best), so that a bank's new column name does not lose the memo or payer.
COMMON_HEADERS = {
    "reference": [*_REFERENCE, "结算号", "交易参考号", "银行流水号"],
    "payer_name": _PAYER_NAME,
    "payer_account": _PAYER_ACCOUNT,
    "memo": _MEMO,
    "currency": _CURRENCY,
    "value_date": ["起息日", "起息日期"],
    # The statement's own account on each line (工商银行's 借记卡账户历史明细清单, corporate exports).
    "account": ["本方账号", "本方账户", "本方帐号", "本方卡号", "账号", "帐号", "卡号"],
}


def _with(own: list[str], shared: list[str]) -> list[str]:
    return list(dict.fromkeys([*own, *shared]))


BUILTIN: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            name="canonical",
            label="Huikuan bank CSV",
            columns=_columns(
                {
                    "reference": ["reference", "bank_ref"],
                    "date": ["date", "booking_date"],
                    "value_date": "value_date",
                    "amount": "amount",
                    "direction": "direction",
                    "currency": "currency",
                    "payer_name": "payer_name",
                    "payer_account": "payer_account",
                    "memo": "memo",
                }
            ),
            amount_layout=AmountLayout.DIRECTION,
            builtin=True,
        ),
        Profile(
            name="icbc",
            bank_names=("工商银行", "ICBC", "Industrial and Commercial Bank"),
            label="工商银行 ICBC",
            columns=_columns(
                {
                    "reference": _REFERENCE,
                    "date": ["交易日期", "记账日期"],
                    "credit": ["记账金额(收入)", "交易金额(收入)", "贷方发生额", "收入金额", "收入"],
                    "debit": ["记账金额(支出)", "交易金额(支出)", "借方发生额", "支出金额", "支出"],
                    # The 借记卡账户历史明细清单 (the PDF statement, and tables made of it): one
                    # signed amount, 收入/支出金额 (-5.00 out, 1,200.00 in).
                    "amount": ["收入/支出金额"],
                    # The statement's own account on each line (the same 清单, corporate exports).
                    "account": ["本方账号", "账号"],
                    "currency": ["记账币种", "交易币种", "币种"],
                    "payer_name": _PAYER_NAME,
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": ["摘要", "用途", "附言", "交易详情", "交易场所"],
                }
            ),
            amount_layout=AmountLayout.SPLIT,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="cmb",
            bank_names=("招商银行", "China Merchants Bank"),
            label="招商银行 CMB",
            columns=_columns(
                {
                    "reference": _with(["流水号", "交易流水号"], _REFERENCE),
                    "date": ["记账日期", "交易日", "交易日期"],
                    "amount": ["交易金额"],
                    "credit": ["贷方金额", "收入金额"],
                    "debit": ["借方金额", "支出金额"],
                    "currency": ["货币", "币种"],
                    # CMB writes the other party as one cell: name followed by its account.
                    "payer_name": _with(["对手信息", "收(付)方名称"], _PAYER_NAME),
                    "payer_account": _with(["收(付)方帐号", "收(付)方账号"], _PAYER_ACCOUNT),
                    "memo": ["交易摘要", "摘要", "客户摘要", "用途"],
                }
            ),
            amount_layout=AmountLayout.SIGNED,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="ccb",
            bank_names=("建设银行", "China Construction Bank"),
            label="建设银行 CCB",
            columns=_columns(
                {
                    "reference": _with(["交易流水号", "账户明细编号-交易流水号"], _REFERENCE),
                    "date": ["交易日期", "记账日"],
                    "credit": ["收入", "贷方发生额（收入）", "贷方发生额"],
                    "debit": ["支出", "借方发生额（支取）", "借方发生额"],
                    # The CSV download: one signed 交易金额, 币别, the other party in one cell.
                    "amount": ["交易金额"],
                    "currency": ["币种", "币别"],
                    "payer_name": _with(["对方户名", "对方户名/对方名称", "对方账号与户名"], _PAYER_NAME),
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": ["摘要", "备注", "交易地点", "交易地点/附言"],
                }
            ),
            amount_layout=AmountLayout.SPLIT,
            date_format="%Y%m%d",
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="boc",
            bank_names=("中国银行", "Bank of China"),
            label="中国银行 Bank of China",
            columns=_columns(
                {
                    "reference": _REFERENCE,
                    # 交易日/银行记账日 and 存入/支出: the card statement's columns, booked on
                    # the day the bank booked it (银行记账日), made on its 交易日.
                    "date": ["交易日期", "记账日期", "银行记账日", "交易日"],
                    "transaction_date": ["交易日"],
                    "amount": ["交易金额", "金额"],
                    "credit": ["收入金额", "贷方发生额", "存入"],
                    "debit": ["支出金额", "借方发生额", "支出"],
                    "currency": ["币种", "币别", "交易货币"],
                    "payer_name": _with(["对方账户名"], _PAYER_NAME),
                    "payer_account": _with(["对方卡号/账号"], _PAYER_ACCOUNT),
                    "memo": ["摘要", "交易名称", "附言", "用途", "交易描述"],
                }
            ),
            amount_layout=AmountLayout.SIGNED,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="abc",
            bank_names=("农业银行", "Agricultural Bank"),
            label="农业银行 ABC",
            columns=_columns(
                {
                    "reference": _with(["交易流水号", "流水号", "日志号"], _REFERENCE),
                    "date": ["交易日期", "记账日期", "交易时间"],
                    "credit": ["收入金额", "贷方发生额", "收入"],
                    "debit": ["支出金额", "借方发生额", "支出"],
                    "amount": ["交易金额"],
                    "currency": ["币种", "交易币种"],
                    "payer_name": _with(["对方户名", "对手信息"], _PAYER_NAME),
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": ["交易用途", "摘要", "交易摘要", "附言", "交易附言", "备注"],
                }
            ),
            amount_layout=AmountLayout.SPLIT,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="bocom",
            bank_names=("交通银行", "Bank of Communications"),
            label="交通银行 BOCOM",
            columns=_columns(
                {
                    "reference": _REFERENCE,
                    "date": ["交易日期", "记账日期"],
                    "amount": ["发生额", "交易金额"],
                    "direction": ["借贷标志", "借贷", "借贷方向", "收支标志"],
                    "credit": ["贷方发生额", "收入金额"],
                    "debit": ["借方发生额", "支出金额"],
                    "currency": ["币种"],
                    "payer_name": _PAYER_NAME,
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": ["摘要", "交易类型", "附言", "用途", "备注"],
                }
            ),
            amount_layout=AmountLayout.DIRECTION,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="cib",
            bank_names=("兴业银行", "Industrial Bank"),
            label="兴业银行 CIB",
            columns=_columns(
                {
                    "reference": _REFERENCE,
                    # 交易时间 holds the date and the time; 记账日 the booking date.
                    "date": ["交易时间", "记账日"],
                    "credit": ["收入", "收入金额", "贷方发生额"],
                    "debit": ["支出", "支出金额", "借方发生额"],
                    "currency": _CURRENCY,
                    "payer_name": _PAYER_NAME,
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": ["摘要", "用途", "备注"],
                }
            ),
            amount_layout=AmountLayout.SPLIT,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="spdb",
            bank_names=("浦发银行", "浦东发展银行", "SPD Bank"),
            label="浦发银行 SPDB",
            columns=_columns(
                {
                    "reference": _REFERENCE,
                    "date": ["交易日期", "交易时间", "交易日期时间", "记账日期"],
                    "credit": ["存入金额", "存入", "收入金额", "贷方发生额"],
                    "debit": ["取出金额", "支取金额", "取出", "支出金额", "借方发生额"],
                    "currency": _CURRENCY,
                    "payer_name": _PAYER_NAME,
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": ["交易摘要", "摘要", "附言", "用途", "备注"],
                }
            ),
            amount_layout=AmountLayout.SPLIT,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="cgb_credit",
            bank_names=("广发银行", "广发卡"),
            label="广发银行信用卡 CGB credit card",
            columns=_columns(
                {
                    # Booked on its 入账日期, made on its 交易日期.
                    "date": ["入账日期", "交易日期"],
                    "transaction_date": ["交易日期"],
                    "amount": ["入账金额"],
                    "currency": ["入账货币"],
                    "memo": ["交易摘要"],
                }
            ),
            amount_layout=AmountLayout.SIGNED,
            card_statement=True,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="cmb_credit",
            bank_names=("招商银行信用卡", "招商银行"),
            label="招商银行信用卡 CMB credit card",
            columns=_columns(
                {
                    # Booked on its 记账日, made on its 交易日 (blank on a repayment). Neither
                    # has a year: it comes from the statement's month or period above the table.
                    "date": ["记账日", "交易日"],
                    "transaction_date": ["交易日"],
                    "amount": ["人民币金额"],
                    "memo": ["交易摘要"],
                }
            ),
            amount_layout=AmountLayout.SIGNED,
            card_statement=True,
            currency="CNY",
            builtin=True,
        ),
        Profile(
            name="hsbc_hk",
            bank_names=("HSBC", "汇丰"),
            label="HSBC Hong Kong 香港汇丰",
            columns=_columns(
                {
                    # A card: booked on its Post date, made on its Transaction date.
                    "date": ["Post date", "Date", "Transaction date"],
                    "transaction_date": ["Transaction date"],
                    "amount": ["Billing amount"],
                    "direction": ["Credit / Debit"],
                    "currency": ["Billing currency"],
                    "memo": ["Description"],
                }
            ),
            amount_layout=AmountLayout.SIGNED,
            date_format="%d/%m/%Y",
            currency="HKD",
            builtin=True,
        ),
        Profile(
            name="cn_generic",
            label="其他银行 Other Chinese banks",
            columns=_columns(
                {
                    "reference": COMMON_HEADERS["reference"],
                    "date": [
                        "交易日期",
                        "记账日期",
                        "业务日期",
                        "入账日期",
                        "交易日",
                        "记账日",
                        "日期",
                        "交易时间",
                        "记账时间",
                        "账单日期",
                    ],
                    "credit": [
                        "贷方发生额",
                        "贷方金额",
                        "收入金额",
                        "收入",
                        "存入金额",
                        "存入",
                        "转入金额",
                        "来账金额",
                        "贷方",
                    ],
                    "debit": [
                        "借方发生额",
                        "借方金额",
                        "支出金额",
                        "支出",
                        "取出金额",
                        "支取金额",
                        "转出金额",
                        "往账金额",
                        "借方",
                    ],
                    "amount": ["交易金额", "发生额", "金额", "收入/支出金额"],
                    "currency": _CURRENCY,
                    "payer_name": _PAYER_NAME,
                    "payer_account": _PAYER_ACCOUNT,
                    "memo": _MEMO,
                }
            ),
            amount_layout=AmountLayout.SPLIT,
            currency="CNY",
            builtin=True,
            last_resort=True,
        ),
    )
}


def profile_from_row(row: BankProfile) -> Profile:
    return Profile(
        name=row.name,
        columns=_columns(row.columns),
        amount_layout=row.amount_layout,
        encoding=row.encoding or "auto",
        skip_rows=row.skip_rows,
        delimiter=row.delimiter or ",",
        thousands_separator=row.thousands_separator,
        decimal_separator=row.decimal_separator or ".",
        date_format=row.date_format,
        currency=row.currency,
    )


def profile_get(*, name: str) -> Profile:
    """A built-in profile or a saved one, by name; a saved one never shadows a built-in."""
    if name in BUILTIN:
        return BUILTIN[name]
    row = BankProfile.objects.filter(name=name).first()
    if row is None:
        raise NotFound(
            _("no bank profile named %(name)s; one of: %(names)s")
            % {"name": name, "names": ", ".join(profile_names())}
        )
    return profile_from_row(row)


def profile_names() -> list[str]:
    return [*BUILTIN, *BankProfile.objects.order_by("name").values_list("name", flat=True)]


def profiles_all() -> list[Profile]:
    return [*BUILTIN.values(), *(profile_from_row(row) for row in BankProfile.objects.order_by("name"))]


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    problems = []
    name = str(data.get("name", "")).strip()
    if not name:
        problems.append(_("a profile needs a name"))
    elif name in BUILTIN:
        problems.append(_("%(name)s is a built-in profile's name") % {"name": name})
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        problems.append(_("columns must map fields to the file's headers"))
        columns = {}
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        problems.append(_("unknown fields in columns: %(fields)s") % {"fields": ", ".join(unknown)})
    if "date" not in columns:
        problems.append(_("columns must name the date column"))
    layout = data.get("amount_layout", AmountLayout.SIGNED)
    if layout not in AmountLayout.values:
        problems.append(_("amount_layout is one of %(values)s") % {"values": ", ".join(AmountLayout.values)})
    wanted = {"signed": ["amount"], "direction": ["amount", "direction"], "split": ["credit", "debit"]}
    missing = [f for f in wanted.get(layout, []) if f not in columns]
    if missing:
        problems.append(
            _("the %(layout)s layout needs columns for %(fields)s")
            % {"layout": layout, "fields": ", ".join(missing)}
        )
    encoding = data.get("encoding", "auto")
    if encoding not in ENCODINGS:
        problems.append(_("encoding is one of %(values)s") % {"values": ", ".join(ENCODINGS)})
    if problems:
        raise ApplicationError("; ".join(problems))
    for key, value in columns.items():
        if not (
            isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            raise ApplicationError(_("column %(field)s: a header or a list of headers") % {"field": key})
    return {
        "encoding": encoding,
        "skip_rows": int(data.get("skip_rows", 0)),
        "delimiter": str(data.get("delimiter", ","))[:4] or ",",
        "columns": columns,
        "amount_layout": layout,
        "thousands_separator": str(data.get("thousands_separator", ","))[:2],
        "decimal_separator": str(data.get("decimal_separator", "."))[:2] or ".",
        "date_format": str(data.get("date_format", "%Y-%m-%d"))[:40],
        "currency": str(data.get("currency", "")).upper()[:3],
    }


@transaction.atomic
def profile_save(*, data: dict[str, Any]) -> tuple[BankProfile, bool]:
    """Create or update a saved profile from its JSON form; (profile, created). Audited."""
    values = _validated(data)
    row = BankProfile.objects.filter(name=str(data["name"]).strip()).first()
    if row is None:
        return BankProfile.objects.create(name=str(data["name"]).strip(), **values), True
    for key, value in values.items():
        setattr(row, key, value)
    row.save(update_fields=list(values))
    return row, False


def profile_load_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ApplicationError(_("not JSON: %(reason)s") % {"reason": error}) from None
    if not isinstance(data, dict):
        raise ApplicationError(_("a profile is a JSON object"))
    return data

"""A seeded open ledger and a bank statement of receipts as real payers write them.

Plain dicts only, so that another tool can write the same data as import files (customers,
invoices, a bank statement CSV) and run the whole path:

    ledger = generate_ledger(customers=100_000, invoices=1_000_000, seed=1)
    lines = generate_bank_lines(ledger, lines=10_000, seed=1)   # each with its "truth"

The generator is meant to be hard where real statements are: references with and without
prefix, other separators, dropped or added zeros, any case, lists and ranges, order numbers
instead of invoice numbers, only the month (sometimes the service month before the invoice
date), no reference at all; names in full, short, without legal form,
with a branch, in pinyin, in English, with typos, cut at the bank's field length; bank fees,
short-pays, part payments, several invoices in one transfer, overpayments, two open invoices
of the same amount, third parties paying for a customer, and receipts that are not from
customers at all (interest, tax refunds, insurers, private persons, unknown companies).
``variation="heldout"`` changes the mix and adds formats the matcher was not tuned on.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from pypinyin import lazy_pinyin

PLACES = (
    "上海 北京 深圳 广州 杭州 南京 苏州 武汉 成都 天津 重庆 宁波 青岛 厦门 无锡 佛山 东莞 长沙 郑州 济南"
).split()
BRAND_CHARS = (
    "华东南北中新恒泰安盛通达宏远鑫源金瑞丰隆嘉德信诚永昌兴海天宇光明博威力创佳美"
    "正和合鼎立凯辉腾飞锦程汇聚星辰澳富强晨阳峰云龙凤祥顺利明亚联成"
)
INDUSTRIES = [
    ("机械", "Machinery"),
    ("电子", "Electronics"),
    ("科技", "Technology"),
    ("贸易", "Trading"),
    ("化工", "Chemical"),
    ("实业", "Industrial"),
    ("材料", "Materials"),
    ("建设工程", "Construction"),
    ("物流", "Logistics"),
    ("医疗器械", "Medical Devices"),
    ("汽车零部件", "Auto Parts"),
    ("食品", "Foods"),
    ("纺织", "Textile"),
    ("包装", "Packaging"),
    ("电气", "Electric"),
    ("信息技术", "Information Technology"),
    ("环保设备", "Environmental Equipment"),
    ("塑胶", "Plastics"),
    ("精密仪器", "Precision Instruments"),
    ("能源", "Energy"),
]
LEGAL_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "招商银行", "交通银行", "浦发银行"]
INSURERS = ["中国平安财产保险股份有限公司", "中国人民财产保险股份有限公司", "太平洋财产保险股份有限公司"]
START = date(2024, 1, 1)


def _company_name(rng: random.Random) -> tuple[str, str, str, str]:
    """(full name, short name, English name, brand) of a made-up company."""
    place = rng.choice(PLACES)
    brand = "".join(rng.sample(BRAND_CHARS, 2))
    industry, english = rng.choice(INDUSTRIES)
    full = f"{place}{brand}{industry}{rng.choice(LEGAL_FORMS)}"
    brand_latin = "".join(lazy_pinyin(brand)).title()
    return full, f"{brand}{industry}", f"{place_latin(place)} {brand_latin} {english} Co., Ltd.", brand


def place_latin(place: str) -> str:
    return "".join(lazy_pinyin(place)).title()


def generate_ledger(*, customers: int = 100_000, invoices: int = 1_000_000, seed: int = 1) -> dict:
    """Customers, open invoices, the customers' bank accounts and the aliases learned so far."""
    rng = random.Random(seed)
    rows, names_seen = [], set()
    for index in range(customers):
        while True:
            full, short, english, _brand = _company_name(rng)
            if full not in names_seen:
                names_seen.add(full)
                break
        rows.append(
            {
                "customer_code": f"C{index + 1:06d}",
                "name": full,
                "short_name": short if rng.random() < 0.5 else "",
                "english_name": english if rng.random() < 0.3 else "",
                "currency": "USD" if rng.random() < 0.05 else "CNY",
                "accounts": [f"6222{rng.randrange(10**15):015d}" for _ in range(rng.choice((1, 1, 2)))],
            }
        )
    # A few customers buy a lot: invoice counts are skewed (lognormal weights).
    weights = [rng.lognormvariate(0, 1.2) for _ in rows]
    scale = invoices / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    invoice_rows: list[dict] = []
    number, order = 0, 0
    for customer, count in zip(rows, counts, strict=True):
        recurring = rng.random() < 0.08  # a monthly fee: several open invoices of one amount
        fee = Decimal(rng.choice((1200, 3000, 4500, 8800, 12000))) if recurring else None
        made = 0
        while made < count and len(invoice_rows) < invoices:
            batch = min(count - made, rng.choice((1, 1, 1, 2, 2, 3, 4)))
            issued = START + timedelta(days=rng.randrange(300))
            order += 1
            for _ in range(batch):
                number += 1
                amount = fee if fee is not None and rng.random() < 0.7 else _amount(rng)
                invoice_rows.append(
                    {
                        "invoice_number": f"INV-{number:07d}",
                        "customer_code": customer["customer_code"],
                        "invoice_date": issued,
                        "due_date": issued + timedelta(days=rng.choice((30, 45, 60, 90))),
                        "amount": amount,
                        "open_amount": amount,
                        "currency": customer["currency"],
                        "order_number": f"SO-{order:07d}",
                    }
                )
            made += batch
    alias_accounts = {c["accounts"][0]: c["customer_code"] for c in rows if rng.random() < 0.4}
    return {
        "customers": rows,
        "invoices": invoice_rows,
        "aliases": {"by_account": alias_accounts, "by_name": {}},
    }


def _amount(rng: random.Random) -> Decimal:
    if rng.random() < 0.25:
        return Decimal(rng.choice((500, 1000, 2000, 5000, 10000, 20000, 50000)) * rng.randint(1, 9))
    return Decimal(round(rng.lognormvariate(9.5, 1.1), 2)).quantize(Decimal("0.01"))


# ----------------------------------------------------------------------------- payer habits
def _ref_text(rng: random.Random, number: str, variation: str) -> str:
    digits = number.split("-")[1]
    short = digits.lstrip("0")
    styles = [
        number,
        number,
        f"INV{digits}",
        f"inv {short}",
        f"Inv-{short}",
        f"INV_{digits}",
        f"INV#{short}",
        digits,
        short,
        f"发票{short}",
        f"发票号：{digits}",
        f"发票号码{short}",
    ]
    if variation == "heldout":
        styles += [
            f"NO.{digits}",
            f"Invoice No {short}",
            f"票号{digits}",
            "ＩＮＶ－" + digits.translate(_FULL),
            f"inv.{digits}",
            f"INV {digits[:3]} {digits[3:]}",
        ]
    return rng.choice(styles)


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _refs_text(rng: random.Random, numbers: list[str], variation: str) -> str:
    if len(numbers) == 1:
        return _ref_text(rng, numbers[0], variation)
    values = sorted(int(n.split("-")[1]) for n in numbers)
    consecutive = values == list(range(values[0], values[0] + len(values)))
    if consecutive and rng.random() < 0.6:
        first, last = f"{values[0]:07d}", f"{values[-1]:07d}"
        return rng.choice(
            [
                f"INV-{first}~{last}",
                f"发票{values[0]}至{values[-1]}",
                f"INV{first}-{last[-2:]}",
                f"INV-{values[0]}到{values[-1]}",
            ]
        )
    style = rng.random()
    if style < 0.3:
        return "INV-" + "/".join(f"{v:07d}" for v in values)
    if style < 0.55:
        return "发票" + "、".join(str(v) for v in values)
    if style < 0.75:
        return "发票号：" + ",".join(f"{v:07d}" for v in values)
    return " ".join(_ref_text(rng, f"INV-{v:07d}", variation) for v in values)


def _typo(rng: random.Random, name: str) -> str:
    position = rng.randrange(1, max(2, len(name) - 4))
    return name[:position] + rng.choice(BRAND_CHARS) + name[position + 1 :]


def _payer_name(rng: random.Random, customer: dict, variation: str) -> tuple[str, str]:
    """How the customer's name reaches the statement, and the habit's label."""
    name, roll = customer["name"], rng.random()
    core = _core(name)
    if roll < 0.50:
        return name, "name_full"
    if roll < 0.58:
        return core, "name_without_legal_form"
    if roll < 0.66 and customer["short_name"]:
        return customer["short_name"], "name_short"
    if roll < 0.72:
        return f"{name}{rng.choice(PLACES)}分公司", "name_branch"
    if roll < 0.78:
        text = " ".join(lazy_pinyin(name)).upper()
        return (text.replace(" ", "") if rng.random() < 0.3 else text), "name_pinyin"
    if roll < 0.83 and customer["english_name"]:
        english = customer["english_name"]
        return rng.choice(
            [english.upper(), english.replace(",", "").replace(".", ""), english.lower()]
        ), "name_english"
    if roll < 0.89:
        return _typo(rng, name), "name_typo"
    if roll < 0.93:
        return name[:10], "name_truncated"
    if variation == "heldout" and roll < 0.97:
        return name.replace("有限公司", "(中国)有限公司", 1), "name_bracketed"
    return name, "name_full"


# Payers of a monthly fee or a month's goods often write the month instead of the invoice
# number. Some write the month of the service while the invoice is dated in the month after
# (a hard case: the month then points at the wrong one of two equal invoices).
PERIOD_SHARE = {"base": 0.25, "heldout": 0.2}
PERIOD_STYLES = ["{m}月货款", "{m}月份服务费", "{y}年{m}月货款", "支付{m}月费用", "{m}月管理费"]
PERIOD_STYLES_HELDOUT = ["{cm}月租金", "{en} {y} FEE", "{y}-{m:02d} 服务费", "{y}.{m} 货款"]
CHINESE_MONTHS = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()
ENGLISH_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()


def _period_memo(rng: random.Random, invoice: dict, variation: str) -> tuple[str, tuple[int, int]]:
    """The memo, and the (year, month) it names."""
    issued = invoice["invoice_date"]
    year, month = issued.year, issued.month
    if rng.random() < 0.3:  # the service month, invoiced at the start of the next
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    styles = PERIOD_STYLES + (PERIOD_STYLES_HELDOUT if variation == "heldout" else [])
    memo = rng.choice(styles).format(
        y=year, m=month, cm=CHINESE_MONTHS[month - 1], en=ENGLISH_MONTHS[month - 1]
    )
    return memo, (year, month)


NOISE = ["货款", "付款", "支付货款", "往来款", "购货款", "", "", "", "转账", "网银转账", "PAYMENT"]
NOISE_HELDOUT = ["结算款", "设备款", "材料款 HT2024-0088", "付3月货款", "电汇", "TT PAYMENT"]


# ----------------------------------------------------------------------------- the statement
BASE_MIX = {
    "single_exact": 44,
    "combination": 12,
    "bank_fee": 9,
    "short_pay": 3,
    "partial": 5,
    "overpayment": 2,
    "same_amount_twice": 3,
    "third_party": 3,
    "whole_statement": 3,
}
HELDOUT_MIX = {
    "single_exact": 36,
    "combination": 14,
    "bank_fee": 11,
    "short_pay": 4,
    "partial": 6,
    "overpayment": 3,
    "same_amount_twice": 4,
    "third_party": 4,
    "whole_statement": 4,
}
# What a bank keeps of a transfer, and the share of an invoice a short-pay leaves unpaid.
BANK_FEES = tuple(Decimal(x) for x in ("0.50", "1.00", "5.00", "10.00", "15.00", "20.00", "25.00", "50.00"))
SHORT_PAY_SHARE = (0.001, 0.015)
NON_CUSTOMER_MIX = {"interest": 2, "tax_refund": 1, "insurer": 1, "private_person": 3, "unknown_company": 2}


def generate_bank_lines(
    ledger: dict,
    *,
    lines: int = 10_000,
    seed: int = 1,
    variation: str = "base",
    non_customer_share: float = 0.08,
    debit_share: float = 0.02,
) -> list[dict]:
    """Bank lines as dicts (the bank statement CSV's columns) each with ``truth``: who paid
    (``customer_code``, None for a non-customer), which invoices got what, the scenario."""
    rng = random.Random(f"{seed}-{variation}")
    # Its own stream, so that adding the habit left every other line as it was.
    period_rng = random.Random(f"{seed}-{variation}-period")
    customers = {c["customer_code"]: c for c in ledger["customers"]}
    open_by_customer: dict[str, list[dict]] = defaultdict(list)
    for invoice in ledger["invoices"]:
        open_by_customer[invoice["customer_code"]].append(invoice)
    all_invoices = ledger["invoices"]
    used: set[str] = set()
    taken = {_core(c["name"]) for c in ledger["customers"]}
    mix = HELDOUT_MIX if variation == "heldout" else BASE_MIX
    scenarios, weights = zip(*mix.items(), strict=True)
    out: list[dict] = []
    for index in range(lines):
        roll = rng.random()
        booking = START + timedelta(days=300 + rng.randrange(30))
        line = {
            "bank_ref": f"{variation.upper()}-{seed}-{index + 1:06d}",
            "booking_date": booking,
            "direction": "credit",
            "payer_account": "",
            "memo": "",
        }
        if roll < debit_share:
            line.update(
                direction="debit",
                amount=_amount(rng),
                currency="CNY",
                payer_name=_stranger(rng, taken),
                memo="付货款",
            )
            line["truth"] = {"customer_code": None, "allocations": {}, "scenario": "debit", "kind": "debit"}
        elif roll < debit_share + non_customer_share:
            line.update(_non_customer(rng, variation, taken))
        else:
            line.update(
                _customer_receipt(
                    rng,
                    rng.choices(scenarios, weights)[0],
                    customers,
                    open_by_customer,
                    all_invoices,
                    used,
                    variation,
                    taken,
                    period_rng,
                )
            )
        out.append(line)
    return out


def _pick(rng, all_invoices, used, open_by_customer, *, min_open=1, max_open=None, want=None):
    """An unused invoice (and its customer's unused ones) meeting the conditions."""
    for _ in range(200):
        invoice = all_invoices[rng.randrange(len(all_invoices))]
        if invoice["invoice_number"] in used:
            continue
        mine = [i for i in open_by_customer[invoice["customer_code"]] if i["invoice_number"] not in used]
        if len(mine) < min_open or (max_open is not None and len(mine) > max_open):
            continue
        if want is not None and not want(invoice, mine):
            continue
        return invoice, mine
    raise RuntimeError("no invoice fits; generate a larger ledger")


def _core(name: str) -> str:
    for legal in ("集团有限公司", "股份有限公司", "有限责任公司", "有限公司"):
        if name.endswith(legal):
            return name[: -len(legal)]
    return name


def _stranger(rng: random.Random, taken: set[str]) -> str:
    """A company name that is no customer's."""
    while True:
        name = _company_name(rng)[0]
        if _core(name) not in taken:
            return name


def _customer_receipt(
    rng, scenario, customers, open_by_customer, all_invoices, used, variation, taken, period_rng=None
) -> dict:
    on_account = Decimal("0.00")
    reference_share = 0.6 if variation == "heldout" else 0.7
    if scenario == "combination":
        invoice, mine = _pick(rng, all_invoices, used, open_by_customer, min_open=2)
        batch = [i for i in mine if i["order_number"] == invoice["order_number"]]
        chosen = (
            batch
            if len(batch) >= 2 and rng.random() < 0.6
            else rng.sample(mine, min(len(mine), rng.randint(2, 4)))
        )
        paid = sum(i["open_amount"] for i in chosen)
    elif scenario == "whole_statement":
        invoice, chosen = _pick(rng, all_invoices, used, open_by_customer, min_open=2, max_open=6)
        paid, reference_share = sum(i["open_amount"] for i in chosen), 0.2
    elif scenario == "same_amount_twice":

        def twin(inv, mine):
            return sum(1 for i in mine if i["open_amount"] == inv["open_amount"]) >= 2

        # Whether the payer names the invoice is its usual habit; without a reference, which of
        # the two was paid is for a person to decide.
        invoice, mine = _pick(rng, all_invoices, used, open_by_customer, min_open=2, want=twin)
        chosen, paid = [invoice], invoice["open_amount"]
    else:
        invoice, mine = _pick(rng, all_invoices, used, open_by_customer)
        chosen, paid = [invoice], invoice["open_amount"]
    total = sum(i["open_amount"] for i in chosen)
    allocations = {i["invoice_number"]: i["open_amount"] for i in chosen}
    if scenario == "bank_fee":
        paid = total - rng.choice(list(BANK_FEES))
    elif scenario == "short_pay":
        paid = (total * Decimal(1 - rng.uniform(*SHORT_PAY_SHARE))).quantize(Decimal("0.01"))
    elif scenario == "partial":
        paid, reference_share = (total * Decimal(rng.uniform(0.3, 0.8))).quantize(Decimal("0.01")), 0.85
    elif scenario == "overpayment":
        on_account = Decimal(rng.choice((100, 500, 1000, 2000)))
        paid, reference_share = total + on_account, 0.85
    elif scenario == "third_party":
        reference_share = 1.0
    if paid <= 0:
        paid = total
    if scenario in ("bank_fee", "short_pay", "partial"):
        allocations = {i["invoice_number"]: i["open_amount"] for i in chosen}
        allocations[chosen[-1]["invoice_number"]] -= total - paid
    for i in chosen:
        used.add(i["invoice_number"])
    customer = customers[invoice["customer_code"]]
    if scenario == "third_party":
        payer, habit = (
            (rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))), "payer_person")
            if rng.random() < 0.5
            else (_stranger(rng, taken), "payer_other_company")
        )
        account = f"6228{rng.randrange(10**15):015d}"
    else:
        payer, habit = _payer_name(rng, customer, variation)
        account = rng.choice(customer["accounts"]) if rng.random() < 0.9 else ""
    noise = rng.choice(NOISE + (NOISE_HELDOUT if variation == "heldout" else []))
    memo, ref_style, period = noise, "no_reference", None
    if rng.random() < reference_share:
        if rng.random() < 0.12:
            orders = sorted({i["order_number"] for i in chosen})
            memo, ref_style = (
                " ".join(rng.choice([o, "订单" + o[3:].lstrip("0"), o.replace("-", "")]) for o in orders),
                "order_number",
            )
        else:
            memo, ref_style = (
                _refs_text(rng, [i["invoice_number"] for i in chosen], variation),
                "invoice_number",
            )
        memo = f"{noise} {memo}".strip() if rng.random() < 0.5 else f"{memo} {noise}".strip()
    elif period_rng is not None and len(chosen) == 1 and period_rng.random() < PERIOD_SHARE[variation]:
        (memo, period), ref_style = _period_memo(period_rng, chosen[0], variation), "period"
    return {
        "amount": paid,
        "currency": customer["currency"],
        "payer_name": payer,
        "payer_account": account,
        "memo": memo,
        "truth": {
            "customer_code": customer["customer_code"],
            "allocations": allocations,
            "on_account": on_account,
            "scenario": scenario,
            "habit": habit,
            "reference": ref_style,
            "period": period,  # (year, month) the memo names, for reference "period"
            "kind": "customer",
        },
    }


def _non_customer(rng, variation, taken) -> dict:
    kind = rng.choices(list(NON_CUSTOMER_MIX), list(NON_CUSTOMER_MIX.values()))[0]
    amount = _amount(rng)
    if kind == "interest":
        payer = f"{rng.choice(BANKS)}股份有限公司{rng.choice(PLACES)}分行"
        memo = rng.choice(
            ["结息", "利息", "存款利息", "活期结息"]
            + (["INTEREST CREDIT", "季度付息"] if variation == "heldout" else [])
        )
        amount = Decimal(round(rng.uniform(1, 3000), 2)).quantize(Decimal("0.01"))
    elif kind == "tax_refund":
        payer = f"国家税务总局{rng.choice(PLACES)}市税务局"
        memo = rng.choice(
            ["出口退税", "增值税留抵退税", "退税"] + (["退库"] if variation == "heldout" else [])
        )
    elif kind == "insurer":
        payer, memo = rng.choice(INSURERS), f"理赔款 报案号{rng.randrange(10**7):07d}"
    elif kind == "private_person":
        payer = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
        memo = rng.choice(["还款", "转账", "", "借款", "个人转账", "报销退回"])
    else:
        payer, memo = _stranger(rng, taken), rng.choice(NOISE)
    return {
        "amount": amount,
        "currency": "CNY",
        "payer_name": payer,
        "memo": memo,
        "payer_account": f"6217{rng.randrange(10**15):015d}",
        "truth": {"customer_code": None, "allocations": {}, "scenario": kind, "kind": "non_customer"},
    }

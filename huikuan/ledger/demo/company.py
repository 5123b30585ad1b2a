"""The demo company: its customers, their habits and the calendar they pay by."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


DEFAULT_INVOICES = 24_000
MIN_CUSTOMERS = 300
INVOICES_PER_CUSTOMER = 100
WINDOW_DAYS = 730  # two years of invoices, the last one dated as_of

# File name → canonical columns (SPEC §3), in the order the rows are written.
HEADERS = {
    "customers.csv": (
        "customer_code name credit_class credit_limit term_days salesperson collector department "
        "industry_position email phone address status currency"
    ).split(),
    "invoices.csv": (
        "invoice_number customer_code invoice_date due_date amount currency exchange_rate order_number "
        "contract_number vat_invoice_number salesperson department description disputed gross_margin"
    ).split(),
    "payments.csv": (
        "payment_ref customer_code payment_date amount currency exchange_rate method payer_name memo "
        "invoice_number"
    ).split(),
    "allocations.csv": "payment_ref invoice_number amount allocation_date".split(),
    "credit_notes.csv": (
        "credit_note_number customer_code invoice_number date amount currency exchange_rate reason"
    ).split(),
}
# The order ``huikuan import`` needs them in: each file refers to the ones before it.
IMPORT_ORDER = (
    ("customers", "customers.csv"),
    ("invoices", "invoices.csv"),
    ("payments", "payments.csv"),
    ("allocations", "allocations.csv"),
    ("credit-notes", "credit_notes.csv"),
)

# Overdue types of seed 002 (SPEC §6.3), plus customers who simply pay on time.
PROMPT = "prompt"
HABITUAL = "habitual"  # 习惯性: always late by the customer's own number of days (late_days)
DISORGANISED = "disorganised"  # 管理混乱型: random lateness, partial payments
DECLINING = "declining"  # 衰落型: later and later, recent invoices left unpaid
DISPUTE = "dispute"  # 纠纷型: disputed invoices, unpaid or credited
EXPANDING = "over_expanding"  # 发展型: buys more and more, pays later and in lumps
FRAUD = "fraud"  # 蓄意欺诈型: buys big, then stops paying
SEASONAL = "seasonal"  # on time, except a month late around the Spring Festival and year end
# The habits of the customers whose target class is D (the rest are prompt, a few days late
# or seasonal, see _set_conduct), in these shares of all customers.
HABIT_SHARES = (
    (HABITUAL, 0.045),
    (DISORGANISED, 0.03),
    (DECLINING, 0.02),
    (DISPUTE, 0.015),
    (EXPANDING, 0.01),
    (FRAUD, 0.01),
)
# How much more than its peers a customer with a D habit buys.
D_BUYER_WEIGHT = 5.5
# The class each customer's conduct earns in the monthly evaluation (SPEC §5.1), by industry
# position: the industry score caps it (regional at most B, ordinary at most C, new D).
TARGET_CLASS_SHARES = {
    "global500": (("A", 0.62), ("B", 0.30), ("C", 0.08)),
    "top5": (("A", 0.55), ("B", 0.35), ("C", 0.10)),
    "top20": (("A", 0.45), ("B", 0.40), ("C", 0.15)),
    "listed": (("A", 0.38), ("B", 0.42), ("C", 0.20)),
    "regional": (("B", 0.62), ("C", 0.38)),
    "ordinary": (("C", 1.0),),
    "new": (("D", 1.0),),
}

DEPARTMENT_HEADS = {
    "华东事业部": "chen.jianguo",
    "华南事业部": "huang.zhiqiang",
    "华北事业部": "zhao.lijun",
    "华中事业部": "liu.haitao",
    "西南事业部": "yang.fan",
    "海外事业部": "lin.wenjie",
}
CFO = "zhou.hong"
WRITE_OFF_REASONS = {
    "legal": "客户恶意拖欠、已失联，诉讼执行终结，经总裁批准核销",
    "credit_hold": "客户经营困难已停产，催收无果，经总裁批准核销",
}
EXTENSION_REASONS = ("客户资金周转紧张，申请延期付款", "客户付款审批流程延迟", "项目验收推迟，约定延期")
CITIES = {
    "华东事业部": ("上海", "苏州", "杭州", "南京", "宁波", "无锡", "常州", "合肥", "济南", "青岛", "温州"),
    "华南事业部": ("深圳", "广州", "东莞", "佛山", "厦门", "福州", "中山", "珠海"),
    "华北事业部": ("北京", "天津", "石家庄", "太原", "唐山", "保定"),
    "华中事业部": ("武汉", "长沙", "郑州", "南昌", "洛阳"),
    "西南事业部": ("成都", "重庆", "昆明", "贵阳", "绵阳"),
}
PLACES = {city for cities in CITIES.values() for city in cities} | {"襄樊"}
DOMESTIC_SHARES = (("华东事业部", 0.34), ("华南事业部", 0.24), ("华北事业部", 0.17), ("华中事业部", 0.14))
INDUSTRIES = (
    "精密机械",
    "汽车零部件",
    "电子科技",
    "新能源科技",
    "智能装备",
    "电气设备",
    "医疗器械",
    "环保科技",
    "包装材料",
    "家用电器",
    "光电科技",
    "机器人",
    "物流设备",
    "轨道交通设备",
    "通信设备",
    "食品机械",
    "纺织机械",
    "半导体设备",
    "化工装备",
    "建设工程",
)
PRODUCTS = (
    "伺服电机",
    "变频器",
    "PLC控制器",
    "工业传感器",
    "人机界面",
    "精密减速机",
    "工业线缆及连接器",
    "运动控制器",
    "工业机器人",
    "产线系统集成",
    "备品备件",
    "设备维保服务",
)
# Industry position: share of customers, typical invoice in yuan, invoicing frequency.
POSITIONS = (
    ("global500", 0.03, 200_000, 3.0),
    ("top5", 0.05, 150_000, 2.5),
    ("top20", 0.11, 100_000, 2.0),
    ("listed", 0.16, 70_000, 1.8),
    ("regional", 0.35, 40_000, 1.2),
    ("ordinary", 0.26, 25_000, 1.1),
    ("new", 0.04, 15_000, 0.8),
)
TERM_DAYS_BY_CLASS = {"A": 60, "B": 45, "C": 30, "D": 0}
# Terms follow the class (seed 002): a customer's own term is at most its class's.
OTHER_TERMS = {"A": (45, 50, 30), "B": (30, 40), "C": (15, 20), "D": (0,)}
# Payment methods of domestic receipts: upper bounds of a uniform draw, and the method.
METHOD_BOUNDS = (0.64, 0.88, 0.95, 0.995)
METHODS = ("bank_transfer", "bank_acceptance_bill", "commercial_acceptance_bill", "cheque", "cash")
# Gross margin in basis points → its text, e.g. 1850 → "0.1850" (formatting is the hot path).
MARGIN_TEXT = tuple(f"0.{basis_points:04d}" for basis_points in range(10_000))
# Gross margin in basis points by target class: the profitability score (margin / 20% × 25)
# meets class A's threshold from 16%, B's from 12% and C's from 8% (SPEC §5.1). A customer
# whose margin is what holds it back ("bound") gets the lower band.
MARGIN_BANDS = {"high": (1800, 2800), "B": (1330, 1520), "C": (900, 1080), "D": (900, 2600)}
# A sales office (销售部) serves about this many customers: the revenue score compares a
# customer's revenue with its department's.
CUSTOMERS_PER_OFFICE = 10
CHINESE_NUMERALS = "一二三四五六七八九十"
# How often each habit pays an invoice in two instalments.
PARTIAL_PAYERS = {DISORGANISED: 0.2, DECLINING: 0.3, EXPANDING: 0.1}


@dataclass
class _Calendar:
    """Day indexes from the first invoicing day; ``last`` is as_of."""

    first: date
    last: int
    iso: list[str]
    year: list[str]
    compact: list[str]  # yymmdd, for document numbers
    month: list[int]  # months since the first day's month
    calendar_month: list[int]  # 1 … 12
    month_end: list[int]
    business: list[int]  # the same day, or the Monday after a weekend
    months: int

    @classmethod
    def ending(cls, as_of: date, horizon: int = 500) -> _Calendar:
        first = as_of - timedelta(days=WINDOW_DAYS - 1)
        days = [first + timedelta(days=i) for i in range(WINDOW_DAYS + horizon)]
        month = [(d.year - first.year) * 12 + d.month - first.month for d in days]
        month_end = [0] * len(days)
        end = len(days) - 1
        for i in range(len(days) - 1, -1, -1):
            if i + 1 < len(days) and month[i + 1] != month[i]:
                end = i
            month_end[i] = end
        business = [i + (7 - d.weekday() if d.weekday() >= 5 else 0) for i, d in enumerate(days)]
        return cls(
            first=first,
            last=WINDOW_DAYS - 1,
            iso=[d.isoformat() for d in days],
            year=[str(d.year) for d in days],
            compact=[d.strftime("%y%m%d") for d in days],
            month=month,
            calendar_month=[d.month for d in days],
            month_end=month_end,
            business=[min(b, len(days) - 1) for b in business],
            months=month[WINDOW_DAYS - 1] + 1,
        )


@dataclass(slots=True)
class _Customer:
    code: str
    department: str
    position: str
    currency: str
    habit: str = PROMPT
    target_class: str = "B"  # the class its conduct earns; credit_class is where it starts
    region: str = ""
    city: str = ""
    name: str = ""
    short_name: str = ""
    credit_class: str = "B"
    term_days: int = 45
    salesperson: str = ""
    collector: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    status: str = "active"
    credit_limit: int = 0  # cents
    mean_cents: int = 0
    weight: float = 1.0
    margin_bp: int = 2000
    late_days: int = 0
    monthly: bool = False  # 月结: pays a month's invoices at once, due at month end + term
    start_month: int = 0
    stop_month: int = 10_000
    stop_paying: int = 10_000  # day index; fraud only
    products: tuple[str, str] = ("", "")

    def trend(self, month: int, months: int) -> float:
        """How much this customer buys in ``month`` relative to its usual volume."""
        if month < self.start_month or month > self.stop_month:
            return 0.0
        t = month / max(months - 1, 1)
        if self.habit == EXPANDING:
            return 0.6 + 1.0 * t
        if self.habit == DECLINING:
            return 1.4 - 0.9 * t
        if self.habit == FRAUD:
            return 1.0 + max(0.0, 1.0 - (self.stop_month - month) / 4)
        return 1.0


# The term-start delay of SPEC §2, for files written without a database (the demo load passes
# the value in force, so the files' due dates are those the import gives).
TERM_START_DELAY_DAYS = 5


def _cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _shuffled_labels(rng: random.Random, count: int, shares: tuple, rest: str) -> list[str]:
    """``count`` labels in the given shares (at least one each), the rest ``rest``, shuffled."""
    labels = []
    for label, share in shares:
        labels += [label] * max(1, round(count * share))
    labels = labels[:count] + [rest] * max(0, count - len(labels))
    rng.shuffle(labels)
    return labels


def _usernames(fake, count: int) -> list[str]:
    names: list[str] = []
    taken: set[str] = set(DEPARTMENT_HEADS.values()) | {CFO}
    while len(names) < count:
        base = f"{fake.last_romanized_name()}.{fake.first_romanized_name()}".lower()
        name = base
        number = 1
        while name in taken:
            number += 1
            name = f"{base}{number}"
        taken.add(name)
        names.append(name)
    return names


def _customers(rng: random.Random, count: int, seed: int, cal: _Calendar) -> list[_Customer]:
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    overseas_fake = Faker("en_US")
    overseas_fake.seed_instance(seed)
    overseas = max(3, round(count * 0.03))
    regions = ["海外事业部"] * overseas + _shuffled_labels(
        rng, count - overseas, DOMESTIC_SHARES, "西南事业部"
    )
    rng.shuffle(regions)
    position_shares = tuple((p, share) for p, share, _, _ in POSITIONS[1:])
    positions = _shuffled_labels(rng, count, position_shares, POSITIONS[0][0])
    sizes = {p: (mean, frequency) for p, _, mean, frequency in POSITIONS}
    customers = []
    for index, (region, position) in enumerate(zip(regions, positions, strict=True)):
        currency = "CNY"
        if region == "海外事业部":
            position, currency = rng.choice(("global500", "top20", "listed")), "USD"
        customer = _Customer(
            code=f"C{index + 1:05d}", department=region, position=position, currency=currency, region=region
        )
        mean_yuan, frequency = sizes[position]
        customer.mean_cents = int(mean_yuan * 100 * rng.lognormvariate(0, 0.3))
        customer.weight = frequency * rng.lognormvariate(0, 0.25)
        customers.append(customer)
    _assign_habits(rng, customers)
    salespeople = {d: _usernames(fake, max(2, round(count / 25 * share))) for d, share in DOMESTIC_SHARES}
    salespeople["西南事业部"] = _usernames(fake, max(2, count // 250))
    salespeople["海外事业部"] = _usernames(fake, max(1, overseas // 10))
    collectors = _usernames(fake, max(4, count // 75))
    names: set[str] = set()
    for customer in customers:
        if customer.currency == "USD":
            while (name := overseas_fake.company()) in names:
                pass
            customer.short_name = name.split(",")[0].split(" ")[0]
            customer.mean_cents //= 7  # dollars
            customer.address = overseas_fake.address().replace("\n", ", ")
            customer.phone = overseas_fake.phone_number()
            customer.city = "海外"
        else:
            city = customer.city = rng.choice(CITIES[customer.region])
            while True:
                prefix = fake.company_prefix()
                if "公司" in prefix or any(place in prefix for place in PLACES):
                    continue  # a few of Faker's trade names carry a city or a company form already
                customer.short_name = prefix + rng.choice(INDUSTRIES)
                form = "集团有限公司" if customer.position in ("global500", "top5") else "有限公司"
                if customer.position == "listed" or rng.random() < 0.15:
                    form = "股份有限公司"
                name = f"{city}{customer.short_name}{form}"
                if name not in names:
                    break
            customer.address = f"{city}市{fake.district()}区{fake.street_name()}{rng.randint(1, 999)}号"
            customer.phone = fake.phone_number()
        names.add(name)
        customer.name = name
        _set_conduct(rng, customer, cal)
        customer.salesperson = rng.choice(salespeople[customer.region])
        customer.collector = rng.choice(collectors)
        domain = f"{fake.domain_word()}.com" + (
            ".cn" if customer.currency == "CNY" and rng.random() < 0.4 else ""
        )
        customer.email = f"{rng.choice(('caiwu', 'finance', 'ap', 'cw'))}@{domain}"
    _assign_offices(customers)
    return customers


def _assign_offices(customers: list[_Customer]) -> None:
    """Each city's customers go to its sales office(s) (上海销售部, or 上海销售一部, 二部 … when
    a city has more customers than one office serves), the overseas ones to 海外销售部."""
    by_city: dict[str, list[_Customer]] = {}
    for customer in customers:
        by_city.setdefault(customer.city, []).append(customer)
    for city, members in by_city.items():
        offices = max(1, round(len(members) / CUSTOMERS_PER_OFFICE))
        for position, customer in enumerate(members):
            if offices == 1:
                customer.department = f"{city}销售部"
                continue
            number = position % offices + 1
            numeral = CHINESE_NUMERALS[number - 1] if number <= len(CHINESE_NUMERALS) else str(number)
            customer.department = f"{city}销售{numeral}部"
    _balance_offices(customers)


# The revenue share of its office a customer of each target class keeps even in a slow month:
# the revenue score (share / 10% × 100, SPEC §5.1) reaches A's threshold from 2.8%, B's from
# 2.1% and C's from 1.8%.
MIN_OFFICE_SHARE = {"A": 0.09, "B": 0.07, "C": 0.06}


def _balance_offices(customers: list[_Customer]) -> None:
    """Customers too small for their class within their office buy more often."""
    offices: dict[str, list[_Customer]] = {}
    for customer in customers:
        offices.setdefault(customer.department, []).append(customer)
    for members in offices.values():
        for _ in range(3):
            total = sum(c.weight * c.mean_cents for c in members)
            for customer in members:
                wanted = MIN_OFFICE_SHARE.get(customer.target_class)
                share = customer.weight * customer.mean_cents / total
                if wanted and share < wanted:
                    customer.weight *= wanted / share * 1.05


def department_head(department: str) -> str:
    """The head of the region a sales office belongs to (the CFO for an unknown office)."""
    for region, cities in CITIES.items():
        if any(department.startswith(city) for city in cities):
            return DEPARTMENT_HEADS[region]
    if department.startswith("海外"):
        return DEPARTMENT_HEADS["海外事业部"]
    return CFO


def _draw(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    draw, cumulative = rng.random(), 0.0
    for label, share in shares:
        cumulative += share
        if draw < cumulative:
            return label
    return shares[-1][0]


def _assign_habits(rng: random.Random, customers: list[_Customer]) -> None:
    """Give each customer the class its conduct will earn, and the D-class habits their shares.

    The target class follows the industry position (TARGET_CLASS_SHARES). The customers who
    pay badly (habitual, disorganised, declining, disputing, over-expanding, fraud) are drawn
    from the smaller regional and ordinary customers, so that no lucky draw of a few large
    customers decides how much of the ledger is overdue; their target class is D.
    """
    for customer in customers:
        customer.target_class = _draw(rng, TARGET_CLASS_SHARES[customer.position])
    by_volume = sorted(customers, key=lambda c: -c.weight * c.mean_cents * (7 if c.currency == "USD" else 1))
    large = set(id(c) for c in by_volume[: len(by_volume) // 5])
    candidates = [
        c for c in customers if c.position in ("regional", "ordinary", "listed") and id(c) not in large
    ]
    rng.shuffle(candidates)
    taken = 0
    for habit, share in HABIT_SHARES:
        wanted = max(1, round(len(customers) * share))
        for customer in candidates[taken : taken + wanted]:
            customer.habit, customer.target_class = habit, "D"
            # Late payers are often good buyers: what they owe is most of the overdue ledger.
            customer.weight *= D_BUYER_WEIGHT
        taken += wanted


def _set_conduct(rng: random.Random, customer: _Customer, cal: _Calendar) -> None:
    """Terms, margin, timing and status that earn the customer its target class.

    The monthly evaluation's thresholds (SPEC §5.1) decide what earns what: a customer's class
    is held back by its industry position, its gross margin (MARGIN_BANDS) or its payment
    (a collection rate under 96% is no longer A, under 92% no longer B, under 84% D: paying
    1-2 days late on average is B, 3-4 days C, a week or more D).
    """
    habit, position, target = customer.habit, customer.position, customer.target_class
    capped_by_position = (target == "B" and position == "regional") or (
        target == "C" and position == "ordinary"
    )
    band = "high"
    if habit == PROMPT and target in ("B", "C") and not capped_by_position:
        if rng.random() < 0.6:
            band = target  # held back by its margin
        else:
            habit = HABITUAL  # held back by paying a few days late
    elif target == "D":
        band = "D"
    if habit == PROMPT and target != "A" and rng.random() < 0.12:
        habit = SEASONAL
    elif habit == PROMPT and target in ("B", "C") and rng.random() < 0.2:
        habit = HABITUAL
    customer.habit = habit
    low, high = MARGIN_BANDS[band]
    customer.margin_bp = rng.randint(low, high)
    if habit == HABITUAL:
        customer.late_days = {"A": 0, "B": 1, "C": rng.randint(2, 3)}.get(target, rng.randint(15, 45))
    else:
        customer.late_days = rng.randint(20, 40)
    customer.monthly = habit == PROMPT and target in ("A", "B") and rng.random() < 0.2
    main_product, second_product = rng.sample(PRODUCTS, 2)
    customer.products = (main_product, second_product)
    if position == "new":
        customer.start_month = cal.months - rng.randint(2, 6)
    elif rng.random() < 0.15:
        customer.start_month = rng.randint(1, cal.months - 15)
    if habit == FRAUD:
        customer.stop_paying = rng.randint(cal.last // 4, cal.last - 120)
        customer.stop_month = cal.month[customer.stop_paying + 45]
        customer.start_month = min(customer.start_month, customer.stop_month - 8)
        customer.status = "legal" if customer.stop_paying < cal.last - 300 else "credit_hold"
    elif habit == DECLINING and rng.random() < 0.5:
        customer.status = "credit_hold"
    customer.credit_class = _starting_class(rng, customer)
    default_term = TERM_DAYS_BY_CLASS[customer.credit_class]
    customer.term_days = (
        default_term if rng.random() < 0.85 else rng.choice(OTHER_TERMS[customer.credit_class])
    )


def _starting_class(rng: random.Random, customer: _Customer) -> str:
    """The class the customer holds at the start of the year of evaluations: mostly its target
    already, sometimes a class off (the evaluations then move it), declining ones from C."""
    if customer.habit == FRAUD:
        return "D"
    if customer.habit == DECLINING:
        return "C"
    rank = "ABCD".index(customer.target_class)
    draw = rng.random()
    if draw < 0.1:
        rank -= 1
    elif draw < 0.2:
        rank += 1
    return "ABCD"[max(0, min(rank, 3))]


def _set_credit_limits(customers: list[_Customer], invoices: int, cal: _Calendar) -> None:
    """A limit of about the customer's expected exposure: monthly sales × (term + 30) days,
    in the functional currency (a dollar customer's sales at about 7.2 yuan)."""
    total_weight = sum(c.weight for c in customers) or 1.0
    for customer in customers:
        monthly = invoices * customer.weight / total_weight / cal.months * customer.mean_cents
        if customer.currency == "USD":
            monthly *= 7.2
        term = customer.term_days + (TERM_START_DELAY_DAYS if not customer.monthly else 30)
        exposure = monthly * (term + 45) / 30 * 1.3
        ten_thousands = max(1, int(exposure / 1_000_000) + 1)  # round up to 10,000
        customer.credit_limit = ten_thousands * 1_000_000


def _daily_counts(total: int, cal: _Calendar) -> list[int]:
    """How many invoices each day gets: weekdays, the Spring Festival lull, a growing business."""
    season = {1: 0.9, 2: 0.65, 6: 1.05, 10: 0.85, 12: 1.2}
    weights = []
    for index in range(cal.last + 1):
        day = cal.first + timedelta(days=index)
        weekday = 1.0 if day.weekday() < 5 else (0.15 if day.weekday() == 5 else 0.04)
        weights.append(weekday * season.get(day.month, 1.0) * (1 + 0.15 * index / cal.last))
    cumulative = list(itertools.accumulate(weights))
    counts, previous = [], 0
    for value in cumulative:
        upto = round(total * value / cumulative[-1])
        counts.append(upto - previous)
        previous = upto
    return counts


def _exchange_rates(rng: random.Random, cal: _Calendar) -> list[str]:
    """CNY per USD each day: a random walk between 7.1000 and 7.3000, four places."""
    rate, rates = 72_000, []
    for _ in cal.iso:
        rate = min(73_000, max(71_000, rate + rng.randint(-40, 40)))
        rates.append(f"{rate // 10_000}.{rate % 10_000:04d}")
    return rates

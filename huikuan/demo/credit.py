"""The demo's credit year: monthly evaluations and class changes, statements and orders."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from huikuan.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRequestStep, Notification
from huikuan.approvals.services import approval_decide
from huikuan.core.money import money_floor, quantize_cents
from huikuan.core.policy import policy_value
from huikuan.credit import figures
from huikuan.credit.altman import LISTED_MANUFACTURER, NON_MANUFACTURER, PRIVATE_MANUFACTURER
from huikuan.credit.flows import evaluations_propose, order_release_request
from huikuan.credit.models import CheckStatus, ClassChange, CreditEvaluation, Order
from huikuan.credit.services import credit_evaluate, financial_statement_record, order_create
from huikuan.demo.users import demo_user
from huikuan.ledger.advances import advance_receipt_record
from huikuan.ledger.models import AdvanceSource, Customer, CustomerStatus, Invoice, Payment

MONTHS_EVALUATED = 12
LARGE_POSITIONS = ("global500", "top5", "top20", "listed")
# Annual sales in millions of yuan by industry position: (low, high).
SALES_MILLIONS = {
    "global500": (8_000, 40_000),
    "top5": (3_000, 12_000),
    "top20": (800, 4_000),
    "listed": (300, 2_000),
}
# The financial health (0 … 1) that goes with the class a customer's conduct earns.
HEALTH = {"A": (0.75, 1.0), "B": (0.5, 0.85), "C": (0.3, 0.6), "D": (0.0, 0.35)}
APPROVE_CLASS_CHANGE = "连续三个月评估结果一致，同意调整信用等级"
# A class is proposed for approval once the evaluation has proposed it this many months running.
MONTHS_TO_CONFIRM = 3
# At most this many class changes a month, statements and orders: a large demo (--scale) stays
# quick to load; the rest of the proposals are confirmed in later months.
MONTHLY_CHANGES = 40
LARGE_CUSTOMERS_WITH_STATEMENTS = 120
ORDERS = 50


def last_complete_period(as_of: date) -> str:
    """The month of ``as_of`` if it is its last day, else the month before (YYYY-MM)."""
    if (as_of + timedelta(days=1)).month != as_of.month:
        return as_of.strftime("%Y-%m")
    return (as_of.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _periods(last: str, count: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:])
    periods = []
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods[::-1]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _backdate(numbers: list[str], when: datetime, evaluations: list[int], changes: list[int]) -> None:
    """Records made today for a past month get that month's dates (auto_now_add cannot be set)."""
    requests = ApprovalRequest.objects.filter(number__in=numbers)
    requests.update(created_at=when)
    requests.exclude(decided_at=None).update(decided_at=when + timedelta(hours=2))
    ApprovalDecision.objects.filter(request__in=requests).update(created_at=when)
    ApprovalRequestStep.objects.filter(request__in=requests).exclude(approved_at=None).update(
        approved_at=when + timedelta(hours=2)
    )
    Notification.objects.filter(request__in=requests).update(
        created_at=when, read_at=when + timedelta(hours=1)
    )
    CreditEvaluation.objects.filter(pk__in=evaluations).update(created_at=when - timedelta(hours=1))
    ClassChange.objects.filter(pk__in=changes).update(changed_at=when + timedelta(hours=2))


def evaluations_year(*, as_of: date) -> dict[str, int]:
    """Twelve monthly evaluations up to the last complete month. A class proposed three months
    running is filed for approval, and the credit manager approves it early the next month;
    the last month's proposals (two months running) wait in the inbox."""
    manager = demo_user("demo.manager")
    periods = _periods(last_complete_period(as_of), MONTHS_EVALUATED)
    proposed_before: dict[int, list[str]] = {}
    counts = {"evaluations": 0, "class_changes": 0, "class_changes_pending": 0}
    for period in periods:
        run = credit_evaluate(period=period, evaluated_by="demo")
        counts["evaluations"] += len(run.evaluations)
        # The last month's proposals are filed after two months running: the inbox has some.
        earlier = MONTHS_TO_CONFIRM - 1 if period != periods[-1] else 1
        confirmed = [
            evaluation
            for evaluation in run.evaluations
            if evaluation.proposed_class != evaluation.current_class
            and proposed_before.get(evaluation.customer_id, [])[-earlier:]
            == [evaluation.proposed_class] * earlier
        ]
        for evaluation in run.evaluations:
            proposed_before.setdefault(evaluation.customer_id, []).append(evaluation.proposed_class)
        proposals = evaluations_propose(evaluations=confirmed[:MONTHLY_CHANGES])
        numbers = [proposal.approval_number for proposal in proposals if proposal.approval_number]
        year, month = int(period[:4]), int(period[5:])
        first_next = date(year + month // 12, month % 12 + 1, 1)
        when = _moment(min(first_next + timedelta(days=3), as_of))
        if period == periods[-1]:
            counts["class_changes_pending"] = len(numbers)
            when = _moment(min(first_next, as_of))
        else:
            for request in ApprovalRequest.objects.filter(number__in=numbers).order_by("number"):
                approval_decide(
                    request=request, actor=manager, decision="approve", comment=APPROVE_CLASS_CHANGE
                )
            counts["class_changes"] += len(numbers)
        changes = list(ClassChange.objects.filter(approval_number__in=numbers).values_list("pk", flat=True))
        _backdate(numbers, when, [e.pk for e in run.evaluations if e.pk], changes)
    return counts


def _money(value: float) -> Decimal:
    return quantize_cents(Decimal(str(value)))


def statements_record(*, rng: random.Random, as_of: date, targets: dict[str, str]) -> int:
    """Two year-end statements of every large customer, as healthy as its conduct suggests."""
    count = 0
    year_ends = [date(as_of.year - 2, 12, 31), date(as_of.year - 1, 12, 31)]
    customers = Customer.objects.filter(industry_position__in=LARGE_POSITIONS).order_by("code")[
        :LARGE_CUSTOMERS_WITH_STATEMENTS
    ]
    for customer in customers:
        low, high = HEALTH[targets.get(customer.code, "B")]
        health = rng.uniform(low, high)
        kind = LISTED_MANUFACTURER
        if customer.industry_position != "listed":
            kind = PRIVATE_MANUFACTURER if rng.random() < 0.7 else NON_MANUFACTURER
        sales = rng.uniform(*SALES_MILLIONS[customer.industry_position]) * 1_000_000
        for index, year_end in enumerate(year_ends):
            # The year before, a little better or worse; sales grew or shrank a little.
            h = min(1.0, max(0.0, health + (rng.uniform(-0.12, 0.12) if index == 0 else 0)))
            year_sales = sales * (rng.uniform(0.85, 1.0) if index == 0 else 1)
            turnover = 0.8 + 0.6 * h
            assets = year_sales / turnover
            liabilities = assets * (0.75 - 0.35 * h)
            equity = assets - liabilities
            financial_statement_record(
                customer=customer,
                statement_date=year_end,
                kind=kind,
                working_capital=_money(assets * (0.05 + 0.25 * h)),
                retained_earnings=_money(assets * (-0.05 + 0.35 * h)),
                ebit=_money(assets * (0.12 * h - 0.01)),
                book_equity=_money(equity),
                market_equity=_money(equity * rng.uniform(1.2, 3.5)) if kind == LISTED_MANUFACTURER else None,
                total_liabilities=_money(liabilities),
                sales=_money(year_sales),
                total_assets=_money(assets),
                currency="CNY",
                entered_by="demo.analyst",
            )
            count += 1
    return count


def orders_place(*, rng: random.Random, as_of: date, salesperson: str) -> dict[str, int]:
    """Orders of the last week checked against credit on their dates; each blocked one is sent
    for release: by its salesperson, or the sales manager, and a few by demo.manager (so that
    demo.manager2 decides them)."""
    active = list(
        Customer.objects.exclude(status=CustomerStatus.CLOSED)
        .exclude(status=CustomerStatus.LEGAL)
        .order_by("code")
    )
    chosen = set(rng.sample(active, min(len(active), ORDERS)))
    # A few orders of customers the check will stop: class D or paying very late.
    late = figures.overdue_beyond_by_customer(as_of=as_of, days=policy_value("CREDIT_BLOCK_OVERDUE_DAYS"))
    risky = [c for c in active if c.pk in late or c.credit_class == "D"]
    chosen |= set(rng.sample(risky, min(len(risky), 8)))
    chosen = sorted(chosen, key=lambda c: c.code)
    counts = {"orders": 0, "orders_blocked": 0, "order_releases_pending": 0}
    requesters = {
        "salesperson": demo_user(salesperson),
        "sales_manager": demo_user("demo.salesmanager"),
        "manager": demo_user("demo.manager"),
    }
    by_manager = 0
    for customer in chosen:
        recent = list(
            Invoice.objects.filter(customer=customer)
            .order_by("-invoice_date", "-id")
            .values_list("amount", "fx_rate")[:6]
        )
        if not recent:
            continue
        typical = sum(amount for amount, _ in recent) / len(recent)
        amount = money_floor(typical * Decimal(str(rng.uniform(0.5, 1.4))), Decimal("100"))
        order_date = as_of - timedelta(days=rng.randint(0, 6))
        amount = max(amount, Decimal(1000))
        number = f"SO{order_date:%y%m%d}{customer.code[1:]}"
        if customer.credit_class == "D" and rng.random() < 0.5:
            # 现款现货: half the cash customers pay before they order; the money on account covers it.
            _pay_in_advance(customer=customer, order_number=number, amount=amount, on=order_date)
        order = order_create(
            number=number,
            customer=customer,
            order_date=order_date,
            amount=amount,
            currency=customer.currency,
            fx_rate=recent[0][1] if customer.currency != "CNY" else None,
            created_by=customer.salesperson,
        )
        counts["orders"] += 1
        if order.check_status != CheckStatus.BLOCKED:
            continue
        counts["orders_blocked"] += 1
        if customer.salesperson == salesperson:
            requester, reason = requesters["salesperson"], "客户承诺本周内回款，申请先行发货"
        elif by_manager < 3:
            requester, reason = requesters["manager"], "大客户战略订单，信用经理提请放行"
            by_manager += 1
        else:
            requester, reason = requesters["sales_manager"], "客户已安排付款，申请放行"
        order_release_request(order=order, requested_by=requester, reason=reason)
        counts["order_releases_pending"] += 1
    counts["orders_by_manager"] = by_manager
    return counts


def _pay_in_advance(*, customer: Customer, order_number: str, amount: Decimal, on: date) -> None:
    """A class D customer's advance receipt for its next order (in CNY, at its latest rate)."""
    rate = (
        Invoice.objects.filter(customer=customer)
        .order_by("-invoice_date", "-id")
        .values_list("fx_rate", flat=True)
        .first()
    )
    rate = rate if customer.currency != "CNY" and rate else Decimal(1)
    payment = Payment.objects.create(
        reference=f"YF{order_number[2:]}",  # 预付: paid before the order
        customer=customer,
        payment_date=on,
        amount=quantize_cents(amount * rate),
        currency="CNY",
        fx_rate=Decimal(1),
        payer_name=customer.name[:300],
        memo=f"预付货款 {order_number}",
    )
    # Recorded as an advance receipt (预收) for the order: what its credit check relies on.
    advance_receipt_record(
        payment=payment,
        recorded_on=on,
        order_number=order_number,
        recorded_by="demo.manager",
        source=AdvanceSource.DEMO,
    )


def blocked_orders() -> int:
    return Order.objects.filter(check_status=CheckStatus.BLOCKED).count()

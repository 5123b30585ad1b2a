"""The clearance plan (清欠方案): the baseline snapshot, the clearance rate against a computation
written here from the ledger's rows, the targets' actuals against their goals, the weekly trend
and the monthly report sent once a month in each recipient's language."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core import mail
from django.utils import translation

from huikuan.accounts.services import user_create
from huikuan.core.errors import RuleViolation
from huikuan.correspondence.models import OutboundEmail
from huikuan.finance.kpis import kpis
from huikuan.finance.models import PlanBaselineItem, PlanReport
from huikuan.finance.plan_progress import plan_progress, week_ends
from huikuan.finance.plan_reports import first_working_day, plan_reports_send
from huikuan.finance.plans import clearance_plan_create, plan_phases_update, plan_targets_update
from huikuan.finance.selectors import kpi_report
from huikuan.jobs.registry import JOBS
from huikuan.ledger.models import Allocation, CreditNote, Invoice, Payment, WriteOff
from huikuan.ledger.services import (
    credit_note_issue,
    customer_create,
    invoice_issue,
    invoice_write_off,
    payment_allocate,
)

BASELINE = date(2024, 3, 31)
AS_OF = date(2024, 6, 30)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def pay(invoice: Invoice, amount: str, day: date, reference: str) -> None:
    payment = Payment.objects.create(
        reference=reference,
        customer=invoice.customer,
        payment_date=day,
        amount=Decimal(amount),
        currency=invoice.currency,
        fx_rate=invoice.fx_rate,
    )
    payment_allocate(payment=payment, invoice=invoice, amount=Decimal(amount), allocation_date=day)


def inv(number, customer, issued, due, amount, currency="CNY", rate=None) -> Invoice:
    return invoice_issue(
        number=number, customer=customer, invoice_date=issued, due_date=due,
        amount=Decimal(amount), currency=currency, fx_rate=rate,
    )  # fmt: skip


@pytest.fixture
def ledger(db):
    """Two customers in two departments; overdue at the baseline: A1 800.00 (of 1,000.00, 200.00
    paid before), B1 USD 100.00 at 7.1 (710.00) and B3 1,000.00; A2 falls due after the
    baseline and B2 was paid before it."""
    north = customer_create(code="A", name="North Co", department="North", collector="zhao", salesperson="li")
    south = customer_create(code="B", name="South Co", department="South", collector="qian", salesperson="li")
    a1 = inv("A1", north, date(2024, 1, 1), date(2024, 1, 31), "1000.00")
    pay(a1, "200.00", date(2024, 2, 15), "P-A1-1")
    a2 = inv("A2", north, date(2024, 3, 16), date(2024, 4, 15), "500.00")
    b1 = inv("B1", south, date(2024, 2, 1), date(2024, 3, 1), "100.00", "USD", Decimal("7.1"))
    b2 = inv("B2", south, date(2023, 12, 1), date(2023, 12, 31), "2000.00")
    pay(b2, "2000.00", date(2024, 1, 15), "P-B2")
    inv("B3", south, date(2024, 2, 15), date(2024, 3, 15), "1000.00")
    return {"a1": a1, "a2": a2, "b1": b1}


def after_baseline(ledger) -> None:
    """Since the baseline: A1 paid 300.00 and credited 100.00, A2 paid (not in scope), B1 paid
    USD 40.00 then written off USD 60.00, B3 written off whole; A5 invoiced (not in scope)."""
    pay(ledger["a1"], "300.00", date(2024, 4, 10), "P-A1-2")
    credit_note_issue(
        number="CN-A1", customer=ledger["a1"].customer, note_date=date(2024, 4, 20),
        amount=Decimal("100.00"), currency="CNY", invoice=Invoice.objects.get(number="A1"),
    )  # fmt: skip
    pay(ledger["a2"], "500.00", date(2024, 4, 16), "P-A2")
    pay(Invoice.objects.get(number="B1"), "40.00", date(2024, 5, 5), "P-B1")
    invoice_write_off(invoice=Invoice.objects.get(number="B1"), amount=Decimal("60.00"),
                      writeoff_date=date(2024, 6, 1), reason="bankrupt")  # fmt: skip
    inv("A5", ledger["a1"].customer, date(2024, 4, 5), date(2024, 5, 5), "10000.00")
    invoice_write_off(invoice=Invoice.objects.get(number="B3"), amount=Decimal("1000.00"),
                      writeoff_date=date(2024, 4, 30), reason="bankrupt")  # fmt: skip


def create(**kwargs):
    return clearance_plan_create(baseline_date=BASELINE, created_by="cm", today=date(2024, 12, 31), **kwargs)


def test_the_baseline_is_the_overdue_balance_of_the_day_snapshotted(ledger):
    plan = create()
    items = {
        i.invoice.number: (i.own_balance, i.balance, i.department) for i in PlanBaselineItem.objects.all()
    }
    assert items == {
        "A1": (Decimal("800.00"), Decimal("800.00"), "North"),
        "B1": (Decimal("100.00"), Decimal("710.00"), "South"),
        "B3": (Decimal("1000.00"), Decimal("1000.00"), "South"),
    }
    assert plan.baseline_overdue == Decimal("2510.00")
    # The aging of the day agrees: its overdue buckets hold the same.
    from huikuan.reporting.selectors import aging_report

    aging = aging_report(as_of=BASELINE)
    overdue = sum(value for name, value in aging.total_buckets().items() if name != "current")
    assert overdue == plan.baseline_overdue
    # Later edits of the ledger (a receipt backdated before the baseline, an invoice dated
    # before it) leave the baseline as it was.
    pay(ledger["a1"], "100.00", date(2024, 3, 20), "P-A1-late")
    invoice_issue(number="A9", customer=ledger["a1"].customer, invoice_date=date(2024, 1, 5),
                  due_date=date(2024, 2, 5), amount=Decimal("999.00"), currency="CNY")  # fmt: skip
    plan.refresh_from_db()
    assert plan.baseline_overdue == Decimal("2510.00") and PlanBaselineItem.objects.count() == 3
    assert plan.targets.count() == 5 and plan.phases.count() == 5


def test_a_baseline_after_today_is_refused(ledger):
    with pytest.raises(RuleViolation):
        clearance_plan_create(baseline_date=date(2025, 1, 1), today=date(2024, 12, 31))


def oracle_clearance(plan, as_of: date) -> tuple[Decimal, Decimal]:
    """(cleared, written off) of the baseline invoices, computed from the rows here."""

    def cny(amount: Decimal, rate: Decimal) -> Decimal:
        return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    cleared = written = Decimal(0)
    for item in PlanBaselineItem.objects.select_related("invoice"):
        window = {"invoice": item.invoice}
        paid = sum(
            (a.amount for a in Allocation.objects.filter(**window, allocation_date__gt=plan.baseline_date,
                                                         allocation_date__lte=as_of)),
            Decimal(0),
        )  # fmt: skip
        paid += sum(
            (n.amount for n in CreditNote.objects.filter(**window, note_date__gt=plan.baseline_date,
                                                         note_date__lte=as_of)),
            Decimal(0),
        )  # fmt: skip
        lost = sum(
            (w.amount for w in WriteOff.objects.filter(**window, writeoff_date__gt=plan.baseline_date,
                                                       writeoff_date__lte=as_of)),
            Decimal(0),
        )  # fmt: skip
        cleared += cny(min(paid, item.own_balance), item.invoice.fx_rate)
        written += cny(min(lost, item.own_balance - min(paid, item.own_balance)), item.invoice.fx_rate)
    return cleared, written


def test_the_clearance_rate_counts_collections_and_credits_not_write_offs(ledger):
    plan = create()
    after_baseline(ledger)
    progress = plan_progress(plan=plan, as_of=AS_OF)
    cleared, written = oracle_clearance(plan, AS_OF)
    assert (cleared, written) == (Decimal("684.00"), Decimal("1426.00"))
    total = progress.as_dict()["total"]
    assert total["cleared"] == "684.00" and total["written_off"] == "1426.00"
    assert total["remaining"] == "400.00"
    assert total["clearance_rate"] == "27.25"  # 684 / 2,510, not (684 + 1,426) / 2,510
    # As of a date between: only what was applied by then.
    early = plan_progress(plan=plan, as_of=date(2024, 4, 15)).as_dict()["total"]
    assert early["cleared"] == "300.00" and early["written_off"] == "0.00"
    assert oracle_clearance(plan, date(2024, 4, 15))[0] == Decimal("300.00")


def test_targets_are_the_kpis_of_the_plan_so_far_against_their_goals(ledger):
    plan = create()
    after_baseline(ledger)
    plan_targets_update(plan=plan, targets=[{"metric": "clearance_rate", "goal": Decimal("25")}])
    progress = plan_progress(plan=plan, as_of=AS_OF)
    targets = {t["metric"]: t for t in progress.as_dict()["targets"]}
    kpi = kpi_report(first_day=BASELINE + timedelta(days=1), last_day=AS_OF).as_dict()["total"]
    assert targets["clearance_rate"] == {
        "metric": "clearance_rate", "direction": "at_least", "goal": "25.00", "actual": "27.25", "met": True,
    }  # fmt: skip
    for metric in ("collection_rate", "collection_cycle", "bad_debt_ratio"):
        assert targets[metric]["actual"] == kpi[metric], metric
    assert targets["bad_debt_ratio"]["direction"] == "at_most"
    # Written off since the baseline (USD 60.00 at 7.1 and 1,000.00) ÷ credit sales (A5's 10,000.00).
    assert targets["bad_debt_ratio"] == {
        "metric": "bad_debt_ratio", "direction": "at_most", "goal": "1.00", "actual": "14.26", "met": False,
    }  # fmt: skip
    assert targets["collection_cycle"]["goal"] == "30.00"
    # Turnover growth: the period's annualised turnover over that of the 90 days before.
    now = kpis(kpi_report(first_day=BASELINE + timedelta(days=1), last_day=AS_OF).total)["turnover"]
    before = kpis(kpi_report(first_day=BASELINE - timedelta(days=89), last_day=BASELINE).total)["turnover"]
    expected = ((now * 365 / 91) / (before * 365 / 90) - 1) * 100
    assert targets["turnover_growth"]["actual"] == str(expected.quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_per_department_and_person(ledger):
    plan = create()
    after_baseline(ledger)
    rows = {
        r["key"]: r for r in plan_progress(plan=plan, as_of=AS_OF, group_by="department").as_dict()["rows"]
    }
    assert rows["North"]["baseline_overdue"] == "800.00" and rows["North"]["clearance_rate"] == "50.00"
    assert rows["South"]["cleared"] == "284.00" and rows["South"]["written_off"] == "1426.00"
    mine = plan_progress(plan=plan, as_of=AS_OF, group_by="collector", only_keys={"zhao"}).as_dict()
    assert [r["key"] for r in mine["rows"]] == ["zhao"] and mine["total"] is None


def test_the_trend_has_a_point_per_week_end(ledger):
    plan = create()
    after_baseline(ledger)
    progress = plan_progress(plan=plan, as_of=AS_OF, group_by="department", trend=True)
    weeks = progress.trend.week_ends
    assert weeks == week_ends(plan, AS_OF)
    assert weeks[0] == BASELINE + timedelta(days=7) and weeks[-1] <= AS_OF and len(weeks) == 13
    data = progress.as_dict()["trend"]
    rates = data["total"]["clearance_rate"]
    for day, rate in zip(weeks, rates, strict=True):
        cleared, _written = oracle_clearance(plan, day)
        expected = (cleared * 100 / Decimal("2510.00")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal(rate) == expected, day
    assert rates[0] == "0.00" and rates[-1] == "27.25"
    assert data["rows"]["North"]["clearance_rate"][-1] == "50.00"


def test_phases_default_over_six_months_and_are_editable(ledger):
    plan = create()
    phases = {p.kind: (p.starts_on, p.ends_on, p.owner) for p in plan.phases.all()}
    assert phases["preparation"] == (date(2024, 4, 1), date(2024, 4, 30), "cm")
    assert phases["collection"] == (date(2024, 6, 1), date(2024, 7, 31), "cm")
    assert phases["review"][1] == plan.ends_on == date(2024, 9, 30)
    plan_phases_update(plan=plan, phases=[{"kind": "legal", "owner": "lawyer_he"}])
    assert plan.phases.get(kind="legal").owner == "lawyer_he"
    with pytest.raises(RuleViolation):
        plan_phases_update(plan=plan, phases=[{"kind": "legal", "starts_on": date(2024, 9, 1),
                                               "ends_on": date(2024, 8, 1)}])  # fmt: skip


def test_first_working_day_skips_weekends_and_listed_holidays(db):
    from huikuan.core.policy import policy_set

    assert first_working_day(2024, 6) == date(2024, 6, 3)  # 1 June 2024 is a Saturday
    policy_set(key="PLAN_NON_WORKING_DAYS", value="2024-10-01,2024-10-02, 2024-10-03")
    assert first_working_day(2024, 10) == date(2024, 10, 4)


@pytest.fixture
def readers(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cfo = user_create(username="cfo_wu", role="cfo", password="Huikuan-test-pw-1").user
    cfo.email = "cfo@example.com"
    cfo.save()
    return cfo


def test_the_monthly_report_goes_once_a_month_in_each_recipients_language(
    ledger, readers, django_capture_on_commit_callbacks
):
    create(name="华东清欠方案", recipients=["cfo", "boss@example.com:en"])
    after_baseline(ledger)
    job = JOBS["plan_report"]
    assert job.work(date(2024, 6, 1)) == {
        "day": "2024-06-01",
        "skipped": "before the first working day of the month",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = job.work(date(2024, 6, 3))
    assert first["plans_reported"] == 1 and first["emails"] == 2
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"cfo@example.com", "boss@example.com"}
    chinese, english = sent["cfo@example.com"], sent["boss@example.com"]
    assert "清欠" in chinese.subject and "Clearance plan" not in chinese.body
    assert "Clearance plan 华东清欠方案" in english.subject and "progress to 2024-05-31" in english.subject
    assert "a loss, not a clearance" in english.body
    # Again the same day, the next day: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = job.work(date(2024, 6, 3))
        later = job.work(date(2024, 6, 4))
    assert again["already_reported"] == 1 and later["emails"] == 0 and len(mail.outbox) == 2
    assert OutboundEmail.objects.filter(purpose="plan_report").count() == 2
    assert list(PlanReport.objects.values_list("month", "as_of")) == [("2024-06", date(2024, 5, 31))]
    # The next month: a new report.
    with django_capture_on_commit_callbacks(execute=True):
        july = plan_reports_send(day=date(2024, 7, 1))
    assert july.as_dict()["emails"] == 2 and len(mail.outbox) == 4

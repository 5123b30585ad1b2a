"""Management reports on a small ledger whose every figure is worked out by hand below.

The ledger, on Tuesday 10 March 2026 (functional currency CNY):

    customer (class)  invoice  issued      due         amount     what happened
    A  (A)            A-1      2026-01-10  2026-02-09  10,000     paid 2026-02-09 (on time)
    B  (B)            B-1      2026-01-20  2026-03-09  20,000     open (1,000 disputed)
    B  (B)            B-2      2026-02-06  2026-03-08   5,000     2,000 paid 2026-03-10
    C  (C)            C-1      2025-12-16  2026-01-15   8,000     paid 2026-02-20 (36 days late)
    U  (B, USD)       U-1      2026-02-07  2026-03-09   1,000 USD at 7.0 = 7,000; open
    D  (D)            D-1      2026-01-02  2026-02-01   4,000     open; overdue reason "habitual"
    E  (D)            E-1      2026-01-05  2026-02-04   1,000     500 written off 2026-03-01
    F  (C)            F-1      2025-10-01  2025-11-30   6,000     3,000 paid 2026-01-20
    A  (A)            G-1      2026-03-02  2026-04-01  12,500     open, not yet due

plus 500 USD received from U on 2026-03-10 at 7.1 (3,550 CNY), not applied.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from huikuan.accounts.services import user_create
from huikuan.collections.models import DunningAction
from huikuan.collections.services import activity_log, dispute_open, overdue_reason_set, promise_make
from huikuan.core.models import QueuedTask
from huikuan.correspondence.models import OutboundEmail
from huikuan.finance.models import EarlyWarning, ReportSchedule
from huikuan.finance.reports.build import report_build, report_pdf_bytes, report_xlsx_bytes
from huikuan.finance.reports.monthly import payment_habits
from huikuan.finance.reports.periods import due_periods, holidays_from, report_day
from huikuan.finance.reports.schedules import report_schedule_save, report_schedule_send, reports_send_due
from huikuan.finance.selectors import kpi_report
from huikuan.ledger.models import Customer, Payment
from huikuan.ledger.services import invoice_issue, invoice_write_off, payment_allocate

D = Decimal
DAY = date(2026, 3, 10)


@pytest.fixture
def manager(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return user_create(username="cm_sun", role="credit_manager", password="Huikuan-test-pw-1").user


def _pay(reference: str, who: Customer, amount: str, day: date, invoice=None, currency="CNY", rate="1"):
    payment = Payment.objects.create(
        reference=reference,
        customer=who,
        payment_date=day,
        amount=D(amount),
        currency=currency,
        fx_rate=D(rate),
    )
    if invoice is not None:
        payment_allocate(payment=payment, invoice=invoice, amount=D(amount), allocation_date=day)
    return payment


@pytest.fixture
def ledger(manager):
    c = {}
    for code, cls, currency in [
        ("A", "A", "CNY"),
        ("B", "B", "CNY"),
        ("C", "C", "CNY"),
        ("U", "B", "USD"),
        ("D", "D", "CNY"),
        ("E", "D", "CNY"),
        ("F", "C", "CNY"),
    ]:
        c[code] = Customer.objects.create(code=code, name=f"客户{code}", credit_class=cls, currency=currency)

    def issue(number, who, issued, due, amount, **extra):
        return invoice_issue(
            number=number,
            customer=c[who],
            invoice_date=date.fromisoformat(issued),
            due_date=date.fromisoformat(due),
            amount=D(amount),
            **extra,
        )

    inv = {
        "A-1": issue("A-1", "A", "2026-01-10", "2026-02-09", "10000"),
        "B-1": issue("B-1", "B", "2026-01-20", "2026-03-09", "20000"),
        "B-2": issue("B-2", "B", "2026-02-06", "2026-03-08", "5000"),
        "C-1": issue("C-1", "C", "2025-12-16", "2026-01-15", "8000"),
        "U-1": issue("U-1", "U", "2026-02-07", "2026-03-09", "1000", currency="USD", fx_rate=D("7")),
        "D-1": issue("D-1", "D", "2026-01-02", "2026-02-01", "4000"),
        "E-1": issue("E-1", "E", "2026-01-05", "2026-02-04", "1000"),
        "F-1": issue("F-1", "F", "2025-10-01", "2025-11-30", "6000"),
        "G-1": issue("G-1", "A", "2026-03-02", "2026-04-01", "12500"),
    }
    _pay("P-A", c["A"], "10000", date(2026, 2, 9), inv["A-1"])
    _pay("P-C", c["C"], "8000", date(2026, 2, 20), inv["C-1"])
    _pay("P-F", c["F"], "3000", date(2026, 1, 20), inv["F-1"])
    _pay("P-B2", c["B"], "2000", DAY, inv["B-2"])
    _pay("P-U", c["U"], "500", DAY, currency="USD", rate="7.1")
    invoice_write_off(invoice=inv["E-1"], amount=D("500"), writeoff_date=date(2026, 3, 1), reason="破产")
    overdue_reason_set(customer=c["D"], code="habitual", noted_on=date(2026, 3, 1), noted_by=manager)
    overdue_reason_set(customer=c["B"], code="dispute", noted_on=date(2026, 3, 9), noted_by=manager)
    promise_make(
        customer=c["B"], promised_date=DAY, amount=D("15000"), made_on=date(2026, 3, 3), made_by=manager
    )
    dispute_open(
        invoice=inv["B-1"],
        amount=D("1000"),
        reason_code="quality",
        owner=manager,
        opened_on=DAY,
        opened_by=manager,
    )
    activity_log(customer=c["D"], kind="call", occurred_on=DAY, user=manager, outcome="reached")
    for number, (who, legal, done_on) in enumerate([("B", True, date(2026, 3, 5)), ("D", False, DAY)]):
        DunningAction.objects.create(
            customer=c[who],
            action_date=done_on,
            policy_code="standard",
            step_code="legal" if legal else "reminder",
            channel="email",
            invoice_numbers="x",
            status="done",
            completed_on=done_on,
            case_to_legal=legal,
            token=number,
        )
    for raised_on, grade in ((date(2026, 3, 9), 3), (date(2026, 3, 2), 2), (date(2026, 3, 3), 1)):
        EarlyWarning.objects.create(
            rule="newly_overdue",
            grade=grade,
            customer=c["D"],
            raised_on=raised_on,
            subject_key=f"x:{raised_on}",
            routed_to="cfo",
            figures={},
        )
    return c


def test_the_daily_report(ledger):
    data = report_build(kind="daily", day=DAY)
    assert (data["receipts"]["count"], data["receipts"]["amount"]) == (2, "5550.00")  # 2,000 + 500 × 7.1
    assert data["applied"]["amount"] == "2000.00"
    # Due on the 9th, still open: B-1 and U-1 (1,000 USD × 7.0); B-2 fell overdue the day before.
    assert (data["newly_overdue"]["count"], data["newly_overdue"]["amount"]) == (2, "27000.00")
    assert {row["invoice"] for row in data["newly_overdue"]["rows"]} == {"B-1", "U-1"}
    assert data["promises_due"]["count"] == 1 and data["promises_due"]["rows"][0]["amount"] == "15000.00"
    assert (data["actions"]["dunning_actions"], data["actions"]["activities"]) == (1, 1)
    assert data["trend"][-1] == {"date": "2026-03-10", "receipts": "5550.00"}
    assert len(data["trend"]) == 14 and data["trend"][0]["date"] == "2026-02-25"


def test_the_weekly_report(ledger):
    data = report_build(kind="weekly", day=DAY)
    this, before = data["trend"][-1], data["trend"][-2]
    assert (this["from"], this["to"], this["receipts"]) == ("2026-03-09", "2026-03-10", "5550.00")
    # On the 10th: 20,000 + 3,000 + 7,000 + 4,000 + 500 + 3,000 overdue, G-1's 12,500 not yet.
    assert (this["receivables"], this["overdue"], this["overdue_ratio"]) == ("50000.00", "37500.00", "75.00")
    # 90 days back from the 10th: credit sales 8,000 + 59,500; 50,000 / 67,500 × 90 = 66.67.
    assert this["dso"] == "66.7"
    # On Sunday the 8th B-1, B-2, U-1 and G-1 are not yet overdue: 7,500 of 52,000.
    assert (before["receivables"], before["overdue"], before["overdue_ratio"]) == (
        "52000.00",
        "7500.00",
        "14.42",
    )
    assert data["warnings"]["count"] == 1 and data["warnings"]["by_grade"] == {"1": 0, "2": 0, "3": 1}
    assert data["warnings"]["per_week"][-2] == {"week": before["week"], "1": 1, "2": 1, "3": 0}


def test_the_monthly_report(ledger):
    data = report_build(kind="monthly", day=DAY)
    assert (data["from"], data["to"]) == ("2026-03-01", "2026-03-10")
    assert data["balance"]["receivables"] == "50000.00" and data["balance"]["overdue"] == "37500.00"
    assert data["aging"]["buckets"] == {
        "current": "12500.00",
        "1-30": "30000.00",
        "31-60": "4500.00",
        "61-90": "0.00",
        "91-180": "3000.00",
        "181-360": "0.00",
        "361+": "0.00",
    }
    assert data["kpis"]["overdue_ratio"] == "75.00"
    assert data["kpis"] == kpi_report(first_day=date(2026, 3, 1), last_day=DAY).as_dict()["total"]
    provision = data["provision"]
    assert sum(D(row["balance"]) for row in provision["buckets"]) == D("50000")
    assert D(provision["change"]) == D(provision["provision"]) - D(provision["previous"])
    assert provision["previous_as_of"] == "2026-02-28"
    # March: B-2's 2,000, two days late.
    assert [(r["class"], r["paid"], r["late_1_30_pct"]) for r in data["payment_habits"]] == [
        ("B", "2000.00", "100.00")
    ]
    reasons = {
        row["reason"]: (row["customers"], row["overdue"], row["share"]) for row in data["overdue_reasons"]
    }
    assert reasons == {
        "dispute": (1, "23000.00", "61.33"),  # B: 20,000 + 3,000
        "": (3, "10500.00", "28.00"),  # U 7,000, E 500, F 3,000
        "habitual": (1, "4000.00", "10.67"),
    }
    assert data["plan"] is None


def test_payment_habits_by_class_in_february(ledger):
    rows = {
        row["class"]: row for row in payment_habits(first_day=date(2026, 2, 1), last_day=date(2026, 2, 28))
    }
    assert set(rows) == {"A", "C"}
    assert (rows["A"]["paid"], rows["A"]["on_time_pct"], rows["A"]["late_1_30_pct"]) == (
        "10000.00",
        "100.00",
        "0.00",
    )
    assert (rows["C"]["late_31_60"], rows["C"]["late_31_60_pct"]) == ("8000.00", "100.00")


def test_the_special_report(ledger):
    data = report_build(kind="special", day=DAY, customer=ledger["B"])
    assert data["balance"] == {
        "total": "23000.00",
        "overdue": "23000.00",
        "buckets": {
            "current": "0.00",
            "1-30": "23000.00",
            "31-60": "0.00",
            "61-90": "0.00",
            "91-180": "0.00",
            "181-360": "0.00",
            "361+": "0.00",
        },
    }
    assert [(i["number"], i["open"], i["days_overdue"]) for i in data["invoices"]] == [
        ("B-2", "3000.00", 2),
        ("B-1", "20000.00", 1),
    ]
    assert [p["reference"] for p in data["payments"]] == ["P-B2"]
    assert len(data["promises"]) == 1 and data["disputes"][0]["amount"] == "1000.00"
    assert [(s["date"], s["step"]) for s in data["legal_steps"]] == [("2026-03-05", "legal")]
    assert data["customer"]["overdue_reason"] == "dispute"
    assert data["months"][-1] == {"month": "2026-03", "invoiced": "0.00", "received": "2000.00"}


def test_the_annual_report_against_its_targets(ledger):
    data = report_build(kind="annual", day=DAY)
    targets = {row["key"]: (row["actual"], row["met"]) for row in data["targets"]}
    # Received 3,000 + 10,000 + 8,000 + 2,000 + 3,550 of F-1's 6,000 overdue on 1 January and
    # 55,000 falling due since: 26,550 / 61,000.
    assert targets["collection_rate"] == ("43.52", False)
    # (10,000 × 30 + 8,000 × 66 + 2,000 × 32 + 3,000 × 111) / 23,000 days.
    assert targets["collection_cycle"] == ("53.3", False)
    assert targets["bad_debt_ratio"] == ("0.84", True)  # 500 of 59,500 sold this year
    assert targets["overdue_clearance"] == ("50.00", True)  # 3,000 of F-1's 6,000
    assert [row["month"] for row in data["months"]] == ["2026-01", "2026-02", "2026-03"]
    assert data["months"][0]["overdue_clearance"] == "50.00"


def test_the_monthly_pdf_is_chinese_with_its_charts(ledger):
    data = report_build(kind="monthly", day=DAY)
    _stem, title, pdf = report_pdf_bytes(data, language="zh-hans")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in (title, "坏账准备", "付款习惯", "逾期原因", "账龄"):
        assert heading in text, heading
    assert sum(len(page.images) for page in reader.pages) >= 5


def test_the_xlsx_holds_the_tables(ledger):
    data = report_build(kind="monthly", day=DAY)
    with translation.override("en"):
        _stem, content = report_xlsx_bytes(data, language="en")
    book = load_workbook(io.BytesIO(content))
    aging = list(book["Aging by credit class"].iter_rows(values_only=True))
    assert aging[0] == ("bucket", "A", "B", "C", "D", "total")
    assert aging[1] == ("not yet due", 12500, 0, 0, 0, 12500)
    assert aging[2] == ("1-30 days", 0, 30000, 0, 0, 30000)
    assert any(name.startswith("Overdue customers by") for name in book.sheetnames)


def test_reports_are_due_on_working_days_only():
    monday = date(2026, 3, 2)  # also the first working day of March
    assert [(p.kind, p.first_day, p.last_day, p.key) for p in due_periods(monday)] == [
        ("daily", date(2026, 2, 27), date(2026, 3, 1), "2026-03-01"),
        ("weekly", date(2026, 2, 23), date(2026, 3, 1), "2026-W09"),
        ("monthly", date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
    ]
    assert due_periods(date(2026, 3, 7)) == []  # Saturday
    holidays = holidays_from("2027-01-01, 2027-01-04 2027-01-05")  # New Year on a Friday, then two more
    assert [p.kind for p in due_periods(date(2027, 1, 6), holidays)] == ["daily", "monthly", "annual"]
    assert due_periods(date(2027, 1, 6), holidays)[-1].key == "2026"
    assert report_day(kind="monthly", today=DAY, month="2026-02") == date(2026, 2, 28)
    assert report_day(kind="monthly", today=DAY) == date(2026, 2, 28)
    assert report_day(kind="annual", today=DAY, year=2026) == DAY


def test_the_schedule_job_sends_each_period_once_with_the_pdf(ledger, manager):
    cfo = user_create(username="cfo_wu", role="cfo", password="Huikuan-test-pw-1").user
    cfo.email = "cfo@example.com"
    cfo.save()
    schedule = report_schedule_save(
        kind="daily",
        roles=["cfo"],
        addresses=["boss@example.com"],
        language="zh-hans",
        enabled=True,
        updated_by="cm_sun",
    )
    report_schedule_save(
        kind="annual", roles=["cfo"], addresses=[], language="en", enabled=True, updated_by="x"
    )
    result = reports_send_due(day=date(2026, 3, 11))
    assert result == {"due": ["2026-03-10"], "tasks": 1}
    task = QueuedTask.objects.get(func="huikuan.finance.reports.schedules.report_schedule_send")
    email_id = report_schedule_send(**task.kwargs)
    email = OutboundEmail.objects.get(pk=email_id)
    assert email.to == ["cfo@example.com", "boss@example.com"] and "日报" in email.subject
    [attachment] = email.attachments.all()
    assert attachment.filename == "daily-report-2026-03-10.pdf" and bytes(attachment.content)[:4] == b"%PDF"
    # Again: the job queues nothing, the task sends nothing new.
    assert reports_send_due(day=date(2026, 3, 11))["tasks"] == 0
    assert report_schedule_send(**task.kwargs) == email_id
    assert OutboundEmail.objects.count() == 1
    schedule.enabled = False
    schedule.save()
    assert reports_send_due(day=date(2026, 3, 12))["tasks"] == 0
    assert ReportSchedule.objects.count() == 2


def test_a_chart_with_chinese_labels_draws_every_glyph_as_svg_and_png():
    import warnings

    from huikuan.finance.reports.charts import BAR, LINE, Chart, chart_png, chart_svg

    chart = Chart(
        BAR, "近 14 天回款", ["一月", "二月"], {"回款": [D("123456.78"), None]}, unit="CNY", highlight=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font" would fail here
        svg = chart_svg(chart)
        png = chart_png(chart)
    assert svg.startswith("<?xml") and "<script" not in svg
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Chart(LINE, "空", [], {}).empty and not chart.empty


def test_the_monthly_report_shows_the_clearance_plans_targets_against_their_actuals(ledger):
    from huikuan.finance.plans import clearance_plan_create

    clearance_plan_create(baseline_date=date(2026, 2, 28), name="2026 清欠方案", created_by="test", today=DAY)
    data = report_build(kind="monthly", day=DAY)
    plan = data["plan"]
    assert plan["title"] == "2026 清欠方案" and plan["baseline"] == "2026-02-28"
    goals = {row["target"]: row["goal"] for row in plan["rows"]}
    assert len(goals) == 5 and "30.00" in goals.values() and "95.00" in goals.values()
    _stem, _title, pdf = report_pdf_bytes(data, language="zh-hans")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "2026 清欠方案" in text

"""The collections pages: worklist, a customer's timeline and its forms, the ladder's editor,
the runs and the reporting, each through the signed-in user's scope."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from huikuan.collections.models import (
    ActionStatus,
    Activity,
    Channel,
    Dispute,
    DunningAction,
    DunningStep,
    OverdueReason,
    PaymentPlan,
    Penalty,
    PromiseToPay,
)
from huikuan.collections.run import dunning_run

RUN_DAY = date(2024, 6, 10)


@pytest.fixture
def tasks(personas):
    """The run of 10 June 2024: call tasks for HZ001 and SZ002 (collector_wang) and CD003 (zhao)."""
    dunning_run(date=RUN_DAY)
    return {
        task.customer.code: task
        for task in DunningAction.objects.filter(
            channel=Channel.PHONE, status=ActionStatus.OPEN
        ).select_related("customer")
    }


def test_worklist_lists_the_collectors_tasks_riskiest_first(web_as, tasks):
    page = web_as("collector_wang", "en").get("/worklist/", {"date": RUN_DAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    # HZ001's 110,000 overdue outweighs SZ002's 80,000; collector_zhao's customers are not here.
    assert html.index("杭州湖畔机电") < html.index("深圳南山电子")
    assert "锦江贸易" not in html
    assert [item.customer.code for item in page.context["items"]] == ["HZ001", "SZ002"]


def test_the_worklist_is_in_chinese_by_default(web_as, tasks):
    html = web_as("collector_wang").get("/worklist/", {"date": RUN_DAY.isoformat()}).content.decode()
    assert "工作清单" in html


def test_a_task_opens_in_place_with_its_open_items(web_as, tasks):
    task = tasks["HZ001"]
    client = web_as("collector_wang", "en")
    fragment = client.get(f"/worklist/{task.pk}/", {"date": RUN_DAY.isoformat()}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "YS-0302" in html and "<html" not in html


def test_another_collectors_task_and_customer_are_404(web_as, tasks):
    client = web_as("collector_zhao", "en")
    task = tasks["HZ001"]
    assert client.get(f"/worklist/{task.pk}/").status_code == 404
    assert client.post(f"/worklist/{task.pk}/complete/", {"outcome": "reached"}).status_code == 404
    assert client.get("/collections/customers/HZ001/").status_code == 404
    assert client.post("/collections/customers/HZ001/promise/", {}).status_code == 404
    assert DunningAction.objects.get(pk=task.pk).status == ActionStatus.OPEN


def test_logging_a_promise_completes_the_task_and_shows_on_the_timeline(web_as, tasks):
    task = tasks["HZ001"]
    client = web_as("collector_wang", "en")
    due = timezone.localdate() + timedelta(days=7)
    answer = client.post(
        f"/worklist/{task.pk}/complete/",
        {
            "outcome": "promised",
            "promised_date": due.isoformat(),
            "amount": "50000.00",
            "note": "finance will pay",
        },
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    assert "logged" in answer.content.decode()
    assert DunningAction.objects.get(pk=task.pk).status == ActionStatus.DONE
    promise = PromiseToPay.objects.get(customer__code="HZ001")
    assert promise.amount == Decimal("50000.00") and promise.promised_date == due
    assert promise.activity.outcome == "promised"
    worklist = client.get("/worklist/", {"date": RUN_DAY.isoformat()})
    assert [item.customer.code for item in worklist.context["items"]] == ["SZ002"]
    timeline = client.get("/collections/customers/HZ001/").content.decode()
    assert "50,000.00" in timeline and due.isoformat() in timeline
    assert LogEntry.objects.get_for_model(PromiseToPay).filter(actor__username="collector_wang").exists()


def test_a_disputed_call_opens_the_dispute(web_as, tasks):
    task = tasks["SZ002"]
    client = web_as("collector_wang", "en")
    answer = client.post(
        f"/worklist/{task.pk}/complete/",
        {"outcome": "disputed", "amount": "3000.00", "reason_code": "quality"},
    )
    assert answer.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.invoice.number, dispute.amount, dispute.reason_code) == (
        "YS-0303",
        Decimal("3000.00"),
        "quality",
    )


def test_a_promise_without_its_amount_is_refused_and_the_task_stays(web_as, tasks):
    task = tasks["SZ002"]
    answer = web_as("collector_wang", "en").post(
        f"/worklist/{task.pk}/complete/", {"outcome": "promised"}, HTTP_HX_REQUEST="true"
    )
    assert "needs its date and amount" in answer.content.decode()
    assert DunningAction.objects.get(pk=task.pk).status == ActionStatus.OPEN
    assert not PromiseToPay.objects.exists()


def test_the_customer_page_links_to_its_collections_timeline(web_as, tasks):
    html = web_as("collector_wang", "en").get("/customers/HZ001/").content.decode()
    assert "/collections/customers/HZ001/" in html


def test_the_timeline_forms_write_their_records(web_as, tasks):
    client = web_as("collector_wang", "en")
    today = timezone.localdate()
    base = "/collections/customers/SZ002/"
    client.post(
        base + "activity/", {"kind": "visit", "occurred_on": today.isoformat(), "note": "met the CFO"}
    )
    client.post(
        base + "promise/", {"promised_date": (today + timedelta(days=3)).isoformat(), "amount": "1000"}
    )
    client.post(base + "dispute/", {"invoice": "YS-0303", "amount": "500.00", "reason_code": "price"})
    client.post(base + "reason/", {"code": "habitual"})
    client.post(
        base + "plan/",
        {
            "starts_on": today.isoformat(),
            "instalments": f"{today + timedelta(days=30)} 40000.00\n{today + timedelta(days=60)} 40000.00",
        },
    )
    assert Activity.objects.filter(customer__code="SZ002", kind="visit", note="met the CFO").exists()
    assert PromiseToPay.objects.filter(customer__code="SZ002", amount=Decimal(1000)).exists()
    dispute = Dispute.objects.get(invoice__number="YS-0303")
    assert OverdueReason.objects.get(customer__code="SZ002").code == "habitual"
    assert PaymentPlan.objects.get(customer__code="SZ002").instalments.count() == 2
    client.post(
        f"{base}disputes/{dispute.pk}/resolve/", {"resolution": "price corrected", "root_cause": "quote"}
    )
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.resolution == "price corrected"
    html = client.get(base).content.decode()
    assert "met the CFO" in html and "habitual" in html and "price corrected" in html


def test_a_refused_write_is_shown_and_writes_nothing(web_as, tasks):
    client = web_as("collector_wang", "en")
    answer = client.post(
        "/collections/customers/SZ002/dispute/",
        {"invoice": "YS-0303", "amount": "999999.00", "reason_code": "price"},
        follow=True,
    )
    assert "more than the open" in answer.content.decode()
    assert not Dispute.objects.exists()


def test_penalties_are_proposed_by_those_who_may_not_by_auditors(web_as, tasks):
    data = {"kind": "class_downgrade", "proposed_class": "C", "reason": "promises broken twice"}
    assert web_as("auditor", "en").post("/collections/customers/SZ002/penalty/", data).status_code == 403
    web_as("credit_manager", "en").post("/collections/customers/SZ002/penalty/", data)
    assert Penalty.objects.get().proposed_class == "C"


def test_a_credit_manager_edits_a_step_and_a_wrong_ladder_is_refused(web_as, tasks):
    step = DunningStep.objects.get(policy__is_default=True, code="second")
    client = web_as("credit_manager", "en")
    form = {
        f"step{step.pk}-name_zh": step.name_zh,
        f"step{step.pk}-name_en": step.name_en,
        f"step{step.pk}-day_offset": "25",
        f"step{step.pk}-channels": ["phone", "email"],
        f"step{step.pk}-owner_role": "collector",
        f"step{step.pk}-email_template": step.email_template or "email_second",
        f"step{step.pk}-letter_template": "",
    }
    assert client.get("/collections/policies/").status_code == 200
    client.post(f"/collections/steps/{step.pk}/", form)
    step.refresh_from_db()
    assert step.day_offset == 25 and not step.credit_hold
    assert LogEntry.objects.get_for_model(DunningStep).filter(actor__username="credit_manager").exists()
    answer = client.post(
        f"/collections/steps/{step.pk}/", {**form, f"step{step.pk}-day_offset": "0"}, follow=True
    )
    assert "out of order" in answer.content.decode()
    step.refresh_from_db()
    assert step.day_offset == 25
    assert web_as("collector_wang", "en").post(f"/collections/steps/{step.pk}/", form).status_code == 403


def test_a_credit_manager_edits_a_policys_segments(web_as, tasks):
    from huikuan.collections.models import DunningPolicy

    policy = DunningPolicy.objects.exclude(is_default=True).first()
    p = f"policy{policy.pk}"
    web_as("credit_manager", "en").post(
        f"/collections/policies/{policy.pk}/",
        {
            f"{p}-name": "Watched",
            f"{p}-credit_classes": ["D"],
            f"{p}-risk_segments": ["high_risk"],
            f"{p}-priority": "5",
            f"{p}-active": "on",
        },
    )
    policy.refresh_from_db()
    assert (policy.name, policy.credit_classes, policy.risk_segments, policy.priority) == (
        "Watched",
        ["D"],
        ["high_risk"],
        5,
    )


def test_runs_page_dry_run_writes_nothing_and_a_run_makes_actions(
    web_as, personas, django_capture_on_commit_callbacks
):
    client = web_as("credit_manager", "en")
    dry = client.post("/collections/runs/", {"date": "2024-06-10", "dry_run": "on"})
    assert dry.status_code == 200 and "HZ001" in dry.content.decode()
    assert not DunningAction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post("/collections/runs/", {"date": "2024-06-10"})
    # The run is queued and the page answers at once, pointing at the date's progress.
    assert queued.status_code == 302 and queued["Location"].endswith("?date=2024-06-10")
    assert DunningAction.objects.filter(action_date=RUN_DAY).exists()
    listing = client.get("/collections/runs/", {"date": "2024-06-10"}).content.decode()
    assert "2024-06-10" in listing and "SZ002" in listing
    assert 'id="run-progress" data-finished="yes"' in listing
    progress = client.get("/collections/runs/progress/", {"date": "2024-06-10"}).content.decode()
    assert 'data-count="tasks">0<' in progress
    assert (
        web_as("collector_wang", "en").post("/collections/runs/", {"date": "2024-06-11"}).status_code == 403
    )


def test_reports_show_figures_chart_and_csv(web_as, tasks):
    client = web_as("credit_manager", "en")
    OverdueReason.objects.create(
        customer=tasks["SZ002"].customer, code="declining", noted_on=RUN_DAY, noted_by="credit_manager"
    )
    page = client.get("/collections/reports/", {"start": "2024-05-01", "end": "2024-06-30"})
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "declining" in html
    csv = client.get("/collections/reports/", {"start": "2024-05-01", "end": "2024-06-30", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("Collector,Actions done")
    period = {"start": "2024-05-01", "end": "2024-06-30"}
    reasons = client.get("/collections/reports/", {**period, "format": "csv", "table": "reasons"})
    assert "declining" in reasons.content.decode("utf-8-sig")
    workbook = client.get("/collections/reports/", {**period, "format": "xlsx"})
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(workbook.content)).worksheets
    titles = ["Actions and promises", "Overdue clearance", "Overdue by reason"]
    assert [sheet.title for sheet in sheets] == titles
    assert all(sheet.freeze_panes == "A2" for sheet in sheets)


def test_outsiders_see_no_collections_page(web_as, tasks):
    client = web_as("outsider", "en")
    for url in (
        "/worklist/",
        "/collections/customers/HZ001/",
        "/collections/policies/",
        "/collections/reports/",
    ):
        assert client.get(url).status_code == 403


def test_a_collector_sees_only_their_own_figures_in_the_reports(web_as, tasks):
    manager = web_as("credit_manager", "en").get("/collections/reports/", {"end": "2024-06-30"})
    assert "collector_wang" in manager.content.decode() and "collector_zhao" in manager.content.decode()
    html = web_as("collector_zhao", "en").get("/collections/reports/", {"end": "2024-06-30"}).content.decode()
    assert "collector_zhao" in html and "collector_wang" not in html


def test_the_runs_page_lists_a_collector_only_their_own_customers_actions(web_as, tasks):
    html = web_as("collector_zhao", "en").get("/collections/runs/", {"date": RUN_DAY.isoformat()})
    assert "CD003" in html.content.decode()
    assert "HZ001" not in html.content.decode() and "SZ002" not in html.content.decode()


def test_the_timeline_reads_in_chinese(web_as, tasks):
    client = web_as("collector_wang", "en")
    due = timezone.localdate() + timedelta(days=7)
    client.post(
        f"/worklist/{tasks['HZ001'].pk}/complete/",
        {"outcome": "promised", "promised_date": due.isoformat(), "amount": "50000.00", "note": "ok"},
    )
    page = web_as("collector_wang").get("/collections/customers/HZ001/")
    kinds = {entry.kind: entry for entry in page.context["timeline"]}
    assert {"activity", "promise", "dunning"} <= set(kinds)
    html = page.content.decode()
    assert "<td>付款承诺</td>" in html and "<td>催收</td>" in html  # the kinds, translated
    assert "<td>promise</td>" not in html and "<td>dunning</td>" not in html
    assert kinds["activity"].summary.startswith("电话 承诺付款")
    assert f"于 {due} 前支付：" in kinds["promise"].summary and "open" not in kinds["promise"].summary
    assert " by " not in kinds["promise"].summary
    dunning = [entry.summary for entry in page.context["timeline"] if entry.kind == "dunning"]
    assert any("/电话 " in summary for summary in dunning)
    assert not any("/phone" in summary or "/email" in summary or ": " in summary for summary in dunning)


def test_runs_page_shows_each_scheduled_job_with_a_stale_run_marked_stale(web_as):
    from huikuan.jobs.models import JobRun, JobStatus

    now = timezone.now()
    JobRun.objects.create(
        job="dunning",
        run_date=RUN_DAY,
        status=JobStatus.RUNNING,
        started_at=now - timedelta(hours=1),
        lease_owner="cli@host:1:x",
        lease_expires_at=now - timedelta(minutes=5),
    )
    JobRun.objects.create(job="promises", run_date=RUN_DAY, status=JobStatus.DONE, started_at=now)
    html = web_as("credit_manager", "zh-hans").get("/collections/runs/").content.decode()
    assert 'data-job="dunning" data-state="stale"' in html and "已停滞" in html
    assert 'data-job="promises" data-state="done"' in html
    assert 'data-job="email_retry" data-state=""' in html


def test_a_call_logged_on_the_timeline_as_promised_records_the_promise_or_says_what_is_missing(web_as, tasks):
    client = web_as("collector_wang", "en")
    today = timezone.localdate().isoformat()
    base = "/collections/customers/SZ002/activity/"
    refused = client.post(
        base, {"kind": "call", "outcome": "promised", "occurred_on": today, "amount": "700"}, follow=True
    )
    assert "missing: promised_date" in refused.content.decode()
    assert not PromiseToPay.objects.exists() and not Activity.objects.filter(customer__code="SZ002").exists()
    client.post(
        base,
        {
            "kind": "call",
            "outcome": "promised",
            "occurred_on": today,
            "promised_date": today,
            "amount": "700",
        },
    )
    promise = PromiseToPay.objects.get(customer__code="SZ002")
    assert promise.amount == Decimal(700) and promise.activity.outcome == "promised"

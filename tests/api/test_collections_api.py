"""The collections endpoints: worklist, call logging, customer records, policies, the run."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from huikuan.collections.models import (
    ActionStatus,
    Channel,
    Dispute,
    DunningAction,
    DunningStep,
    PromiseToPay,
)
from huikuan.collections.run import dunning_run

RUN_DAY = date(2024, 6, 10)


@pytest.fixture
def tasks(personas):
    dunning_run(date=RUN_DAY)
    return {
        task.customer.code: task
        for task in DunningAction.objects.filter(channel=Channel.PHONE).select_related("customer")
    }


def test_worklist_in_order_for_the_collector_only(api_as, tasks):
    answer = api_as("collector_wang").get("/api/worklist/", {"date": "2024-06-10"})
    assert answer.status_code == 200
    assert [item["customer_code"] for item in answer.data] == ["HZ001", "SZ002"]
    assert answer.data[0]["overdue_balance"] == "110000.00"
    theirs = api_as("collector_zhao").get("/api/worklist/", {"date": "2024-06-10"}).data
    assert [item["customer_code"] for item in theirs] == ["CD003"]


def test_complete_a_task_with_a_promise(api_as, tasks):
    task = tasks["SZ002"]
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    answer = api_as("collector_wang").post(
        f"/api/worklist/{task.pk}/complete/",
        {"outcome": "promised", "promised_date": due, "amount": "20000.00"},
        format="json",
    )
    assert answer.status_code == 201, answer.data
    assert DunningAction.objects.get(pk=task.pk).status == ActionStatus.DONE
    assert PromiseToPay.objects.get().amount == Decimal("20000.00")
    again = api_as("collector_wang").post(
        f"/api/worklist/{task.pk}/complete/", {"outcome": "reached"}, format="json"
    )
    assert again.status_code == 409


def test_a_promise_needs_date_and_amount(api_as, tasks):
    answer = api_as("collector_wang").post(
        f"/api/worklist/{tasks['SZ002'].pk}/complete/", {"outcome": "promised"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["missing"] == ["promised_date", "amount"]
    assert DunningAction.objects.get(pk=tasks["SZ002"].pk).status == ActionStatus.OPEN


def test_an_incomplete_promise_is_a_400_naming_the_missing_field_and_writes_nothing(api_as, tasks):
    task = tasks["SZ002"]
    answer = api_as("collector_wang").post(
        f"/api/worklist/{task.pk}/complete/",
        {"outcome": "promised", "promised_date": task.action_date.isoformat()},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["missing"] == ["amount"] and "amount" in answer.json()["detail"]
    assert DunningAction.objects.get(pk=task.pk).status == ActionStatus.OPEN
    assert not PromiseToPay.objects.exists()


def test_an_incomplete_dispute_is_a_400_naming_the_reason(api_as, tasks):
    task = tasks["SZ002"]
    answer = api_as("collector_wang").post(
        f"/api/worklist/{task.pk}/complete/", {"outcome": "disputed", "amount": "10.00"}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["missing"] == ["reason_code"]
    assert DunningAction.objects.get(pk=task.pk).status == ActionStatus.OPEN


def test_an_activity_logged_as_promised_records_the_promise_and_needs_its_fields(api_as, tasks):
    client = api_as("collector_wang")
    day = tasks["SZ002"].action_date.isoformat()
    url = "/api/collections/customers/SZ002/activities/"
    refused = client.post(url, {"kind": "call", "outcome": "promised", "occurred_on": day}, format="json")
    assert refused.status_code == 400 and refused.json()["missing"] == ["promised_date", "amount"]
    answer = client.post(
        url,
        {"kind": "call", "outcome": "promised", "occurred_on": day, "promised_date": day, "amount": "300.00"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert PromiseToPay.objects.get(customer__code="SZ002").amount == Decimal("300.00")


def test_another_collectors_task_and_customer_are_404(api_as, tasks):
    client = api_as("collector_zhao")
    assert (
        client.post(
            f"/api/worklist/{tasks['HZ001'].pk}/complete/", {"outcome": "reached"}, format="json"
        ).status_code
        == 404
    )
    assert client.get("/api/collections/customers/HZ001/").status_code == 404
    assert client.post("/api/collections/customers/HZ001/promises/", {}, format="json").status_code == 404


def test_customer_records_and_writes(api_as, tasks):
    client = api_as("collector_wang")
    today = timezone.localdate()
    base = "/api/collections/customers/SZ002/"
    assert (
        client.post(
            base + "activities/",
            {"kind": "call", "outcome": "reached", "occurred_on": today.isoformat()},
            format="json",
        ).status_code
        == 201
    )
    dispute = client.post(
        base + "disputes/",
        {"invoice": "YS-0303", "amount": "800.00", "reason_code": "delivery"},
        format="json",
    )
    assert dispute.status_code == 201 and dispute.data["amount"] == "800.00"
    plan = client.post(
        base + "payment-plans/",
        {
            "starts_on": today.isoformat(),
            "instalments": [{"due_date": (today + timedelta(days=9)).isoformat(), "amount": "100.00"}],
        },
        format="json",
    )
    assert plan.status_code == 201, plan.data
    assert client.post(base + "overdue-reason/", {"code": "disorganised"}, format="json").status_code == 201
    resolved = client.post(
        f"/api/collections/disputes/{dispute.data['id']}/resolve/",
        {"resolution": "redelivered"},
        format="json",
    )
    assert resolved.status_code == 200 and resolved.data["status"] == "resolved"
    records = client.get(base).data
    assert records["overdue_reason"] == "disorganised"
    assert records["disputes"][0]["invoice"] == "YS-0303"
    assert records["payment_plans"][0]["instalments"][0]["amount"] == "100.00"
    assert {entry["kind"] for entry in records["timeline"]} >= {"activity", "dispute", "plan", "dunning"}
    assert Dispute.objects.get().status == "resolved"
    penalty = {"kind": "credit_hold", "reason": "broke two promises"}
    assert api_as("auditor").post(base + "penalties/", penalty, format="json").status_code == 403
    assert client.post(base + "penalties/", penalty, format="json").status_code == 201


def test_policies_get_and_put(api_as, personas):
    manager = api_as("credit_manager")
    policies = manager.get("/api/dunning/policies/").data
    default = next(policy for policy in policies if policy["is_default"])
    step = next(step for step in default["steps"] if step["code"] == "second")
    body = {**default, "steps": [{**step, "day_offset": 21}]}
    answer = manager.put(f"/api/dunning/policies/{default['code']}/", body, format="json")
    assert answer.status_code == 200, answer.data
    assert DunningStep.objects.get(policy__code=default["code"], code="second").day_offset == 21
    wrong = manager.put(
        f"/api/dunning/policies/{default['code']}/",
        {**default, "steps": [{**step, "day_offset": -9}]},
        format="json",
    )
    assert wrong.status_code == 409
    assert DunningStep.objects.get(policy__code=default["code"], code="second").day_offset == 21
    assert (
        api_as("collector_wang")
        .put(f"/api/dunning/policies/{default['code']}/", body, format="json")
        .status_code
        == 403
    )


def test_dunning_run_endpoint(api_as, personas, django_capture_on_commit_callbacks):
    manager = api_as("credit_manager")
    dry = manager.post("/api/dunning/run", {"date": "2024-06-10", "dry_run": True}, format="json")
    assert dry.status_code == 200 and dry.data["dry_run"] is True and dry.data["actions"]
    assert not DunningAction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        real = manager.post("/api/dunning/run", {"date": "2024-06-10"}, format="json")
    assert real.status_code == 202 and real.data["queued"] is True
    assert real["Location"] == real.data["progress"] == "/api/dunning/runs/2024-06-10/progress"
    assert DunningAction.objects.exists()  # the test process is its own worker: done on commit
    progress = manager.get(real.data["progress"]).data
    assert progress["finished"] is True and progress["tasks_pending"] == 0
    assert manager.get("/api/dunning/run").data[0]["run_date"] == "2024-06-10"
    assert (
        api_as("collector_wang").post("/api/dunning/run", {"date": "2024-06-11"}, format="json").status_code
        == 403
    )


def test_the_schema_lists_the_collections_endpoints(api_as, personas):
    schema = api_as("auditor").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/worklist/",
        "/api/worklist/{id}/complete/",
        "/api/dunning/run",
        "/api/dunning/policies/{code}/",
    ):
        assert path in schema["paths"], path


def test_a_date_off_the_calendars_edge_is_refused(api_as, personas):
    manager = api_as("credit_manager")
    assert manager.post("/api/dunning/run", {"date": "0001-01-01"}, format="json").status_code == 400
    assert api_as("collector_wang").get("/api/worklist/", {"date": "9999-12-31"}).status_code == 400

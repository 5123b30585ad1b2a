"""In the browser and through the API: the step's anchor (the date a step counts from) on the
policies page, an invoice's shipment date, and visits planned and recorded, in Chinese."""

from __future__ import annotations

import importlib
from datetime import date

from huikuan.collections.models import Activity, DunningPolicy, DunningStep
from huikuan.ledger.models import Invoice
from tests.api.conftest import api_as  # noqa: F401 - the API's fixture, beside the browser's


def test_the_policies_page_shows_what_each_step_counts_from_in_chinese(web_as):
    html = web_as("credit_manager").get("/collections/policies/").content.decode()
    step = DunningStep.objects.get(policy__code="standard", code="delivery_check")
    row = html[html.index(f'id="step-{step.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "询问收货情况" in row and "发货日期" in row and "电话" in row
    assert "起算日" in html


def test_a_credit_manager_moves_a_step_to_another_anchor_on_the_page(web_as):
    step = DunningStep.objects.get(policy__code="standard", code="goods_invoice_check")
    prefix = f"step{step.pk}"
    form = {
        f"{prefix}-name_zh": step.name_zh,
        f"{prefix}-name_en": step.name_en,
        f"{prefix}-anchor": "shipment",
        f"{prefix}-day_offset": "7",
        f"{prefix}-channels": ["phone"],
        f"{prefix}-owner_role": "salesperson",
    }
    web_as("credit_manager").post(f"/collections/steps/{step.pk}/", form)
    step.refresh_from_db()
    assert (step.anchor, step.day_offset) == ("shipment", 7)
    # Without the field (an older form), the step keeps its anchor.
    del form[f"{prefix}-anchor"]
    form[f"{prefix}-day_offset"] = "8"
    web_as("credit_manager").post(f"/collections/steps/{step.pk}/", form)
    step.refresh_from_db()
    assert (step.anchor, step.day_offset) == ("shipment", 8)


def test_the_api_shows_and_accepts_the_anchor(api_as):  # noqa: F811
    manager = api_as("credit_manager")
    standard = manager.get("/api/dunning/policies/standard/").data
    step = next(s for s in standard["steps"] if s["code"] == "delivery_check")
    assert (step["anchor"], step["day_offset"], step["owner_role"]) == ("shipment", 5, "salesperson")
    body = {**standard, "steps": [{**step, "anchor": "invoice", "day_offset": 3}]}
    answer = manager.put("/api/dunning/policies/standard/", body, format="json")
    assert answer.status_code == 200, answer.data
    assert DunningStep.objects.get(policy__code="standard", code="delivery_check").anchor == "invoice"
    wrong = manager.put(
        "/api/dunning/policies/standard/", {**standard, "steps": [{**step, "anchor": "order"}]}, format="json"
    )
    assert wrong.status_code == 400


def test_an_invoice_carries_its_shipment_date_through_the_api_and_the_import(api_as, huikuan, tmp_path):  # noqa: F811
    created = api_as("credit_manager").post(
        "/api/invoices/",
        {
            "number": "YS-SHIP-1",
            "customer": "HZ001",
            "invoice_date": "2024-06-03",
            "shipment_date": "2024-06-01",
            "amount": "1000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["shipment_date"] == "2024-06-01"
    path = tmp_path / "ship.csv"
    path.write_text(
        "invoice_number,customer_code,invoice_date,发货日期,amount\nYS-SHIP-2,HZ001,2024-06-03,2024-05-30,500.00\n",
        encoding="utf-8",
    )
    result = huikuan("import", "invoices", str(path))
    assert result.code == 0, result.stderr
    assert Invoice.objects.get(number="YS-SHIP-2").shipment_date == date(2024, 5, 30)
    assert Invoice.objects.get(number="YS-0301").shipment_date is None


def test_a_collector_plans_and_records_a_visit_on_the_customers_page(web_as):
    client = web_as("collector_wang")
    client.post(
        "/collections/customers/HZ001/visits/",
        {
            "visit-planned_on": "2024-06-12",
            "visit-purpose": "check_in",
            "visit-people": "王催收；对方财务总监",
            "visit-note": "了解二季度采购计划",
        },
    )
    visit = Activity.objects.get(kind="visit")
    assert (visit.status, visit.purpose, visit.occurred_on) == ("planned", "check_in", date(2024, 6, 12))
    html = client.get("/collections/customers/HZ001/").content.decode()
    assert "计划拜访" in html and "对方财务总监" in html and "定期回访" in html
    client.post(
        f"/collections/customers/HZ001/visits/{visit.pk}/done/",
        {"visit_done-occurred_on": "2024-06-12", "visit_done-result": "客户确认下周付款"},
    )
    visit.refresh_from_db()
    assert (visit.status, visit.result) == ("done", "客户确认下周付款")
    # Another collector's customer: not found.
    other = web_as("collector_zhao").post(
        f"/collections/customers/HZ001/visits/{visit.pk}/cancel/", {"visit_cancel-reason": "x"}
    )
    assert other.status_code == 404


def test_visits_through_the_api(api_as):  # noqa: F811
    collector = api_as("collector_wang")
    planned = collector.post(
        "/api/collections/customers/HZ001/visits/",
        {"occurred_on": "2024-06-12", "purpose": "greeting", "people": "王催收", "note": "中秋问候"},
        format="json",
    )
    assert planned.status_code == 201, planned.data
    assert (planned.data["status"], planned.data["purpose"]) == ("planned", "greeting")
    visit_id = planned.data["id"]
    assert api_as("collector_zhao").post(
        f"/api/collections/visits/{visit_id}/record/",
        {"occurred_on": "2024-06-12", "result": "x"},
        format="json",
    ).status_code in (403, 404)
    done = collector.post(
        f"/api/collections/visits/{visit_id}/record/",
        {"occurred_on": "2024-06-12", "result": "送达月饼，关系良好"},
        format="json",
    )
    assert done.status_code == 200, done.data
    assert (done.data["status"], done.data["result"]) == ("done", "送达月饼，关系良好")
    again = collector.post(f"/api/collections/visits/{visit_id}/cancel/", {"reason": "x"}, format="json")
    assert again.status_code == 409


def test_the_migration_moves_old_accelerated_legal_steps_and_adds_the_new_steps(db):
    migration = importlib.import_module("huikuan.collections.migrations.0005_step_anchor")
    accelerated = DunningPolicy.objects.get(code="accelerated")
    # A database installed before: legal at +45, lawyer at +60, none of the new steps;
    # the standard ladder's lawyer step edited by a credit manager.
    DunningStep.objects.filter(code__in=["delivery_check", "goods_invoice_check"]).delete()
    DunningStep.objects.filter(policy=accelerated, code="legal").update(day_offset=45)
    DunningStep.objects.filter(policy=accelerated, code="lawyer").update(day_offset=60)
    DunningStep.objects.filter(policy__code="premium", code="lawyer").update(day_offset=150)
    from django.apps import apps

    migration.forward(apps, None)
    offsets = dict(DunningStep.objects.filter(policy=accelerated).values_list("code", "day_offset"))
    assert (offsets["legal"], offsets["lawyer"]) == (90, 120)
    assert DunningStep.objects.get(policy__code="premium", code="lawyer").day_offset == 150  # kept
    assert DunningStep.objects.filter(code="delivery_check", anchor="shipment").count() == 3

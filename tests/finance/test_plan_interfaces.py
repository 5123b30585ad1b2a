"""The clearance plan through its doors: ``huikuan plan create|progress|list``, the API (list,
create, read, change, targets, phases, progress; a collector sees only their own row) and the
web pages (list, new plan, the plan's page with its forms; in Chinese without English words)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from huikuan.accounts.services import user_create, user_token
from huikuan.finance.models import ClearancePlan
from huikuan.finance.plans import clearance_plan_create
from tests.finance.test_plans import AS_OF, BASELINE, after_baseline, ledger  # noqa: F401 - a fixture
from tests.test_chinese_pages import ALLOWED, data_words, english_words


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db, settings) -> dict:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles = {"cm_sun": "credit_manager", "cfo_wu": "cfo", "zhao": "collector", "auditor_he": "auditor"}
    return {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1").user
        for name, role in roles.items()
    }


@pytest.fixture
def plan(ledger, people):  # noqa: F811 - the fixture imported above
    after_baseline(ledger)
    return clearance_plan_create(
        baseline_date=BASELINE, name="华东清欠方案", created_by="cm_sun", today=date(2024, 12, 31)
    )


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=user.get_username())}")
    return client


def browser(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["huikuan_language"] = language
    return client


def test_the_cli_creates_a_plan_and_gives_its_progress(ledger, huikuan):  # noqa: F811
    after_baseline(ledger)
    created = huikuan("plan", "create", "--baseline", "2024-03-31", "--name", "Q2", "--json")
    assert created.code == 0, created.stderr
    data = created.json()
    assert data["baseline_overdue"] == "2510.00" and data["ends_on"] == "2024-09-30"
    assert [t["metric"] for t in data["targets"]][:2] == ["clearance_rate", "turnover_growth"]
    progress = huikuan("plan", "progress", "--as-of", "2024-06-30", "--by", "department", "--json").json()
    assert progress["total"]["clearance_rate"] == "27.25"
    assert {row["key"] for row in progress["rows"]} == {"North", "South"}
    assert len(progress["trend"]["week_ends"]) == 13
    text = huikuan("plan", "progress", "--as-of", "2024-06-30", "--no-trend")
    assert text.code == 0 and "clearance_rate" in text.stdout and "27.25" in text.stdout
    with pytest.raises(CommandError, match="after today"):
        huikuan("plan", "create", "--baseline", "2199-01-01")


def test_the_api_creates_edits_and_reads_progress(ledger, people):  # noqa: F811
    after_baseline(ledger)
    manager = api(people["cm_sun"])
    response = manager.post("/api/clearance-plans/", {"baseline_date": "2024-03-31", "recipients": ["cfo"]},
                            format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert (
        api(people["zhao"]).post("/api/clearance-plans/", {"baseline_date": "2024-03-31"}).status_code == 403
    )
    targets = manager.put(
        f"/api/clearance-plans/{plan_id}/targets/",
        {"targets": [{"metric": "clearance_rate", "goal": "35.00"}]},
        format="json",
    )
    assert targets.status_code == 200, targets.content
    assert {t["metric"]: t["goal"] for t in targets.json()["targets"]}["clearance_rate"] == "35.00"
    phases = manager.put(
        f"/api/clearance-plans/{plan_id}/phases/",
        {
            "phases": [
                {"kind": "legal", "owner": "lawyer_he", "starts_on": "2024-08-05", "ends_on": "2024-08-30"}
            ]
        },
        format="json",
    )
    assert phases.status_code == 200
    assert {p["kind"]: p["owner"] for p in phases.json()["phases"]}["legal"] == "lawyer_he"
    bad = manager.put(
        f"/api/clearance-plans/{plan_id}/phases/",
        {"phases": [{"kind": "legal", "starts_on": "2024-09-05", "ends_on": "2024-08-30"}]},
        format="json",
    )
    assert bad.status_code == 409
    changed = manager.patch(
        f"/api/clearance-plans/{plan_id}/", {"recipients": ["a@example.com:en"]}, format="json"
    )
    assert changed.json()["recipients"] == ["a@example.com:en"]
    progress = manager.get(
        f"/api/clearance-plans/{plan_id}/progress/", {"as_of": "2024-06-30", "by": "department"}
    )
    assert progress.status_code == 200
    body = progress.json()
    assert body["total"]["cleared"] == "684.00"
    assert {t["metric"]: t["met"] for t in body["targets"]}["clearance_rate"] is False  # 27.25 < 35
    mine = (
        api(people["zhao"]).get(f"/api/clearance-plans/{plan_id}/progress/", {"as_of": "2024-06-30"}).json()
    )
    assert mine["total"] is None and [r["key"] for r in mine["rows"]] == ["zhao"]
    assert mine["rows"][0]["baseline_overdue"] == "800.00"
    assert len(manager.get("/api/clearance-plans/").json()) == 1


def test_the_web_pages_create_show_and_edit_a_plan(ledger, people):  # noqa: F811
    after_baseline(ledger)
    client = browser(people["cfo_wu"])
    assert client.get("/clearance-plans/").status_code == 200
    response = client.post(
        "/clearance-plans/", {"name": "Q2 plan", "baseline": "2024-03-31", "recipients": "cfo"}
    )
    assert response.status_code == 302
    plan = ClearancePlan.objects.get()
    page = client.get(f"/clearance-plans/{plan.pk}/", {"as_of": "2024-06-30", "by": "department"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="target-clearance_rate"' in html and "27.25" in html and "<svg" in html and "polyline" in html
    assert "North" in html and "South" in html
    client.post(
        f"/clearance-plans/{plan.pk}/targets/",
        {"goal_clearance_rate": "20", "direction_clearance_rate": "at_least"},
    )
    assert plan.targets.get(metric="clearance_rate").goal == 20
    dates = {"review_starts_on": "2024-09-01", "review_ends_on": "2024-09-30", "review_owner": "cfo_wu"}
    client.post(f"/clearance-plans/{plan.pk}/phases/", dates)
    assert plan.phases.get(kind="review").owner == "cfo_wu"
    assert browser(people["auditor_he"]).post(f"/clearance-plans/{plan.pk}/targets/", {}).status_code == 403
    collector = (
        browser(people["zhao"]).get(f"/clearance-plans/{plan.pk}/", {"as_of": "2024-06-30"}).content.decode()
    )
    assert "South" not in collector and 'id="targets"' not in collector


def test_the_plan_page_in_chinese_shows_no_english_words(plan, people):
    client = browser(people["cm_sun"], "zh-hans")
    allowed = ALLOWED | data_words() | {"YYYY-MM-DD"}
    found = {}
    for page in ("/clearance-plans/", f"/clearance-plans/{plan.pk}/?as_of=2024-06-30&by=department"):
        response = client.get(page)
        assert response.status_code == 200
        words = english_words(response.content.decode(), allowed)
        if words:
            found[page] = sorted(words)
    assert not found, f"English words on Chinese pages: {found}"
    html = client.get(f"/clearance-plans/{plan.pk}/?as_of=2024-06-30").content.decode()
    assert "清欠率" in html and "华东清欠方案" in html

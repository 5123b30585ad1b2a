"""Early warnings through the doors: the web page (scoped, filtered, acknowledge button), the
API (list, acknowledge, 409 on a second time) and ``huikuan warnings run|list|acknowledge``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from huikuan.accounts.services import user_create, user_token
from huikuan.finance.models import EarlyWarning
from huikuan.finance.warning_services import warnings_run
from huikuan.jobs.registry import JOBS
from tests.finance.test_warnings import TODAY, _three_grades


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db) -> dict:
    roles = {
        "col_li": "collector",
        "col_zhao": "collector",
        "cm_sun": "credit_manager",
        "cfo_wu": "cfo",
        "auditor_he": "auditor",
    }
    return {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1").user
        for name, role in roles.items()
    }


@pytest.fixture
def raised(people):
    _three_grades()
    warnings_run(as_of=TODAY)
    return {w.customer.code: w for w in EarlyWarning.objects.select_related("customer")}


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_a_collector_only_their_customers(people, raised):
    page = browser(people["col_li"]).get("/warnings/").content.decode()
    assert "CC" in page and "WEAK" not in page and "OLD" not in page
    page = browser(people["cfo_wu"]).get("/warnings/?grade=3").content.decode()
    assert "WEAK" in page and "Altman Z" in page and ">CC<" not in page


def test_the_page_acknowledges(people, raised):
    client = browser(people["cfo_wu"])
    response = client.post(f"/warnings/{raised['WEAK'].pk}/acknowledge/", {"note": "reviewed"})
    assert response.status_code == 302
    raised["WEAK"].refresh_from_db()
    assert raised["WEAK"].status == "acknowledged" and raised["WEAK"].note == "reviewed"
    assert "WEAK" not in client.get("/warnings/").content.decode()  # the default shows open ones
    assert "WEAK" in client.get("/warnings/?status=acknowledged").content.decode()


def test_a_collector_cannot_acknowledge_another_collectors_warning(people, raised):
    response = browser(people["col_li"]).post(f"/warnings/{raised['WEAK'].pk}/acknowledge/")
    assert response.status_code == 404
    assert (
        browser(people["auditor_he"]).post(f"/warnings/{raised['WEAK'].pk}/acknowledge/").status_code == 403
    )
    raised["WEAK"].refresh_from_db()
    assert raised["WEAK"].status == "open"


def test_the_page_in_chinese(people, raised):
    client = browser(people["cfo_wu"])
    with translation.override("zh-hans"):
        page = client.get("/warnings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "预警" in page


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=user.get_username())}")
    return client


def test_the_api_lists_and_acknowledges(people, raised):
    rows = api(people["col_li"]).get("/api/warnings/").json()
    rows = rows.get("results", rows)
    assert [row["customer_code"] for row in rows] == ["CC"]
    client = api(people["cm_sun"])
    listed = client.get("/api/warnings/", {"grade": "2"}).json()
    assert [row["customer_code"] for row in listed.get("results", listed)] == ["OLD"]
    url = f"/api/warnings/{raised['OLD'].pk}/acknowledge/"
    first = client.post(url, {"note": "asked sales"}, format="json")
    assert first.status_code == 200 and first.json()["acknowledged_by"] == "cm_sun"
    assert client.post(url, {}, format="json").status_code == 409
    assert api(people["auditor_he"]).post(url, {}, format="json").status_code == 403
    assert client.get("/api/warnings/", {"grade": "7"}).status_code == 400


def test_the_cli_runs_lists_and_acknowledges(people, huikuan):
    _three_grades()
    first = huikuan("warnings", "run", "--date", TODAY.isoformat(), "--json").json()
    again = huikuan("warnings", "run", "--date", TODAY.isoformat(), "--json").json()
    assert (first["created"], again["created"], again["already_raised"]) == (3, 0, 3)
    listed = huikuan("warnings", "list", "--user", "col_li", "--json").json()
    assert [row["customer_code"] for row in listed] == ["CC"]
    warning_id = str(listed[0]["id"])
    done = huikuan("warnings", "acknowledge", warning_id, "--user", "col_li", "--json").json()
    assert done["status"] == "acknowledged"
    assert huikuan("warnings", "list", "--status", "open", "--json").json().__len__() == 2


def test_the_daily_job_runs_after_promises_and_classification(people):
    job = JOBS["warnings"]
    assert {"promises", "credit_monthly"} <= set(job.after)
    _three_grades()
    assert job.work(TODAY)["created"] == 3
    assert job.work(TODAY)["created"] == 0
    assert job.work(TODAY + timedelta(days=1))["created"] == 0
    assert date(2026, 3, 10) == TODAY


def test_the_navigation_counts_unread_warnings_until_the_page_is_opened(people, raised):
    client = browser(people["cfo_wu"])
    dashboard = client.get("/").content.decode()
    assert (
        'id="nav-warnings"' in dashboard
        and '<span class="badge">1</span>' in dashboard.split('id="nav-warnings"')[1][:200]
    )
    client.get("/warnings/")
    assert '<span class="badge">' not in client.get("/").content.decode().split('id="nav-warnings"')[1][:200]

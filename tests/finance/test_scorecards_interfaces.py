"""Staff scorecards through the command line, the API and the web: the same run, queued from
the web and the API; a collector or salesperson sees only their own line; the credit manager
approves from the page; the payroll XLSX only once approved; the rules editor; the Chinese
pages show no English word."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from huikuan.accounts.services import user_create, user_token
from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.exports import XLSX_CONTENT_TYPE
from huikuan.finance.models import ScorecardRule, ScorecardRun
from huikuan.finance.scorecards import scorecard_run
from tests.finance.scorecard_ledger import MONTH, build_may_ledger
from tests.test_chinese_pages import ALLOWED, data_words, english_words

PEOPLE = {
    "cm_sun": ("credit_manager", ""),
    "zhao": ("collector", ""),
    "li": ("salesperson", ""),
    "cfo_wu": ("cfo", ""),
    "contact_a": ("customer", "A"),
}


@pytest.fixture
def people(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_may_ledger()
    return {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1", customer_code=code).user
        for name, (role, code) in PEOPLE.items()
    }


def api(username: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=username)}")
    return client


def web(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["huikuan_language"] = language
    return client


def approve(run: ScorecardRun, user) -> None:
    approval_decide(
        request=ApprovalRequest.objects.get(number=run.approval_number), actor=user, decision="approve"
    )


def test_the_command_line_runs_a_month_and_exports_it_once_approved(people, huikuan, tmp_path):
    result = huikuan("scorecards", "run", "--month", MONTH, "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert (data["month"], data["status"], data["total"]) == (MONTH, "proposed", "700.00")
    assert {(line["role"], line["person"]) for line in data["lines"]} == {
        ("salesperson", "li"), ("salesperson", "wang"), ("collector", "qian"), ("collector", "zhao"),
    }  # fmt: skip
    out = tmp_path / "payroll.xlsx"
    refused = huikuan("scorecards", "export", "--month", MONTH, "--out", str(out))
    assert refused.code == 1 and "not approved" in refused.stderr and not out.exists()
    approve(ScorecardRun.objects.get(month=MONTH), people["cm_sun"])
    assert huikuan("scorecards", "export", "--month", MONTH, "--out", str(out)).code == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 5


def test_the_api_queues_a_run_and_each_reader_sees_their_own_lines(
    people, django_capture_on_commit_callbacks
):
    assert api("zhao").post("/api/scorecards/", {"month": MONTH}, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        queued = api("cm_sun").post("/api/scorecards/", {"month": MONTH}, format="json")
    assert queued.status_code == 202, queued.content
    assert queued.json()["queued"] is True
    assert ScorecardRun.objects.get(month=MONTH).lines.count() == 4
    everything = api("cm_sun").get(f"/api/scorecards/{MONTH}/").json()
    assert len(everything["lines"]) == 4
    own = api("zhao").get(f"/api/scorecards/{MONTH}/").json()["lines"]
    assert [(line["role"], line["person"]) for line in own] == [("collector", "zhao")]
    assert own[0]["values"]["collection_rate"] == "63.04"
    assert own[0]["met"]["collection_rate"] is False
    assert [line["person"] for line in api("li").get(f"/api/scorecards/{MONTH}/").json()["lines"]] == ["li"]
    assert api("contact_a").get(f"/api/scorecards/{MONTH}/").status_code == 403
    assert [run["month"] for run in api("cm_sun").get("/api/scorecards/").json()] == [MONTH]
    assert api("cm_sun").post("/api/scorecards/", {"month": "2999-01"}, format="json").status_code == 409


def test_the_api_exports_only_an_approved_month_and_only_to_finance(people):
    run = scorecard_run(month=MONTH)
    assert api("cm_sun").get(f"/api/scorecards/{MONTH}/xlsx/").status_code == 409
    approve(run, people["cm_sun"])
    assert api("zhao").get(f"/api/scorecards/{MONTH}/xlsx/").status_code == 403
    response = api("cfo_wu").get(f"/api/scorecards/{MONTH}/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 5


def test_the_credit_manager_approves_from_the_page_and_downloads_the_workbook(people):
    run = scorecard_run(month=MONTH)
    manager = web(people["cm_sun"])
    page = manager.get(f"/scorecards/?month={MONTH}").content.decode()
    assert 'id="scorecard-approve"' in page
    assert 'id="scorecard-xlsx"' not in page
    assert 'data-person="qian"' in page and 'class="num met"' in page and 'class="num missed"' in page
    decided = manager.post(f"/approvals/{run.approval_number}/decide/", {"decision": "approve"})
    assert decided.status_code == 302
    run.refresh_from_db()
    assert run.status == "approved"
    page = manager.get(f"/scorecards/?month={MONTH}").content.decode()
    assert 'id="scorecard-approve"' not in page and 'id="scorecard-xlsx"' in page
    assert 'id="scorecard-run"' not in page  # frozen: no re-run
    download = manager.get(f"/scorecards/{MONTH}.xlsx")
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(download.content)).active.max_row == 5


def test_a_collector_sees_only_his_own_scorecard_and_no_button(people):
    scorecard_run(month=MONTH)
    page = web(people["zhao"]).get(f"/scorecards/?month={MONTH}").content.decode()
    assert 'data-person="zhao"' in page
    assert 'data-person="qian"' not in page and 'data-person="li"' not in page
    assert 'id="scorecard-approve"' not in page and 'id="scorecard-run"' not in page
    assert web(people["zhao"]).post("/scorecards/run/", {"month": MONTH}).status_code == 403
    assert web(people["contact_a"]).get("/scorecards/").status_code == 403


def test_the_web_queues_a_run(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = web(people["cm_sun"]).post("/scorecards/run/", {"month": MONTH})
    assert response.status_code == 302
    assert ScorecardRun.objects.get(month=MONTH).status == "proposed"


def test_the_rules_editor_saves_a_rule_and_a_target_and_refuses_bad_tiers(people):
    manager = web(people["cm_sun"])
    saved = manager.post(
        "/scorecards/rules/save/",
        {"code": "", "name": "催收动作奖励", "role": "collector", "metric": "actions_done", "kind": "tiered",
         "comparison": "gte", "tiers": "200: 300; 180: 100", "position": "50", "active": "on"},
    )  # fmt: skip
    assert saved.status_code == 302, saved.content.decode()[:2000]
    rule = ScorecardRule.objects.get(name="催收动作奖励")
    assert rule.tiers == [["200", "300"], ["180", "100"]]
    bad = manager.post(
        "/scorecards/rules/save/",
        {"name": "坏规则", "metric": "actions_done", "kind": "tiered", "comparison": "gte",
         "tiers": "200 300", "position": "50"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert not ScorecardRule.objects.filter(name="坏规则").exists()
    target = manager.post(
        "/scorecards/targets/save/", {"metric": "actions_done", "person": "zhao", "value": "150"}
    )
    assert target.status_code == 302
    assert "zhao" in manager.get("/scorecards/rules/").content.decode()
    assert (
        web(people["zhao"]).post("/scorecards/targets/save/", {"metric": "actions_done"}).status_code == 403
    )


def test_the_scorecard_pages_in_chinese_show_no_english_word(people):
    run = scorecard_run(month=MONTH)
    with translation.override("zh-hans"):
        manager = web(people["cm_sun"], "zh-hans")
        allowed = ALLOWED | data_words()
        found = {}
        for page in (
            f"/scorecards/?month={MONTH}",
            "/scorecards/rules/",
            f"/approvals/{run.approval_number}/",
        ):
            response = manager.get(page)
            assert response.status_code == 200, page
            words = english_words(response.content.decode(), allowed)
            if words:
                found[page] = sorted(words)
        assert not found, found
        text = manager.get(f"/scorecards/?month={MONTH}").content.decode()
        assert "回款率" in text and "回款率阶梯奖金" in text

"""The reports through every door: the web page (charts, tables, Chinese only, downloads), the
API (the same JSON as the command line, schedules written by the roles that may) and
``huikuan report``. The distributor's ledger of tests/api/conftest.py, in the spring of 2024."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management.base import CommandError
from openpyxl import load_workbook

from huikuan.finance.models import ReportSchedule
from tests.api.conftest import api_as  # noqa: F401 - fixture
from tests.test_chinese_pages import ALLOWED, data_words, english_words

MONTH = {"month": "2024-04"}


def test_each_report_page_shows_charts_tables_and_downloads(web_as):
    client = web_as("credit_manager")
    index = client.get("/reports/")
    assert index.status_code == 200
    for kind in ("daily", "weekly", "monthly", "annual"):
        assert f'href="/reports/{kind}/"' in index.content.decode()
    queries = {
        "daily": {"day": "2024-04-20"},
        "weekly": {"day": "2024-04-28"},
        "monthly": MONTH,
        "annual": {"year": "2024"},
        "special": {"customer": "HZ001", "day": "2024-04-30"},
    }
    allowed = ALLOWED | data_words()
    for kind, query in queries.items():
        page = client.get(f"/reports/{kind}/", query)
        html = page.content.decode()
        assert page.status_code == 200, (kind, html[:500])
        assert html.count('<img class="report-chart" src="data:image/svg+xml;base64,') >= 1, kind
        assert 'id="download-pdf"' in html and "<table" in html
        assert not english_words(html, allowed), (kind, english_words(html, allowed))
    daily = client.get("/reports/daily/", queries["daily"]).content.decode()
    assert "60,000.00" in daily and "HK-001" in daily  # 湖畔机电's receipt of the day


def test_the_pdf_and_xlsx_are_drawn_by_a_queued_task_then_downloaded(
    web_as, django_capture_on_commit_callbacks
):
    client = web_as("auditor", "en")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get("/reports/monthly.pdf", MONTH)
    assert waiting.status_code == 202 and "being prepared" in waiting.content.decode()
    pdf = client.get("/reports/monthly.pdf", MONTH)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert 'filename="monthly-report-2024-04.pdf"' in pdf["Content-Disposition"]
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/reports/monthly.xlsx", MONTH)
    book = load_workbook(io.BytesIO(client.get("/reports/monthly.xlsx", MONTH).content))
    assert "Aging by credit class" in book.sheetnames
    assert client.get("/reports/nothing.pdf").status_code == 404


def test_who_may_read_and_schedule(web_as):
    assert web_as("collector_wang").get("/reports/monthly/", MONTH).status_code == 403
    assert web_as("customer_contact").get("/reports/").status_code == 403
    refused = web_as("auditor").post(
        "/reports/schedules/", {"kind": "daily", "roles": ["cfo"], "language": "en"}
    )
    assert refused.status_code == 403
    saved = web_as("credit_manager").post(
        "/reports/schedules/",
        {
            "kind": "weekly",
            "roles": ["cfo"],
            "addresses": "boss@example.com",
            "language": "zh-hans",
            "enabled": "on",
        },
    )
    assert saved.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.kind, schedule.recipient_roles, schedule.recipient_addresses) == (
        "weekly",
        ["cfo"],
        ["boss@example.com"],
    )
    bad = web_as("credit_manager").post("/reports/schedules/", {"kind": "daily", "language": "en"})
    assert bad.status_code == 400  # nobody to send it to


def test_the_api_gives_what_the_command_line_prints(api_as, huikuan):  # noqa: F811
    api = api_as("auditor").get("/api/reports/monthly/", MONTH)
    assert api.status_code == 200
    printed = huikuan("report", "monthly", "--month", "2024-04", "--json").json()
    assert api.json() == printed
    assert printed["balance"]["receivables"] == api.json()["balance"]["receivables"]
    assert api_as("auditor").get("/api/reports/special/").status_code == 400
    assert api_as("collector_wang").get("/api/reports/daily/").status_code == 403
    created = api_as("credit_manager").post(
        "/api/reports/schedules/", {"kind": "annual", "recipient_roles": ["cfo", "president"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["language"] == "zh-hans"
    assert api_as("auditor").get("/api/reports/schedules/").json()[0]["kind"] == "annual"
    assert api_as("auditor").delete(f"/api/reports/schedules/{created.json()['id']}/").status_code == 403


def test_the_command_line_writes_the_files(huikuan, ledger, tmp_path):
    pdf, xlsx = tmp_path / "m.pdf", tmp_path / "m.xlsx"
    done = huikuan("report", "monthly", "--month", "2024-04", "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert done.code == 0 and pdf.read_bytes()[:4] == b"%PDF" and xlsx.stat().st_size > 0
    text = huikuan(
        "report", "special", "--customer", "HZ001", "--date", "2024-04-30", "--language", "en"
    ).stdout
    assert "Special report: HZ001" in text and re.search(r"YS-0301", text)
    with pytest.raises(CommandError, match="one customer"):
        huikuan("report", "special")


def test_the_provision_by_risk_segment_when_the_setting_says_so(web_as, api_as, huikuan):  # noqa: F811
    from huikuan.core.policy import policy_value

    manager = web_as("credit_manager")
    settings_page = manager.get("/credit/settings/").content.decode()
    # A list of the segmentations in words, not a code to type; not set: one matrix.
    assert '<select name="v:PROVISION_SEGMENT_BY">' in settings_page
    assert '<option value="" selected>全体客户使用同一矩阵</option>' in settings_page
    assert '<option value="risk">按风险分层（优质、普通、高风险）</option>' in settings_page
    saved = manager.post("/credit/settings/PROVISION_SEGMENT_BY/", {"v:PROVISION_SEGMENT_BY": "risk"})
    assert saved.status_code == 302 and policy_value("PROVISION_SEGMENT_BY") == "risk"
    api = api_as("auditor").get("/api/reports/monthly/", MONTH)
    assert api.status_code == 200
    provision = api.json()["provision"]
    assert provision["by"] == "risk" and provision["banded_by_heuristic"] > 0
    assert api.json() == huikuan("report", "monthly", "--month", "2024-04", "--json").json()
    page = manager.get("/reports/monthly/", MONTH).content.decode()
    assert "损失率按风险分层分别计算。" in page and "按信用等级经验规则分层的客户（无风险评分）" in page
    # Each band's rates by bucket, in words, on the page (the same rows as the API's matrix).
    assert "按风险分层的损失率" in page
    words = {"premium": "优质", "normal": "普通", "high_risk": "高风险"}
    bands = {row["segment"] for row in provision["matrix"]}
    assert bands and all(f"<td>{words[band]}</td>" in page for band in bands)
    by_risk = huikuan("provision", "--as-of", "2024-04-30", "--json").json()
    assert by_risk["by"] == "risk" and {row["segment"] for row in by_risk["matrix"]} <= {
        "premium",
        "normal",
        "high_risk",
    }
    assert provision["provision"] == by_risk["total"]["provision"]

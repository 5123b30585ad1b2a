"""The KPIs page: the same figures as ``huikuan kpi``, a trend chart drawn on the server from
the months the ``kpi_trend`` job stored (a request never computes a month of the trend)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.core.models import QueuedTask
from huikuan.finance import kpi_trend
from huikuan.finance.models import KpiMonth
from huikuan.jobs.services import job_run


def test_the_page_shows_the_cli_figures_and_a_trend(web_as, huikuan):
    job_run(name="kpi_trend", date=date(2024, 6, 30))
    page = web_as("auditor", "en").get(
        "/kpis/", {"first": "2024-04-01", "last": "2024-06-30", "by": "department"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    printed = huikuan(
        "kpi", "--from", "2024-04-01", "--to", "2024-06-30", "--by", "department", "--json"
    ).json()
    for row in printed["rows"]:
        assert f"<td>{row['key']}</td>" in html
    assert f'<td class="num">{printed["total"]["overdue_ratio"]}</td>' in html
    assert "<polyline" in html and "2024-06" in html and "2024-01" in html


def test_chinese_page_and_who_may_see_it(web_as):
    page = web_as("credit_manager").get(
        "/kpis/", {"first": "2024-04-01", "last": "2024-06-30", "by": "company"}
    )
    assert page.status_code == 200 and "回款率" in page.content.decode()
    assert web_as("collector_wang").get("/kpis/").status_code == 403
    bad = web_as("auditor", "en").get(
        "/kpis/", {"first": "2024-06-30", "last": "2024-04-01", "by": "company"}
    )
    assert bad.status_code == 400 and "after it ends" in bad.content.decode()


def test_months_not_stored_are_queued_not_computed_in_the_request(web_as, monkeypatch, huikuan):
    def refused(**_kwargs):
        raise AssertionError("the request computed a month of the trend")

    monkeypatch.setattr(kpi_trend, "kpi_report", refused)
    client = web_as("auditor", "en")
    page = client.get("/kpis/", {"first": "2024-04-01", "last": "2024-06-30", "by": "company"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="trend-pending"' in html and "2024-01, 2024-02" in html
    queued = QueuedTask.objects.filter(func=kpi_trend.TASK)
    assert [task.kwargs for task in queued] == [{"last_day": "2024-06-30", "months": 13}]
    client.get("/kpis/", {"first": "2024-04-01", "last": "2024-06-30", "by": "company"})
    assert queued.count() == 1  # asked again while waiting: not queued twice
    monkeypatch.undo()
    kpi_trend.kpi_months_refresh_task(**queued.get().kwargs)
    june = KpiMonth.objects.get(month=date(2024, 6, 1))
    printed = huikuan("kpi", "--from", "2024-06-01", "--to", "2024-06-30", "--json").json()
    assert june.figures["dso"] == printed["total"]["dso"]
    html = client.get(
        "/kpis/", {"first": "2024-04-01", "last": "2024-06-30", "by": "company"}
    ).content.decode()
    assert 'id="trend-pending"' not in html and "<polyline" in html


@pytest.mark.parametrize("day", [date(2024, 6, 12)])
def test_the_month_in_course_is_stored_up_to_its_day_and_redone_the_next_day(db, day):
    kpi_trend.kpi_months_refresh(last_day=day)
    assert KpiMonth.objects.count() == kpi_trend.STORED_MONTHS == 13
    assert KpiMonth.objects.get(month=date(2024, 6, 1)).last_day == day
    assert kpi_trend.kpi_trend(last_day=day).missing == []
    # The next day the month in course is missing until the job runs again; closed months stand.
    assert kpi_trend.kpi_trend(last_day=date(2024, 6, 13)).missing == ["2024-06"]
    trend = kpi_trend.kpi_trend(last_day=day)
    assert all(value is None or isinstance(value, Decimal) for value in trend.series("dso"))


def test_the_monthly_reports_trend_reads_stored_months_and_computes_the_rest(db, monkeypatch):
    from huikuan.finance.reports import monthly

    fresh = monthly.month_trend(last_day=date(2024, 5, 31), months=6)
    kpi_trend.kpi_months_refresh(last_day=date(2024, 6, 30))  # May and before, closed: stored
    computed = []
    real = kpi_trend.month_figures
    monkeypatch.setattr(monthly, "month_figures", lambda a, b: computed.append(a) or real(a, b))
    assert monthly.month_trend(last_day=date(2024, 5, 31), months=6) == fresh
    assert computed == []
    monthly.month_trend(last_day=date(2024, 6, 15), months=2)  # June up to the 15th: not stored
    assert computed == [date(2024, 6, 1)]

"""The KPIs page: the same figures as ``huikuan kpi``, a trend chart drawn on the server."""

from __future__ import annotations


def test_the_page_shows_the_cli_figures_and_a_trend(web_as, huikuan):
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

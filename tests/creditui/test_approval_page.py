"""An order-release request read by its approver: sentences, formatted figures, a link to the
order, and two buttons that do not look alike. Today is 2 April 2026."""

from __future__ import annotations

import re

import pytest

from huikuan.credit.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def release_request(web_as, march) -> str:
    web_as("sales_zhang").post(
        "/credit/customers/HZ001/order/",
        {"order-number": "SO-1", "order-order_date": "2026-04-02", "order-amount": "450000.00"},
    )
    web_as("sales_zhang").post("/credit/orders/SO-1/release/", {"reason": "key project"})
    return Order.objects.get(number="SO-1").release_approval_number


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_approver_reads_each_reason_as_a_sentence_with_formatted_figures(
    web_as, release_request, language
):
    page = web_as("cm_sun", language).get(f"/approvals/{release_request}/").content.decode()
    reasons = re.search(r'<ul class="reasons" id="reasons">(.*?)</ul>', page, re.S).group(1)
    sentences = re.findall(r"<li>(.*?)</li>", reasons)
    assert len(sentences) >= 2
    # Amounts with thousands separators and the currency, not 450000.00 or a dict.
    assert re.search(r"\d{1,3}(,\d{3})+\.\d{2} CNY", reasons)
    assert not re.search(r"\d{4,}\.\d{2}", reasons)
    for raw in ("order_number", "{&#x27;", "[{", "order:SO-1", "credit_limit", "&#x27;figures&#x27;"):
        assert raw not in page
    assert re.search(r'<a href="/credit/orders/SO-1/" id="subject">SO-1</a>', page)
    if language == "zh-hans":
        assert "超出信用额度" in reasons


def test_approve_and_reject_are_different_buttons(web_as, release_request):
    page = web_as("cm_sun", "zh-hans").get(f"/approvals/{release_request}/").content.decode()
    assert re.search(r'<button type="submit" name="decision" value="approve" class="approve">', page)
    assert re.search(r'<button type="submit" name="decision" value="reject" class="reject">', page)


def test_the_order_page_words_its_reasons_in_the_readers_language(web_as, release_request):
    chinese = web_as("sales_zhang", "zh-hans").get("/credit/orders/SO-1/").content.decode()
    english = web_as("sales_zhang", "en").get("/credit/orders/SO-1/").content.decode()
    assert "超出信用额度" in chinese and "exceeds the credit limit" in english
    assert re.search(r"\d{1,3}(,\d{3})+\.\d{2} CNY", english)

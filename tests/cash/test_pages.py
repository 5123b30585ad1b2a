"""The workbench page and its forms, through Django's test client: what an accountant sees,
what one post does, and what a collector or a customer user may not do."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huikuan.cash.models import LineStatus
from huikuan.ledger.models import Invoice, Payment
from tests.cash.conftest import proposal
from tests.web.conftest import web_as  # noqa: F401 - fixture

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_queue_shows_review_first_with_candidates_and_reasons_in_chinese(web_as, bank_line):  # noqa: F811
    bank_line("3.00", proposal("unmatched"), payer_name="不明付款人")
    bank_line(
        "60000.00",
        proposal(
            "review",
            "HZ001",
            [("YS-0301", "60000.00")],
            confidence="0.85",
            reasons=["备注中有发票号 YS-0301"],
        ),
    )
    page = web_as("credit_manager").get("/cash/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "回款核销" in html or "现金" in html
    assert html.index("60,000.00") < html.index("不明付款人")
    assert "备注中有发票号 YS-0301" in html and "85%" in html
    assert 'id="count-review">1<' in html and 'id="count-unmatched">1<' in html
    # The lines decided, as a count and in the status list: not the approvals page's date word.
    assert "已处理 <strong" in html and ">已处理</option>" in html and "审批完成时间" not in html


def test_one_post_accepts_and_the_row_comes_back_decided(web_as, bank_line):  # noqa: F811
    line = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    response = web_as("credit_manager").post(f"/cash/lines/{line.pk}/accept/", {"rank": "0"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-outcome="decided"' in html and "button" in html and "undo" in html
    assert response["HX-Trigger"] == "cash-decided"
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("0.00")
    assert "处理人" in html and "截至" not in html  # "decided by", not the date word "by"


def test_a_line_the_matcher_applied_says_so_in_chinese(web_as, bank_line):  # noqa: F811
    from huikuan.cash.services import lines_apply_automatically

    line = bank_line(
        "60000.00", proposal("auto", "HZ001", [("YS-0301", "60000.00")], reasons=["备注中有发票号 YS-0301"])
    )
    lines_apply_automatically(lines=[line])
    html = web_as("credit_manager").get("/cash/", {"status": "auto"}).content.decode()
    assert "处理人 自动匹配" in html and "matcher" not in html
    # Why it was applied without a person, for whoever checks it afterwards.
    assert "备注中有发票号 YS-0301" in html


def test_a_refusal_comes_back_in_the_row_and_posts_nothing(web_as, bank_line):  # noqa: F811
    line = bank_line("100.00")
    response = web_as("credit_manager").post(
        f"/cash/lines/{line.pk}/split/",
        {"customer": "HZ001", "invoice": ["YS-0304"], "amount": ["100.00"]},
        **HTMX,
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert "YS-0304" in response.content.decode()
    assert not Payment.objects.filter(reference=f"BANK-{line.pk}").exists()


def test_apply_without_invoices_puts_all_on_account_and_not_customer_and_undo(web_as, bank_line):  # noqa: F811
    browser = web_as("credit_manager")
    line = bank_line("500.00")
    browser.post(f"/cash/lines/{line.pk}/split/", {"customer": "成都锦江贸易有限公司"}, **HTMX)
    assert Payment.objects.get(reference=f"BANK-{line.pk}").customer.code == "CD003"
    browser.post(f"/cash/lines/{line.pk}/undo/", {}, **HTMX)
    assert not Payment.objects.filter(reference=f"BANK-{line.pk}").exists()
    response = browser.post(f"/cash/lines/{line.pk}/not-customer/", {})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.NOT_CUSTOMER


def test_customer_search_lists_codes_and_names(web_as, ledger):  # noqa: F811
    html = web_as("credit_manager").get("/cash/customers/", {"customer": "锦江"}).content.decode()
    assert '<option value="CD003">成都锦江贸易有限公司</option>' in html


@pytest.mark.parametrize("who", ["collector_wang", "auditor"])
def test_readers_see_the_page_without_decision_buttons(web_as, bank_line, who):  # noqa: F811
    bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    html = web_as(who).get("/cash/").content.decode()
    assert "60,000.00" in html and "accept-top" not in html


def test_a_collector_does_not_see_lines_of_others_or_without_a_customer(web_as, bank_line):  # noqa: F811
    bank_line("1111.00", proposal("review", "CD003", []))
    bank_line("2222.00", proposal("unmatched"))
    bank_line("3333.00", proposal("review", "HZ001", []))
    html = web_as("collector_wang").get("/cash/").content.decode()
    assert "3,333.00" in html and "1,111.00" not in html and "2,222.00" not in html


def test_receipts_the_matcher_set_aside_can_be_listed_and_still_applied(web_as, bank_line):  # noqa: F811
    line = bank_line(
        "60000.00",
        proposal("ignored", reasons=["付款账户是本公司自己的账户：这是本公司账户之间的划转，不是客户回款。"]),
        payer_name="杭州湖畔机电有限公司",
    )
    client = web_as("credit_manager")
    assert "60,000.00" not in client.get("/cash/").content.decode()
    html = client.get("/cash/?status=ignored").content.decode()
    assert "60,000.00" in html and "本公司账户之间的划转" in html
    answer = client.post(
        f"/cash/lines/{line.pk}/split/",
        {"customer": "HZ001", "invoice": ["YS-0301"], "amount": ["60000.00"]},
        **HTMX,
    )
    assert answer.status_code == 200
    line.refresh_from_db()
    assert line.status == LineStatus.APPLIED
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("0.00")

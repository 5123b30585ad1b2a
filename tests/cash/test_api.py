"""The workbench's decisions through the API: the same services, the caller's scope, the
same refusals as on the page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huikuan.cash.models import LineStatus
from huikuan.ledger.models import Invoice
from tests.api.conftest import api_as  # noqa: F401 - fixture
from tests.cash.conftest import proposal


def test_the_queue_lists_review_before_unmatched_with_the_candidates(api_as, bank_line):  # noqa: F811
    unmatched = bank_line("10.00", proposal("unmatched"))
    review = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    response = api_as("credit_manager").get("/api/cash/lines/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [review.pk, unmatched.pk]
    assert rows[0]["proposal"]["allocations"] == [{"invoice_number": "YS-0301", "amount": "60000.00"}]
    assert rows[0]["amount"] == "60000.00" and rows[0]["customer_code"] == "HZ001"
    only = api_as("credit_manager").get("/api/cash/lines/", {"status": "unmatched"}).json()["results"]
    assert [row["id"] for row in only] == [unmatched.pk]


def test_a_collector_sees_only_lines_proposed_for_his_customers(api_as, bank_line):  # noqa: F811
    wang = bank_line("1.00", proposal("review", "HZ001", []))
    zhao = bank_line("2.00", proposal("review", "CD003", []))
    nobody = bank_line("3.00", proposal("unmatched"))
    seen = lambda who: {row["id"] for row in api_as(who).get("/api/cash/lines/").json()["results"]}  # noqa: E731
    assert seen("collector_wang") == {wang.pk}
    assert seen("collector_zhao") == {zhao.pk}
    assert seen("credit_manager") == {wang.pk, zhao.pk, nobody.pk}
    assert api_as("collector_wang").get(f"/api/cash/lines/{nobody.pk}/").status_code == 404


def test_accept_then_undo_through_the_api(api_as, bank_line):  # noqa: F811
    line = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    client = api_as("credit_manager")
    accepted = client.post(f"/api/cash/lines/{line.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["posted"] is True
    assert accepted.json()["line"]["decision"]["payment_reference"] == f"BANK-{line.pk}"
    again = client.post(f"/api/cash/lines/{line.pk}/accept/", {}, format="json")
    assert again.json()["posted"] is False
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("0.00")
    undone = client.post(f"/api/cash/lines/{line.pk}/undo/", {"reason": "错了"}, format="json")
    assert undone.status_code == 200 and undone.json()["line"]["status"] == LineStatus.REVIEW
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("60000.00")


def test_split_write_off_on_account_and_not_customer(api_as, bank_line):  # noqa: F811
    client = api_as("credit_manager")
    split = bank_line("70000.00")
    response = client.post(
        f"/api/cash/lines/{split.pk}/split/",
        {"customer_code": "HZ001", "allocations": [{"invoice_number": "YS-0302", "amount": "50000.00"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["line"]["decision"]["on_account"] == "20000.00"

    short = bank_line("59990.00")
    response = client.post(
        f"/api/cash/lines/{short.pk}/write-off/",
        {"customer_code": "HZ001", "invoice_number": "YS-0301", "reason": ""},
        format="json",
    )
    assert response.status_code == 400  # the reason is required
    response = client.post(
        f"/api/cash/lines/{short.pk}/write-off/",
        {"customer_code": "HZ001", "invoice_number": "YS-0301", "reason": "手续费"},
        format="json",
    )
    assert response.json()["line"]["decision"]["write_offs"][0]["amount"] == "10.00"

    too_much = bank_line("100.00")
    response = client.post(
        f"/api/cash/lines/{too_much.pk}/split/",
        {"customer_code": "CD003", "allocations": [{"invoice_number": "YS-0304", "amount": "100.01"}]},
        format="json",
    )
    assert response.status_code == 409 and "more than the receipt" in response.json()["detail"]

    on_account = bank_line("5.00")
    response = client.post(
        f"/api/cash/lines/{on_account.pk}/on-account/", {"customer_code": "CD003"}, format="json"
    )
    assert response.json()["line"]["status"] == LineStatus.APPLIED

    interest = bank_line("0.50")
    response = client.post(f"/api/cash/lines/{interest.pk}/not-customer/", {"reason": "利息"}, format="json")
    assert response.json()["line"]["status"] == LineStatus.NOT_CUSTOMER


@pytest.mark.parametrize("who", ["collector_wang", "auditor", "sales_zhang"])
def test_readers_decide_nothing(api_as, bank_line, who):  # noqa: F811
    line = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    assert api_as(who).post(f"/api/cash/lines/{line.pk}/accept/", {}, format="json").status_code == 403
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("60000.00")

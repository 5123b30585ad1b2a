"""Reading the ledger through the API: records by their business keys, amounts as decimal
strings, pages, filters and ordering, and a fixed number of queries per page."""

from __future__ import annotations

import pytest

from huikuan.api.pagination import Pages
from huikuan.ledger.models import Invoice
from tests.api.conftest import keys


@pytest.fixture
def manager(api_as):
    return api_as("credit_manager")


def test_customers_are_listed_and_fetched_by_code(manager):
    assert keys(manager.get("/api/customers/"), "code") == ["CD003", "HZ001", "SG005", "SZ002"]
    hupan = manager.get("/api/customers/HZ001/").json()
    assert hupan["name"] == "杭州湖畔机电有限公司"
    assert hupan["credit_limit"] == "500000.00"
    assert hupan["collector"] == "collector_wang"
    assert manager.get("/api/customers/NOPE/").status_code == 404


def test_invoices_carry_their_open_balance_as_decimal_strings(manager):
    invoice = manager.get("/api/invoices/YS-0301/").json()
    assert invoice["customer"] == "HZ001"
    assert invoice["amount"] == "100000.00"
    assert invoice["applied_amount"] == "40000.00"
    assert invoice["open_amount"] == "60000.00"
    assert manager.get("/api/invoices/YS-0305/").json()["fx_rate"] == "7.100000"
    by_date = ["YS-0301", "YS-0302", "YS-0303", "YS-0304", "YS-0305", "YS-0401"]
    assert keys(manager.get("/api/invoices/?ordering=invoice_date,number"), "number") == by_date
    # By default in the order recorded, straight off the primary key.
    assert keys(manager.get("/api/invoices/"), "number") == by_date


def test_payments_allocations_and_credit_notes_by_their_keys(manager):
    payment = manager.get("/api/payments/HK-001/").json()
    assert (payment["customer"], payment["allocated_amount"], payment["unallocated_amount"]) == (
        "HZ001",
        "40000.00",
        "20000.00",
    )
    assert manager.get("/api/payments/HK-003/").json()["customer"] is None
    (allocation,) = manager.get("/api/allocations/").json()["results"]
    assert {k: v for k, v in allocation.items() if k != "created_at"} == {
        "payment": "HK-001",
        "invoice": "YS-0301",
        "customer": "HZ001",
        "amount": "40000.00",
        "allocation_date": "2024-04-20",
    }
    note = manager.get("/api/credit-notes/CN-001/").json()
    assert (note["customer"], note["invoice"], note["amount"]) == ("CD003", "YS-0304", "2000.00")
    assert manager.get("/api/credit-notes/CN-002/").json()["invoice"] is None


def test_pages_are_numbered_and_sized_by_the_client_up_to_500(manager):
    first = manager.get("/api/invoices/", {"page_size": 4}).json()
    assert first["count"] == 6
    assert [i["number"] for i in first["results"]] == ["YS-0301", "YS-0302", "YS-0303", "YS-0304"]
    second = manager.get(first["next"]).json()
    assert [i["number"] for i in second["results"]] == ["YS-0305", "YS-0401"]
    assert second["next"] is None
    assert manager.get("/api/invoices/", {"page": 9}).status_code == 404
    assert manager.get("/api/invoices/", {"page_size": 100000}).json()["count"] == 6
    assert Pages.max_page_size == 500


def test_invoices_filter_by_customer_open_dates_and_overdue_days(manager):
    assert keys(manager.get("/api/invoices/", {"customer": "HZ001"}), "number") == ["YS-0301", "YS-0302"]
    assert keys(
        manager.get("/api/invoices/", {"invoice_date_from": "2024-03-03", "invoice_date_to": "2024-03-05"}),
        "number",
    ) == ["YS-0303", "YS-0304", "YS-0305"]
    assert keys(manager.get("/api/invoices/", {"due_date_from": "2024-05-06"}), "number") == [
        "YS-0302",
        "YS-0401",
    ]
    # As of 30 June, more than 60 days overdue: due before 1 May and still open.
    assert keys(manager.get("/api/invoices/", {"as_of": "2024-06-30", "overdue_days": 60}), "number") == [
        "YS-0303",
        "YS-0304",
        "YS-0305",
    ]
    assert keys(manager.get("/api/invoices/", {"as_of": "2024-06-30", "overdue_days": 0}), "number") == [
        "YS-0301",
        "YS-0302",
        "YS-0303",
        "YS-0304",
        "YS-0305",
        "YS-0401",
    ]
    assert len(keys(manager.get("/api/invoices/", {"open": "true"}), "number")) == 6


def test_open_filter_tells_invoices_paid_in_full_from_the_rest(manager):
    created = manager.post(
        "/api/allocations/", {"payment": "HK-002", "invoice": "YS-0401", "amount": "8000.50"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert keys(manager.get("/api/invoices/", {"customer": "CD003", "open": "false"}), "number") == [
        "YS-0401"
    ]
    assert keys(manager.get("/api/invoices/", {"customer": "CD003", "open": "true"}), "number") == ["YS-0304"]
    assert keys(manager.get("/api/payments/", {"open": "true"}), "reference") == [
        "HK-001",
        "HK-002",
        "HK-003",
    ]
    assert manager.get("/api/payments/HK-002/").json()["unallocated_amount"] == "1999.50"


def test_bad_filter_values_are_named_in_a_400(manager):
    response = manager.get("/api/invoices/", {"invoice_date_from": "30/06/2024"})
    assert response.status_code == 400
    assert "invoice_date_from" in response.json()


def test_an_aging_as_of_a_date_outside_the_business_range_is_refused_not_a_500(manager):
    # Found by the fuzzer: 0001-01-01 less 360 days is no date, and that was an OverflowError.
    # Business dates now have a range (huikuan.core.limits): outside it is a 400 naming the field.
    for basis in ("due", "invoice"):
        response = manager.get("/api/aging/", {"as_of": "0001-01-01", "basis": basis})
        assert response.status_code == 400, response.content
        assert "as_of" in response.json()


def test_overdue_days_further_back_than_the_calendar_find_nothing(manager):
    # More days than date arithmetic can take was an OverflowError, hence a 500.
    for query in ({"overdue_days": "99999999999"}, {"as_of": "0001-01-01", "overdue_days": 1}):
        assert keys(manager.get("/api/invoices/", query), "number") == []


def test_a_key_with_a_nul_character_names_no_record(manager):
    # Found by the fuzzer on PostgreSQL, whose text cannot hold NUL: the lookups were 500s.
    for url in ("/api/customers/HZ%00/", "/api/invoices/YS-0301%00/", "/api/payments/%00/"):
        assert manager.get(url).status_code == 404
    allocation = {"payment": "HK-002\x00", "invoice": "YS-0401", "amount": "1.00"}
    response = manager.post("/api/allocations/", allocation, format="json")
    assert response.status_code == 400 and "payment" in response.json()
    invoice = {"customer": "HZ001\x00", "number": "X-1", "invoice_date": "2024-07-01", "amount": "1.00"}
    response = manager.post("/api/invoices/", invoice, format="json")
    assert response.status_code == 400 and "customer" in response.json()
    response = manager.post(
        "/api/customers/", {"code": "NUL1", "name": "n"}, format="json", HTTP_IDEMPOTENCY_KEY="k\x00"
    )
    assert response.status_code == 422


def test_lists_are_ordered_on_request(manager):
    by_amount = keys(manager.get("/api/invoices/", {"ordering": "-amount"}), "number")
    assert by_amount[:2] == ["YS-0301", "YS-0303"]
    assert keys(manager.get("/api/customers/", {"ordering": "-code"}), "code")[0] == "SZ002"
    assert keys(manager.get("/api/payments/", {"ordering": "-payment_date"}), "reference") == [
        "HK-003",
        "HK-002",
        "HK-001",
    ]


@pytest.fixture
def more_rows(ledger, huikuan, tmp_path):
    """Thirty more invoices of 湖畔机电, each part paid by one payment and credited once."""
    files = {
        "invoices": "invoice_number,customer_code,invoice_date,due_date,amount\n"
        + "".join(f"X-{n},HZ001,2024-05-{n:02d},2024-07-{n:02d},1000.00\n" for n in range(1, 31)),
        "payments": "payment_ref,customer_code,payment_date,amount\nHK-100,HZ001,2024-06-01,30000.00\n",
        "allocations": "payment_ref,invoice_number,amount\n"
        + "".join(f"HK-100,X-{n},100.00\n" for n in range(1, 31)),
        "credit-notes": "credit_note_number,customer_code,invoice_number,date,amount\n"
        + "".join(f"CN-X-{n},HZ001,X-{n},2024-06-02,50.00\n" for n in range(1, 31)),
    }
    for kind, text in files.items():
        path = tmp_path / f"more-{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = huikuan("import", kind, str(path))
        assert result.code == 0, result.stderr


@pytest.mark.parametrize(
    "url",
    ["/api/customers/", "/api/invoices/", "/api/payments/", "/api/allocations/", "/api/credit-notes/"],
)
def test_list_pages_take_a_fixed_number_of_queries(api_as, url, django_assert_max_num_queries, more_rows):
    """Thirty rows more of every kind on the page, the same queries: none per row (no N+1)."""
    collector = api_as("collector_wang")
    collector.get(url)  # warm the caches (content types, permissions) outside the count
    # Token, user's groups, permissions, the page's count and the page itself.
    with django_assert_max_num_queries(8):
        response = collector.get(url, {"page_size": 500})
    assert response.status_code == 200
    manager = api_as("credit_manager")
    with django_assert_max_num_queries(8):
        assert manager.get(url, {"page_size": 500}).status_code == 200


def test_an_invoice_says_how_it_reached_the_customer_and_the_api_cannot_change_it(manager):
    Invoice.objects.filter(number="YS-0301").update(billing="paper")
    assert manager.get("/api/invoices/YS-0301/").json()["billing"] == "paper"
    assert manager.get("/api/invoices/YS-0302/").json()["billing"] == ""  # not known
    manager.patch("/api/invoices/YS-0301/", {"billing": "electronic"}, format="json")
    assert Invoice.objects.get(number="YS-0301").billing == "paper"

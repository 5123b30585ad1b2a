"""Price approval powers (seed 002 §价格政策): the level at its edges, class C strict and class A
relaxed by setting, the price_approval request that holds back the shipment approval until
approved, and the import and API columns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.credit.flows import order_release_request
from huikuan.credit.models import CheckStatus, Order
from huikuan.credit.pricing import price_level
from huikuan.credit.reasons import reason_sentence
from huikuan.credit.services import order_create, order_release
from tests.credit.conftest import make_customer

D = Decimal
APRIL = date(2026, 4, 10)
# Break-even 100.00, target profit 50.00: the sales manager's line is 100 + 0.80 × 50 = 140.00.
EDGES = [
    (D("140.00"), "sales_manager"),
    (D("139.99"), "department_head"),
    (D("100.00"), "department_head"),
    (D("99.99"), "business_unit_head"),
]


def level(price: Decimal, credit_class: str = "C", rule: str = "strict", share: str = "0.80") -> str:
    return price_level(
        price=price,
        break_even=D("100.00"),
        target_profit=D("50.00"),
        credit_class=credit_class,
        target_share=D(share),
        rule_for_ab=rule,
    )


@pytest.mark.parametrize(("price", "expected"), EDGES)
def test_the_level_at_each_edge(price, expected):
    assert level(price) == expected


def test_the_target_share_is_a_setting():
    assert level(D("125.00"), share="0.50") == "sales_manager"
    assert level(D("124.99"), share="0.50") == "department_head"


@pytest.mark.parametrize("credit_class", ["C", "D"])
def test_class_c_and_d_stay_strict_when_a_b_is_relaxed(credit_class):
    assert level(D("100.00"), credit_class, rule="relaxed") == "department_head"


def test_class_a_relaxed_gives_the_sales_manager_everything_from_break_even():
    assert level(D("100.00"), "A", rule="strict") == "department_head"
    assert level(D("100.00"), "A", rule="relaxed") == "sales_manager"
    assert level(D("99.99"), "A", rule="relaxed") == "business_unit_head"


@pytest.fixture
def as_user(people):
    def client(name: str) -> APIClient:
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.force_authenticate(people[name])
        return api

    return client


@pytest.fixture
def roomy(db, people):
    """Class C and A customers with room under their limits and nothing overdue."""
    return {
        cls: make_customer(
            f"PR-{cls}", credit_class=cls, credit_limit=D("1000000.00"), salesperson="sales_zhang"
        )
        for cls in "CA"
    }


def priced(customer, number: str, price: str, **extra) -> Order:
    return order_create(
        number=number,
        customer=customer,
        order_date=APRIL,
        amount=D("1000.00"),
        created_by="sales_zhang",
        price=D(price),
        break_even_price=D("100.00"),
        target_profit=D("50.00"),
        **extra,
    )


def test_a_price_in_the_sales_managers_power_ships_without_approval(roomy):
    order = priced(roomy["C"], "SO-P1", "140.00")
    assert order.price_level == "sales_manager" and order.price_approval_number == ""
    assert order.check_status == CheckStatus.PASSED and order.shipment_approval_number


def test_a_price_below_the_line_waits_for_the_department_head(roomy, people):
    order = priced(roomy["C"], "SO-P2", "139.99")
    assert order.check_status == CheckStatus.BLOCKED and order.shipment_approval_number == ""
    assert [reason["code"] for reason in order.check_reasons] == ["price_pending"]
    reason = order.check_reasons[0]
    assert reason_sentence(code=reason["code"], figures=reason["figures"], currency="CNY") == (
        f"the price needs the approval of the department head: {order.price_approval_number} is pending"
    )
    request = ApprovalRequest.objects.get(number=order.price_approval_number)
    assert request.kind == "price_approval" and request.requested_by == people["sales_zhang"]
    assert [step.name for step in request.steps.all()] == ["department head"]
    # The credit manager cannot release it past its price.
    with pytest.raises(RuleViolation, match="waits for its price approval"):
        order_release_request(order=order, requested_by=people["cm_sun"])
    with pytest.raises(RuleViolation, match="waits for its price approval"):
        order_release(order=order, approval_number="AP-X", on=APRIL)
    approval_decide(request=request, actor=people["dh_ma"], decision="approve")
    order.refresh_from_db()
    assert order.price_approved_by == "dh_ma"
    assert order.check_status == CheckStatus.PASSED and order.shipment_approval_number.startswith("SA-")


def test_a_price_below_break_even_goes_to_the_business_unit_head(roomy, people):
    order = priced(roomy["C"], "SO-P3", "99.99")
    assert order.price_level == "business_unit_head"
    request = ApprovalRequest.objects.get(number=order.price_approval_number)
    assert [step.name for step in request.steps.all()] == ["business unit head"]
    with pytest.raises(RuleViolation, match="decided by"):  # not a department head
        approval_decide(request=request, actor=people["dh_ma"], decision="approve")
    approval_decide(request=request, actor=people["president_zheng"], decision="reject", comment="too low")
    order.refresh_from_db()
    assert order.price_approved_by == "" and order.shipment_approval_number == ""
    assert [reason["code"] for reason in order.check_reasons] == ["price_rejected"]


def test_class_a_relaxed_by_setting_ships_at_break_even(roomy):
    assert priced(roomy["A"], "SO-P4", "100.00").price_approval_number
    policy_set(key="PRICE_APPROVAL_FOR_AB", value="relaxed")
    order = priced(roomy["A"], "SO-P5", "100.00")
    assert order.price_level == "sales_manager" and order.shipment_approval_number
    order = priced(roomy["C"], "SO-P6", "100.00")
    assert order.price_level == "department_head" and not order.shipment_approval_number


def test_the_three_figures_come_together(roomy):
    with pytest.raises(RuleViolation, match="together"):
        order_create(number="SO-P7", customer=roomy["C"], order_date=APRIL, amount=D("1"), price=D("1"))


def test_the_api_takes_the_prices(roomy, as_user):
    response = as_user("sales_zhang").post(
        "/api/credit/orders/",
        {
            "order_number": "SO-P8",
            "customer": "PR-C",
            "order_date": "2026-04-10",
            "amount": "1000.00",
            "price": "99.99",
            "break_even_price": "100.00",
            "target_profit": "50.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["price_level"] == "business_unit_head" and body["price_approval_number"]
    assert body["shipment_approval_number"] == ""


def test_orders_import_reads_the_price_columns(roomy, huikuan, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_number,customer_code,order_date,amount,单价,保本价,目标利润\n"
        "SO-I1,PR-C,2026-04-10,1000.00,140.00,100.00,50.00\n"
        "SO-I2,PR-C,2026-04-10,1000.00,99.99,100.00,50.00\n"
        "SO-I3,PR-C,2026-04-10,1000.00,,,\n",
        encoding="utf-8",
    )
    result = huikuan("import", "orders", str(path), "--json")
    assert result.code == 0, result.stdout + result.stderr
    levels = dict(Order.objects.values_list("number", "price_level"))
    assert levels == {"SO-I1": "sales_manager", "SO-I2": "business_unit_head", "SO-I3": ""}
    assert Order.objects.get(number="SO-I2").price == D("99.99")


def test_an_import_row_with_only_a_price_is_refused(roomy, huikuan, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_number,customer_code,order_date,amount,price\nSO-I4,PR-C,2026-04-10,1000.00,140.00\n",
        encoding="utf-8",
    )
    result = huikuan("import", "orders", str(path), "--json")
    assert result.code == 1
    assert [(e["line"], e["column"]) for e in result.json()["errors"]] == [(2, "price")]


def test_the_order_page_shows_the_level_the_approval_and_who_approved(roomy, people, client):
    order = priced(roomy["C"], "SO-W1", "120.00")
    approval_decide(
        request=ApprovalRequest.objects.get(number=order.price_approval_number),
        actor=people["dh_ma"],
        decision="approve",
    )
    client.force_login(people["cm_sun"])
    html = client.get("/credit/orders/SO-W1/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "价格权限" in html and "部门负责人" in html
    assert order.price_approval_number in html and 'id="price-approved-by">dh_ma<' in html


def test_the_order_form_takes_the_prices(roomy, people, client):
    client.force_login(people["sales_zhang"])
    created = client.post(
        "/credit/customers/PR-C/order/",
        {
            "order-number": "SO-W2",
            "order-order_date": "2026-04-10",
            "order-amount": "1000.00",
            "order-price": "139.99",
            "order-break_even_price": "100.00",
            "order-target_profit": "50.00",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    order = Order.objects.get(number="SO-W2")
    assert order.price_level == "department_head" and order.shipment_approval_number == ""

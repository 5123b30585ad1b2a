"""The Z-score informs the limit: a suggested ceiling by Altman zone, and the next approval step
for an application above it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.policy import policy_set
from huikuan.credit.ceilings import ceiling_for
from huikuan.credit.flows import credit_limit_apply
from huikuan.credit.selectors import limit_ceiling
from huikuan.credit.services import financial_statement_record

D = Decimal
SHARES = {"safe": D("0.20"), "grey": D("0.10"), "distress": D("0.05")}


def _grey_statement(customer):
    # Z′ (private manufacturer) = 0.717×0.1 + 0.847×0.1 + 3.107×0.05 + 0.420×(4/6) + 0.998×1.0
    # = 1.59: between 1.23 and 2.90, the grey zone.
    return financial_statement_record(
        customer=customer,
        statement_date=date(2025, 12, 31),
        kind="private_manufacturer",
        working_capital=D("1000000"),
        retained_earnings=D("1000000"),
        ebit=D("500000"),
        book_equity=D("4000000"),
        total_liabilities=D("6000000"),
        sales=D("10000000"),
        total_assets=D("10000000"),
        currency="CNY",
    )


def _steps(request):
    return list(request.steps.order_by("position").values_list("roles", flat=True))


def test_the_ceiling_is_the_zones_share_of_the_net_worth_and_never_negative(db):
    assert ceiling_for(zone="grey", net_worth=D("4000000"), shares=SHARES) == (D("0.10"), D("400000.00"))
    assert ceiling_for(zone="safe", net_worth=D("1234567.89"), shares=SHARES)[1] == D("246913.58")
    assert ceiling_for(zone="distress", net_worth=D("-500000"), shares=SHARES)[1] == D("0.00")
    assert ceiling_for(zone="grey", net_worth=D("1"), shares={"safe": D("0.2")}) is None


def test_a_grey_customer_has_a_ceiling_of_a_tenth_of_its_net_worth(customers):
    _grey_statement(customers["HZ001"])
    found = limit_ceiling(customer=customers["HZ001"])
    assert (found.zone, found.ceiling, found.statement_date) == ("grey", D("400000.00"), date(2025, 12, 31))
    assert limit_ceiling(customer=customers["NB002"]) is None  # no statement, no ceiling


def test_an_application_above_the_ceiling_needs_the_next_step_and_one_below_does_not(customers, people):
    _grey_statement(customers["HZ001"])
    below = credit_limit_apply(
        customer=customers["HZ001"], amount=D("400000.00"), requested_by=people["sales_zhang"]
    )
    below_request = ApprovalRequest.objects.get(number=below.approval_number)
    assert below_request.payload["above_ceiling"] is False
    assert not any("cfo" in roles for roles in _steps(below_request))
    approval_decide(request=below_request, actor=people["sm_liu"], decision="reject", comment="not now")

    above = credit_limit_apply(
        customer=customers["HZ001"], amount=D("400000.01"), requested_by=people["sales_zhang"]
    )
    request = ApprovalRequest.objects.get(number=above.approval_number)
    assert request.payload["above_ceiling"] is True
    assert request.payload["ceiling"]["ceiling"] == "400000.00"
    steps = _steps(request)
    assert len(steps) == len(_steps(below_request)) + 1
    assert "cfo" in steps[-1]
    assert "400000.00" in request.summary


def test_the_shares_are_a_business_setting(customers, people):
    _grey_statement(customers["HZ001"])
    policy_set(key="CREDIT_LIMIT_CEILING_SHARES", value={**SHARES, "grey": D("0.50")}, updated_by="test")
    assert limit_ceiling(customer=customers["HZ001"]).ceiling == D("2000000.00")
    application = credit_limit_apply(
        customer=customers["HZ001"], amount=D("800000.00"), requested_by=people["sales_zhang"]
    )
    assert ApprovalRequest.objects.get(number=application.approval_number).payload["above_ceiling"] is False


def test_the_credit_page_shows_the_zone_and_the_ceiling_by_the_application_form(customers, people, client):
    _grey_statement(customers["HZ001"])
    client.force_login(people["cm_sun"])
    html = client.get("/credit/customers/HZ001/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "建议额度上限：400,000.00 CNY" in html and "灰色" in html

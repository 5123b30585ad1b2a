"""Market development's items of the monthly classification (seed 002: items 1 and 4 by market
development, 2 and 3 by finance): the industry position and, where the company wants it
(CREDIT_REVENUE_CONFIRMED_BY_MARKET), the revenue contribution, entered or confirmed by the
market-development role. Finance cannot confirm them; the evaluation uses only confirmed values."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.permissions import may
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.credit import figures
from huikuan.credit.models import MarketAssessment, MarketItem
from huikuan.ledger.models import Customer


def _period_last_day(period: str) -> date:
    from huikuan.credit.services import period_bounds

    return period_bounds(period)[1]


def _check_confirmer(user) -> None:
    if not may(user, "market.confirm"):
        raise RuleViolation(
            _(
                "Only market development enters or confirms the industry position and the revenue "
                "contribution; %(user)s may not."
            )
            % {"user": getattr(user, "get_username", lambda: str(user))()}
        )


@transaction.atomic
def industry_position_confirm(
    *, customer: Customer, confirmed_by, on: date, industry_position: str | None = None
) -> MarketAssessment:
    """Market development confirms the customer's industry position (or enters another): in force
    from ``on``; the customer's record takes it."""
    _check_confirmer(confirmed_by)
    position = customer.industry_position if industry_position is None else industry_position
    known = {key for key in policy_value("CREDIT_INDUSTRY_POINTS") if key}
    if position not in known:
        raise RuleViolation(
            _("not an industry position: %(value)r (one of %(known)s)")
            % {"value": position, "known": ", ".join(sorted(known))}
        )
    if customer.industry_position != position:
        customer.industry_position = position
        customer.save(update_fields=["industry_position"])
    return MarketAssessment.objects.create(
        customer=customer,
        item=MarketItem.INDUSTRY,
        industry_position=position,
        confirmed_by=confirmed_by.get_username(),
        confirmed_on=on,
    )


@transaction.atomic
def revenue_contribution_confirm(
    *, customer: Customer, period: str, confirmed_by, on: date, revenue: Decimal | None = None
) -> MarketAssessment:
    """Market development confirms a customer's revenue contribution for a month (the ledger's
    revenue when ``revenue`` is None, else the figure entered, in the functional currency)."""
    _check_confirmer(confirmed_by)
    last = _period_last_day(period)
    if revenue is None:
        first = last.replace(day=1)
        revenue = figures.revenue_by_customer(first_day=first, last_day=last).get(
            customer.pk, (Decimal("0.00"),)
        )[0]
    if not revenue.is_finite() or revenue < 0:
        raise RuleViolation(_("a revenue contribution is an amount of 0 or more"))
    return MarketAssessment.objects.create(
        customer=customer,
        item=MarketItem.REVENUE,
        period=period,
        revenue=revenue,
        confirmed_by=confirmed_by.get_username(),
        confirmed_on=on,
    )


def confirmed_industry(*, customer_ids: Collection[int] | None = None, on: date) -> dict[int, str]:
    """Each customer's industry position as last confirmed on or before ``on`` (unconfirmed: left out)."""
    rows = MarketAssessment.objects.filter(item=MarketItem.INDUSTRY, confirmed_on__lte=on)
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=list(customer_ids))
    confirmed: dict[int, str] = {}
    for customer_id, position in rows.order_by("confirmed_on", "id").values_list(
        "customer_id", "industry_position"
    ):
        confirmed[customer_id] = position
    return confirmed


def confirmed_revenue(*, period: str) -> dict[int, Decimal] | None:
    """Each customer's revenue contribution of ``period`` as last confirmed; None when the company
    does not ask for it (CREDIT_REVENUE_CONFIRMED_BY_MARKET off): the ledger's revenue is used."""
    if not policy_value("CREDIT_REVENUE_CONFIRMED_BY_MARKET"):
        return None
    confirmed: dict[int, Decimal] = {}
    rows = MarketAssessment.objects.filter(item=MarketItem.REVENUE, period=period).order_by(
        "created_at", "id"
    )
    for customer_id, revenue in rows.values_list("customer_id", "revenue"):
        confirmed[customer_id] = revenue
    return confirmed

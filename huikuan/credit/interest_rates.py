"""The rates of the statutory late-payment interest: the dated one-year LPR table and each
customer's contract rate, which may not be below the LPR on the day it was agreed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.credit.interest import Rate, below_lpr, lpr_on
from huikuan.credit.models import ContractInterestRate, LprRate
from huikuan.ledger.models import Customer

# The one-year LPR as published by the National Interbank Funding Center (全国银行间同业拆借中心),
# seeded by the data migration; users add later rows.
PUBLISHED_LPR = (
    (date(2024, 10, 21), Decimal("0.031")),
    (date(2025, 5, 20), Decimal("0.030")),
)
MAX_RATE = Decimal("1")


def lpr_seed(*, apps=None) -> int:
    """Add the published rows missing from the table (a migration's ``apps`` or the installed ones)."""
    from django.apps import apps as global_apps

    model = (apps or global_apps).get_model("credit", "LprRate")
    created = 0
    for start, rate in PUBLISHED_LPR:
        _row, made = model.objects.get_or_create(
            effective_from=start, defaults={"rate": rate, "entered_by": "migration"}
        )
        created += made
    return created


def lpr_table() -> list[tuple[date, Decimal]]:
    return list(LprRate.objects.order_by("effective_from").values_list("effective_from", "rate"))


def _check_rate(rate: Decimal, what: str) -> None:
    if not rate.is_finite() or rate <= 0 or rate >= MAX_RATE:
        raise RuleViolation(
            _("%(what)s is an annual rate as a fraction between 0 and 1 (0.03 for 3%%); got %(rate)s")
            % {"what": what, "rate": rate}
        )


@transaction.atomic
def lpr_rate_add(*, effective_from: date, rate: Decimal, entered_by: str = "") -> LprRate:
    """Add a published one-year LPR from a date; a date already in the table is refused."""
    _check_rate(rate, _("The LPR"))
    if LprRate.objects.filter(effective_from=effective_from).exists():
        raise RuleViolation(
            _("The LPR from %(date)s is already in the table") % {"date": effective_from.isoformat()}
        )
    return LprRate.objects.create(effective_from=effective_from, rate=rate, entered_by=entered_by)


@transaction.atomic
def contract_interest_rate_set(
    *,
    customer: Customer,
    annual_rate: Decimal,
    effective_from: date,
    contract_reference: str = "",
    set_by: str = "",
) -> ContractInterestRate:
    """Record a customer's contractual late-payment rate from the day it was agreed. Refused
    below the one-year LPR in force that day (the regulation's floor)."""
    _check_rate(annual_rate, _("The contract rate"))
    lpr = lpr_on(lpr_table(), effective_from)
    if below_lpr(annual_rate=annual_rate, lpr=lpr):
        raise RuleViolation(
            _(
                "A contract's late-payment rate may not be below the one-year LPR on the day it was "
                "agreed: %(rate)s%% is below %(lpr)s%% (LPR in force on %(date)s)"
            )
            % {
                "rate": f"{annual_rate * 100:.2f}",
                "lpr": f"{lpr * 100:.2f}",
                "date": effective_from.isoformat(),
            }
        )
    if ContractInterestRate.objects.filter(customer=customer, effective_from=effective_from).exists():
        raise RuleViolation(
            _("Customer %(code)s already has a rate agreed on %(date)s")
            % {"code": customer.code, "date": effective_from.isoformat()}
        )
    return ContractInterestRate.objects.create(
        customer=customer,
        annual_rate=annual_rate,
        effective_from=effective_from,
        contract_reference=contract_reference,
        lpr_checked=lpr,
        set_by=set_by,
    )


def statutory_rate() -> Rate:
    return Rate(daily=policy_value("LATE_INTEREST_DAILY_RATE"))


def interest_rates_for(*, customer_ids: Collection[int], on: date) -> dict[int, Rate]:
    """Each customer's rate on ``on``: its contract rate agreed last on or before it, else the
    statutory daily rate."""
    statutory = statutory_rate()
    rates = {customer_id: statutory for customer_id in customer_ids}
    rows = (
        ContractInterestRate.objects.filter(customer_id__in=list(customer_ids), effective_from__lte=on)
        .order_by("customer_id", "effective_from")
        .values_list("customer_id", "annual_rate")
    )
    for customer_id, annual in rows:
        rates[customer_id] = Rate(annual=annual)
    return rates

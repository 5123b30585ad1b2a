"""The rules of a new invoice (SPEC §2, §3): its currency, its exchange rate and its due date.
Pure; no ORM. ``invoice_issue`` and the invoice import both decide through these functions;
the import turns a broken rule into an error on the row's column, the service into a
``RuleViolation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop

from huikuan.ledger.terms import due_date_offset, term_days_for

ONE = Decimal(1)


class InvoiceRuleBroken(ValueError):
    """A rule of the invoice broken by the value of ``field`` (the import's column name).

    ``str()`` is English, as the services' errors are; ``message`` is in the active language,
    for the import's report on the row."""

    def __init__(self, field: str, template: str, **params: Any) -> None:
        super().__init__(f"{field}: {template % params}")
        self.field, self.template, self.params = field, template, params

    @property
    def message(self) -> str:
        return gettext(self.template) % self.params


def invoice_currency(*, given: str, customer_currency: str, functional: str) -> str:
    """The invoice's own currency, else its customer's, else the functional currency."""
    return given or customer_currency or functional


def exchange_rate_for(*, currency: str, functional: str, given: Decimal | None) -> Decimal:
    """The rate to the functional currency: 1 for the functional currency itself (a given rate
    must be 1), the given positive rate for any other."""
    if currency == functional:
        if given is not None and given != ONE:
            raise InvoiceRuleBroken(
                "exchange_rate",
                gettext_noop("must be 1 (or empty) for the functional currency %(currency)s"),
                currency=currency,
            )
        return ONE
    if given is None:
        raise InvoiceRuleBroken(
            "currency",
            gettext_noop(
                "%(currency)s is not the functional currency %(functional)s; give its exchange rate"
            ),
            currency=currency,
            functional=functional,
        )
    if given <= 0:
        raise InvoiceRuleBroken("exchange_rate", gettext_noop("must be above 0"))
    return given


def due_offset_for(
    *, customer_term_days: int | None, credit_class: str, rules: Mapping[str, Any]
) -> timedelta:
    """How long after its invoice date a customer's invoice falls due, by the customer's terms
    (``rules``: the business settings in force, as ``policy_values()`` gives them)."""
    return due_date_offset(
        term_days=term_days_for(
            customer_term_days=customer_term_days,
            credit_class=credit_class,
            term_days_by_class=rules["TERM_DAYS_BY_CLASS"],
            default_term_days=rules["DEFAULT_TERM_DAYS"],
        ),
        term_start_delay_days=rules["TERM_START_DELAY_DAYS"],
    )


def invoice_due_date(*, invoice_date: date, given: date | None, due_offset: timedelta) -> date:
    """The given due date (never before the invoice date), else the one the terms give."""
    if given is None:
        return invoice_date + due_offset
    if given < invoice_date:
        raise InvoiceRuleBroken(
            "due_date", gettext_noop("falls before the invoice date %(date)s"), date=invoice_date
        )
    return given

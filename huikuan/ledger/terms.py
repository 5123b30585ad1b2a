"""Payment terms: when an invoice falls due (SPEC §2, seed 002). Pure; no ORM."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta


def term_days_for(
    *,
    customer_term_days: int | None,
    credit_class: str,
    term_days_by_class: Mapping[str, int],
    default_term_days: int,
) -> int:
    """The customer's own term, else its class's, else the company default."""
    if customer_term_days is not None:
        return customer_term_days
    if credit_class and credit_class in term_days_by_class:
        return term_days_by_class[credit_class]
    return default_term_days


def due_date_offset(*, term_days: int, term_start_delay_days: int) -> timedelta:
    """How long after the invoice date an invoice falls due: term-start delay + term days.

    Seed 002: the credit period starts counting 5 days after the invoice is issued
    (账期计算起始日为开发票5日后), so a 30-day customer invoiced on 1 March pays by 5 April.
    """
    return timedelta(days=term_start_delay_days + term_days)


def due_date_for(*, invoice_date: date, term_days: int, term_start_delay_days: int) -> date:
    """Due = invoice date + term-start delay + term days."""
    return invoice_date + due_date_offset(term_days=term_days, term_start_delay_days=term_start_delay_days)


def term_days_ceiling(
    *, credit_class: str, term_days_by_class: Mapping[str, int], granted_days: int = 0
) -> int | None:
    """The longest term a customer of ``credit_class`` may have (seed 002: terms follow the
    class): its class's term plus the extension days granted to it; None without a class."""
    if not credit_class or credit_class not in term_days_by_class:
        return None
    return term_days_by_class[credit_class] + max(granted_days, 0)


def terms_within_class(
    *,
    term_days: int | None,
    credit_class: str,
    term_days_by_class: Mapping[str, int],
    mode: str,
    granted_days: int = 0,
) -> tuple[int | None, int | None]:
    """A customer's term days checked against its class's term plus the extension days granted
    to it: (the term to keep, the ceiling it passed or None). Within the ceiling (or without a
    class or own term) the term is kept; beyond it, ``mode`` "cap" keeps the ceiling and
    "refuse" keeps nothing (None, ceiling)."""
    ceiling = term_days_ceiling(
        credit_class=credit_class, term_days_by_class=term_days_by_class, granted_days=granted_days
    )
    if term_days is None or ceiling is None or term_days <= ceiling:
        return term_days, None
    return (ceiling if mode == "cap" else None), ceiling

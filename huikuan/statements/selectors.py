"""Reads: periods, whose statement is due, a customer's statements, a link's statement.

period_bounds(*, period: str) -> tuple[date, date]                # "2024-06" → first, last day
schedule_frequency(*, customer) -> str
statements_due(*, day: date) -> list[tuple[Customer, date, date]]
access_statements(*, user) -> QuerySet[AccountStatement]
customer_statements(*, customer) -> QuerySet[AccountStatement]
statement_for_token(*, token: str, now: datetime) -> AccountStatement   # or LinkRefused
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from huikuan.accounts.access import access_customer_scoped
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.limits import date_range
from huikuan.core.policy import policy_value
from huikuan.ledger.models import Customer, CustomerStatus
from huikuan.statements.models import (
    AccountStatement,
    Frequency,
    StatementDifference,
    StatementKind,
    StatementLink,
    StatementSchedule,
    StatementStatus,
)

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_bounds(*, period: str) -> tuple[date, date]:
    """The first and last day of the month ``YYYY-MM``; a clear refusal otherwise."""
    match = _PERIOD.fullmatch(period.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RuleViolation(_("not a month in the form YYYY-MM: %(period)r") % {"period": period})
    first, last = date_range()
    if not first.year <= int(match.group(1)) <= last.year:
        raise RuleViolation(
            _("a month between %(first)s and %(last)s: %(period)r")
            % {"first": first.strftime("%Y-%m"), "last": last.strftime("%Y-%m"), "period": period}
        )
    start = date(int(match.group(1)), int(match.group(2)), 1)
    return start, month_end(start)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def schedule_frequency(*, customer: Customer) -> str:
    """The customer's own schedule, else the default setting."""
    own = StatementSchedule.objects.filter(customer=customer).values_list("frequency", flat=True).first()
    return own or policy_value("STATEMENT_SCHEDULE_DEFAULT")


def _period_ending_before(day: date, frequency: str) -> tuple[date, date] | None:
    """The period a statement sent on ``day`` covers: the month (or quarter) just ended."""
    end = day.replace(day=1) - timedelta(days=1)
    if frequency == Frequency.MONTHLY:
        return end.replace(day=1), end
    if frequency == Frequency.QUARTERLY and day.month in (1, 4, 7, 10):
        return date(end.year, end.month - 2, 1), end
    return None


def statements_due(*, day: date) -> list[tuple[Customer, date, date]]:
    """The customers whose statement of account is due on ``day`` (the send day of the month,
    by their schedule), with its period; those already sent that period's statement and those
    without an email address or closed are left out."""
    if day.day != policy_value("STATEMENT_SEND_DAY"):
        return []
    default = policy_value("STATEMENT_SCHEDULE_DEFAULT")
    own = dict(StatementSchedule.objects.values_list("customer_id", "frequency"))
    customers = Customer.objects.exclude(status=CustomerStatus.CLOSED).exclude(email="").order_by("code")
    due = []
    for customer in customers:
        period = _period_ending_before(day, own.get(customer.pk, default))
        if period is not None:
            due.append((customer, *period))
    sent = set(
        AccountStatement.objects.filter(
            kind=StatementKind.ACCOUNT,
            period_end=day.replace(day=1) - timedelta(days=1),
        )
        .exclude(status=StatementStatus.DRAFT)
        .values_list("customer_id", "period_start")
    )
    return [(customer, start, end) for customer, start, end in due if (customer.pk, start) not in sent]


def _with_details(statements: QuerySet[AccountStatement]) -> QuerySet[AccountStatement]:
    return statements.select_related("customer").prefetch_related(
        "lines",
        Prefetch("differences", queryset=StatementDifference.objects.select_related("line", "dispute")),
    )


def access_statements(*, user) -> QuerySet[AccountStatement]:
    """The statements of the customers ``user`` may see."""
    return _with_details(access_customer_scoped(user=user, queryset=AccountStatement.objects.all()))


def customer_statements(*, customer: Customer) -> QuerySet[AccountStatement]:
    return _with_details(AccountStatement.objects.filter(customer=customer))


class LinkRefused(ApplicationError):
    """A link that cannot be used: ``reason`` is unknown, expired or used."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def link_for_token(*, token: str, now: datetime) -> StatementLink:
    """The link ``token`` opens, if it is still open for an answer; LinkRefused otherwise."""
    link = (
        StatementLink.objects.select_related("statement__customer")
        .filter(token_sha256=token_hash(token))
        .first()
    )
    if link is None:
        raise LinkRefused(_("This link is not valid. Please use the link in our email."), reason="unknown")
    if link.used_at is not None or link.statement.answered:
        raise LinkRefused(_("This statement has already been answered. Thank you."), reason="used")
    if link.expires_at <= now:
        raise LinkRefused(
            _("This link expired on %(day)s. Please ask us for a new one.")
            % {"day": f"{link.expires_at:%Y-%m-%d}"},
            reason="expired",
        )
    return link

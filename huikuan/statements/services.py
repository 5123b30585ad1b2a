"""Writes: make a statement (a snapshot of the ledger), send it with its answer link, the
schedule, and the daily job's sending of the statements due.

    statement_create(*, customer, kind, start, end, created_by) -> AccountStatement
    statement_send(*, statement, again=False, now=None) -> OutboundEmail
    statement_issue(*, customer, kind, start, end, created_by, again=False) -> AccountStatement
    statement_issue_enqueue(*, customer, kind, start, end, created_by, again=False) -> int
    statements_send_due(*, day) -> dict
    schedule_set(*, customer, frequency, updated_by) -> StatementSchedule
    statement_templates_install(*, apps=None) -> int

Sending goes through the correspondence outbox (``email_send``): the email is a row first and
is sent after the commit, retried by the outbox when it fails. Web and API requests never
send: they enqueue :func:`statement_issue_task` (``huikuan.core.tasks``).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps as global_apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.core.tasks import tasks_enqueue
from huikuan.correspondence.defaults import templates_install
from huikuan.correspondence.models import OutboundEmail
from huikuan.correspondence.selectors import customer_open_items, email_find
from huikuan.correspondence.services import email_send
from huikuan.ledger.entries import account_activity
from huikuan.ledger.models import Customer, Invoice
from huikuan.statements import documents
from huikuan.statements.defaults import default_templates
from huikuan.statements.models import (
    AccountStatement,
    Frequency,
    LineKind,
    StatementKind,
    StatementLine,
    StatementLink,
    StatementSchedule,
    StatementStatus,
)
from huikuan.statements.selectors import statements_due, token_hash

PURPOSE = "statement"


def statement_reference(*, customer: Customer, kind: str, start: date, end: date) -> str:
    """DZ-HZ001-202406 (a month), DZ-HZ001-202404-202406 (months), XZ-HZ001-20241231 (a confirmation)."""
    if kind == StatementKind.CONFIRMATION:
        return f"XZ-{customer.code}-{end:%Y%m%d}"
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_months and (start.year, start.month) == (end.year, end.month):
        return f"DZ-{customer.code}-{start:%Y%m}"
    if whole_months:
        return f"DZ-{customer.code}-{start:%Y%m}-{end:%Y%m}"
    return f"DZ-{customer.code}-{start:%Y%m%d}-{end:%Y%m%d}"


def _account_lines(
    customer: Customer, start: date, end: date, currency: str
) -> tuple[dict, list[StatementLine]]:
    activity = account_activity(customer=customer, start=start, end=end, currency=currency)
    figures = {
        "opening_balance": activity.opening_balance,
        "invoiced": activity.total("invoice"),
        "received": activity.total("payment"),
        "credited": activity.total("credit_note"),
        "written_off": activity.total("write_off"),
        "closing_balance": activity.closing_balance,
        "other_currency_entries": activity.other_currencies,
    }
    lines = [
        StatementLine(
            position=position,
            kind=entry.kind,
            entry_date=entry.entry_date,
            reference=entry.reference,
            description=entry.description[:1000],
            amount=entry.amount,
            balance=entry.balance,
            invoice_id=entry.invoice_id if entry.kind in ("invoice", "write_off") else None,
        )
        for position, entry in enumerate(activity.entries, start=1)
    ]
    return figures, lines


def _confirmation_lines(customer: Customer, as_of: date, currency: str) -> tuple[dict, list[StatementLine]]:
    """The balance at the end of ``as_of``, made up of the open invoices and, when payments or
    credit notes are not yet applied to an invoice, one line of money on account."""
    activity = account_activity(customer=customer, start=as_of, end=as_of, currency=currency)
    balance = activity.closing_balance
    items = [
        item for item in customer_open_items(customer=customer, as_of=as_of) if item["currency"] == currency
    ]
    invoice_ids = dict(
        Invoice.objects.filter(number__in=[i["number"] for i in items]).values_list("number", "pk")
    )
    lines, running = [], Decimal(0)
    for item in sorted(items, key=lambda i: (i["invoice_date"], i["number"])):
        running += item["open_amount"]
        lines.append(
            StatementLine(
                position=len(lines) + 1,
                kind=LineKind.OPEN_INVOICE,
                entry_date=item["invoice_date"],
                due_date=item["due_date"],
                reference=item["number"],
                amount=item["open_amount"],
                balance=running,
                invoice_id=invoice_ids[item["number"]],
            )
        )
    if running != balance:
        lines.append(
            StatementLine(
                position=len(lines) + 1,
                kind=LineKind.ON_ACCOUNT,
                entry_date=as_of,
                reference="—",
                amount=balance - running,
                balance=balance,
            )
        )
    zero = Decimal(0)
    figures = {
        "opening_balance": balance,
        "invoiced": zero,
        "received": zero,
        "credited": zero,
        "written_off": zero,
        "closing_balance": balance,
        "other_currency_entries": activity.other_currencies,
    }
    return figures, lines


def statement_create(
    *, customer: Customer, kind: str, start: date, end: date, created_by: str
) -> AccountStatement:
    """The statement of ``customer`` for ``start``..``end`` (a confirmation: the balance at the
    end of ``end``), its lines copied from the ledger. The same customer, kind and period again
    return the statement already made: it is never made twice, nor changed."""
    if kind not in StatementKind.values:
        raise RuleViolation(_("unknown kind of statement %(kind)r") % {"kind": kind})
    if kind == StatementKind.CONFIRMATION:
        start = end
    if end < start:
        raise RuleViolation(
            _("a period ends on or after its start: %(start)s .. %(end)s") % {"start": start, "end": end}
        )
    existing = AccountStatement.objects.filter(
        customer=customer, kind=kind, period_start=start, period_end=end
    ).first()
    if existing is not None:
        return existing
    currency = customer.currency
    if kind == StatementKind.ACCOUNT:
        figures, lines = _account_lines(customer, start, end, currency)
    else:
        figures, lines = _confirmation_lines(customer, end, currency)
    try:
        with transaction.atomic():
            statement = AccountStatement.objects.create(
                reference=statement_reference(customer=customer, kind=kind, start=start, end=end),
                kind=kind,
                customer=customer,
                period_start=start,
                period_end=end,
                currency=currency,
                language=customer.language,
                created_by=created_by[:150],
                **figures,
            )
            for line in lines:
                line.statement = statement
            StatementLine.objects.bulk_create(lines)
    except IntegrityError:
        # Made meanwhile by another worker: that one is the statement.
        return AccountStatement.objects.get(customer=customer, kind=kind, period_start=start, period_end=end)
    return statement


def answer_url(token: str) -> str:
    return settings.HUIKUAN_PUBLIC_URL + reverse("web:statement_answer", kwargs={"token": token})


def _email_key(statement: AccountStatement, again: bool) -> str:
    if not again:
        return f"statement:{statement.reference}"
    return f"statement:{statement.reference}:{statement.links.count() + 1}"


def statement_send(
    *, statement: AccountStatement, again: bool = False, now: datetime | None = None
) -> OutboundEmail:
    """Email the statement (PDF and XLSX attached) with a new answer link, through the outbox.
    Sent once: calling again returns the email already recorded, unless ``again`` (a copy
    with a fresh link, the earlier links still valid until answered or expired)."""
    now = now or timezone.now()
    key = _email_key(statement, again)
    existing = email_find(idempotency_key=key)
    if existing is not None:
        return existing
    customer = statement.customer
    _check_sendable(customer)
    if statement.answered:
        raise RuleViolation(
            _("statement %(reference)s is already answered") % {"reference": statement.reference}
        )
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=policy_value("STATEMENT_LINK_DAYS"))
    email_text = documents.statement_email(statement, answer_url=answer_url(token), link_expires=expires)
    # Drawn before the transaction: on SQLite a transaction holds the write lock.
    attachments = [
        (documents.file_name(statement, "pdf"), documents.statement_pdf(statement), documents.PDF_TYPE),
        (documents.file_name(statement, "xlsx"), documents.statement_xlsx(statement), documents.XLSX_TYPE),
    ]
    with transaction.atomic():
        locked = AccountStatement.objects.select_for_update().get(pk=statement.pk)
        email = email_send(
            to=[address.strip() for address in customer.email.replace(";", ",").split(",")],
            subject=email_text.subject,
            body=email_text.text,
            html=email_text.html,
            purpose=PURPOSE,
            idempotency_key=key,
            customer=customer,
            attachments=attachments,
            now=now,
        )
        StatementLink.objects.create(
            statement=locked, token_sha256=token_hash(token), expires_at=expires, email=email
        )
        if locked.status == StatementStatus.DRAFT:
            locked.status = StatementStatus.SENT
        locked.sent_at = now
        locked.save(update_fields=["status", "sent_at"])
    statement.refresh_from_db()
    return email


def statement_issue(
    *, customer: Customer, kind: str, start: date, end: date, created_by: str, again: bool = False
) -> AccountStatement:
    """Make the statement (or find it) and send it: what the button, the API, the command and
    the daily job all do."""
    statement = statement_create(customer=customer, kind=kind, start=start, end=end, created_by=created_by)
    statement_send(statement=statement, again=again)
    return statement


def statement_issue_task(
    *, customer_id: int, kind: str, start: str, end: str, created_by: str, again: bool = False
) -> None:
    """The queued form of :func:`statement_issue` (JSON arguments)."""
    statement_issue(
        customer=Customer.objects.get(pk=customer_id),
        kind=kind,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
        created_by=created_by,
        again=again,
    )


def _check_sendable(customer: Customer) -> None:
    if not customer.email.strip():
        raise RuleViolation(
            _("customer %(code)s has no email address: the statement cannot be sent")
            % {"code": customer.code}
        )


def statement_issue_enqueue(
    *, customer: Customer, kind: str, start: date, end: date, created_by: str, again: bool = False
) -> int:
    """Queue :func:`statement_issue` for a worker (a web or API request never sends). The task's id."""
    _check_sendable(customer)
    if kind not in StatementKind.values:
        raise RuleViolation(_("unknown kind of statement %(kind)r") % {"kind": kind})
    [task_id] = tasks_enqueue(
        func="huikuan.statements.services.statement_issue_task",
        kwargs_list=[
            {
                "customer_id": customer.pk,
                "kind": kind,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "created_by": created_by,
                "again": again,
            }
        ],
    )
    return task_id


def statements_send_due(*, day: date) -> dict:
    """The daily job: a task for each customer whose statement is due ``day`` (by schedule)."""
    due = statements_due(day=day)
    tasks = tasks_enqueue(
        func="huikuan.statements.services.statement_issue_task",
        kwargs_list=[
            {
                "customer_id": customer.pk,
                "kind": StatementKind.ACCOUNT,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "created_by": "job:statements",
            }
            for customer, start, end in due
        ],
        run_date=day,
    )
    return {"due": len(due), "tasks": len(tasks)}


@transaction.atomic
def schedule_set(*, customer: Customer, frequency: str, updated_by: str) -> StatementSchedule:
    """How often ``customer`` gets a statement of account (monthly, quarterly, none). Audited."""
    if frequency not in Frequency.values:
        raise RuleViolation(
            _("unknown frequency %(frequency)r; one of %(choices)s")
            % {"frequency": frequency, "choices": ", ".join(Frequency.values)}
        )
    schedule = StatementSchedule.objects.select_for_update().filter(customer=customer).first()
    if schedule is None:
        return StatementSchedule.objects.create(customer=customer, frequency=frequency, updated_by=updated_by)
    if schedule.frequency != frequency:
        schedule.frequency = frequency
        schedule.updated_by = updated_by
        schedule.save(update_fields=["frequency", "updated_by", "updated_at"])
    return schedule


def statement_templates_install(*, apps=global_apps) -> int:
    """Seed the default texts of statements and confirmations; an edited one is never overwritten."""
    return templates_install(rows=default_templates(), apps=apps)

"""The delivery stage of the dunning run: emails and letters for the actions a run created.

    deliveries_enqueue(*, run_date: date) -> int     # after the run's commit: chunks as tasks
    delivery_chunk_send(*, action_ids: list[int]) -> dict[str, int]   # one task
    deliveries_resume() -> int                        # open actions no task covers, enqueued
    delivery_progress(*, run_date: date) -> dict      # queued / sending / sent / failed
    deliveries_after_run(*, run_date: date) -> dict[str, int]
    outbox_queue(*, token: int) -> int            # in the run's transaction
    deliveries_send(*, actions: QuerySet[DunningAction] | None = None) -> dict[str, int]
    dunning_context(action, invoices) -> dict     # the documents' context (SPEC §6)

Runs after the run's transaction has committed, so a failed delivery never undoes a step.
This is the one module that talks to the correspondence app:

- email: the step's email template rendered in the customer's language (zh-Hans by default),
  ONE email per customer and step listing all its invoices at that step, with the statement
  of account attached as PDF when the step says so (``DunningStep.attach_statement``: the
  formal-letter steps by default, not the reminders); the statement is rendered once per
  customer and day (``statement_pdf``). The run's transaction puts each email in the outbox as
  ``queued`` (``outbox_queue``: no text yet, idempotency key ``dunning:<action id>``), so
  nothing to be sent is invisible from the moment the run commits; delivery writes it
  (``emails_compose``, a chunk at a time) and sends it over one connection per chunk
  (queued → sending → sent, or retrying/failed); the outbox retries a failure (job
  ``email_retry``), never losing it;
- letter: the step's letter template rendered to PDF and kept (``letter_create``, reference
  ``dunning:<action id>``);
- SMS: the SMS-ready text is written on the action for the collector to send.

An action leaves the ``open`` status once delivered, so each is delivered at most once; an
action that could not be delivered (no email address, a template error) keeps its error in
``delivery_note`` and is tried again by the next call.

Queued: after the run's commit, the date's open actions are enqueued in chunks of
``DELIVERY_CHUNK`` (``huikuan.core.tasks``): on Celery each chunk is a task any worker process
takes, so a day's delivery is spread over all of them; without Celery the in-process
scheduler's worker process does them, never a web request.

Resumable: a run killed halfway through its deliveries (kill -9) is taken over by the next
attempt of its job, whose run takes no new step and calls this again for the date. Actions
still open are delivered then; an email already in the outbox is not recorded twice (its
idempotency key) and is attempted only if no attempt of it is under way or done: an attempt
the kill interrupted is first reconciled (``emails_reconcile``: sent again only if it had
not reached the SMTP DATA command).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from huikuan.collections.late_interest import late_interest
from huikuan.collections.models import (
    ActionStatus,
    Channel,
    DunningAction,
    DunningStep,
)
from huikuan.collections.selectors import disputed_amounts
from huikuan.core.errors import ApplicationError
from huikuan.core.policy import policy_value
from huikuan.core.tasks import tasks_enqueue, tasks_pending
from huikuan.correspondence.documents import (
    document_render,
    documents_cached,
    language_code,
    statement_pdf,
)
from huikuan.correspondence.models import OutboundEmail
from huikuan.correspondence.selectors import emails_by_key, open_items_total
from huikuan.correspondence.services import (
    EmailContent,
    email_content,
    email_send,
    emails_attempt,
    emails_compose,
    emails_queue,
    emails_reconcile,
    letter_create,
)
from huikuan.ledger.models import Invoice

logger = logging.getLogger(__name__)


CHUNK_TASK = "huikuan.collections.delivery.delivery_chunk_send"
DELIVERED = [Channel.EMAIL, Channel.LETTER, Channel.SMS]


def deliveries_enqueue(*, run_date: date) -> int:
    """Enqueue the date's open email, letter and SMS actions in chunks (one task each); how
    many tasks. Called after a run commits, and by :func:`deliveries_resume`."""
    ids = list(
        DunningAction.objects.filter(action_date=run_date, status=ActionStatus.OPEN, channel__in=DELIVERED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    # Actions per task (HUIKUAN_DELIVERY_CHUNK): small enough to end well within a lease.
    size = settings.DELIVERY_CHUNK
    chunks = [{"action_ids": ids[start : start + size]} for start in range(0, len(ids), size)]
    return len(tasks_enqueue(func=CHUNK_TASK, kwargs_list=chunks, run_date=run_date))


def delivery_chunk_send(*, action_ids: list[int]) -> dict[str, int]:
    """One delivery task: the given actions still open (idempotent: run again, it sends
    nothing twice)."""
    return deliveries_send(actions=DunningAction.objects.filter(pk__in=action_ids))


def deliveries_resume() -> int:
    """Enqueue the open actions of every date whose delivery tasks have all ended (those that
    could not be delivered then: no address, a template error); dates with delivery still
    queued or running are left to it, so retries never repeat a worker's work. Tasks made."""
    dates = (
        DunningAction.objects.filter(status=ActionStatus.OPEN, channel__in=DELIVERED)
        .values_list("action_date", flat=True)
        .distinct()
    )
    return sum(
        deliveries_enqueue(run_date=day)
        for day in sorted(set(dates))
        if not tasks_pending(func=CHUNK_TASK, run_date=day)
    )


def delivery_progress(*, run_date: date) -> dict:
    """The date's delivery: its emails by outbox status (queued, sending, sent, retrying,
    failed), its letters (done / open), the actions tried and refused (``undelivered``) and
    its delivery tasks still to do; ``finished`` once no task is left and nothing is being
    sent."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.status, COUNT(*) FROM correspondence_outboundemail e "
            "JOIN collections_dunningaction a ON e.idempotency_key = ('dunning:' || a.id) "
            "WHERE a.action_date = %s GROUP BY e.status",
            [run_date],
        )
        emails = dict(cursor.fetchall())
    letters = dict(
        DunningAction.objects.filter(action_date=run_date, channel=Channel.LETTER)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    tasks = tasks_pending(func=CHUNK_TASK, run_date=run_date)
    counts = {status: emails.get(status, 0) for status in ("queued", "sending", "sent", "retrying", "failed")}
    undelivered = DunningAction.objects.filter(
        action_date=run_date,
        status=ActionStatus.OPEN,
        channel__in=DELIVERED,
        delivery_note__startswith="failed",
    ).count()
    return {
        "date": run_date.isoformat(),
        "emails": counts,
        "letters": {"done": letters.get(ActionStatus.DONE, 0), "open": letters.get(ActionStatus.OPEN, 0)},
        # Tried and refused (no email address, a template error): the email_retry job tries again.
        "undelivered": undelivered,
        "tasks_pending": tasks,
        "finished": tasks == 0 and counts["sending"] == 0,
    }


def deliveries_after_run(*, run_date: date) -> dict[str, int]:
    """Deliver the date's actions not yet delivered: this run's, and those of an earlier run
    of the date that stopped before delivering them all."""
    return deliveries_send(actions=DunningAction.objects.filter(action_date=run_date))


def letter_interest(action: DunningAction, invoices: list[Invoice]) -> dict | None:
    """The statutory late-payment interest a letter states (from the letter step on): the one
    rule of ``huikuan.collections.late_interest`` on the letter's invoices, as of its date."""
    found = late_interest(
        as_of=action.action_date,
        customer_ids=[action.customer_id],
        invoice_ids=[invoice.pk for invoice in invoices],
    )
    if not found:
        return None
    entry = found[0]
    return {
        "total": entry.total,
        "currency": policy_value("FUNCTIONAL_CURRENCY"),
        "annual_rate": f"{entry.rate.annual * 100:.2f}%" if entry.rate.contractual else "",
        "daily_rate": "" if entry.rate.contractual else str(entry.rate.daily),
        "invoices": [
            {"number": item.invoice.number, "days": item.days, "interest": item.interest_functional}
            for item in entry.invoices
        ],
    }


def dunning_context(
    action: DunningAction,
    invoices: list[Invoice],
    *,
    disputed: dict[int, Decimal] | None = None,
    with_interest: bool = False,
) -> dict:
    """The template context of SPEC §6 documents: customer, invoices, total_open, currency, as_of, step
    and, ``with_interest`` (a letter step), the statutory late-payment interest (``late_interest``).

    Each invoice's ``open_amount`` is what is dunned: its open balance less the amount under
    open disputes (the run duns a partly disputed invoice for the undisputed rest only). The
    total is in the invoices' currency when they share one, else in the functional currency
    at each invoice's exchange rate (``open_items_total``): a letter never adds two currencies.
    """
    if disputed is None:
        disputed = disputed_amounts(invoice_ids=[invoice.pk for invoice in invoices])
    rows = [
        {
            "number": invoice.number,
            "invoice_date": invoice.invoice_date,
            "due_date": invoice.due_date,
            "amount": invoice.amount,
            "open_amount": max(invoice.open_amount - disputed.get(invoice.pk, Decimal(0)), Decimal(0)),
            "currency": invoice.currency,
            "fx_rate": invoice.fx_rate,
            "days_overdue": max((action.action_date - invoice.due_date).days, 0),
        }
        for invoice in invoices
    ]
    total, currency = open_items_total(rows) if rows else (Decimal(0), action.customer.currency)
    return {
        "customer": action.customer,
        "invoices": rows,
        "total_open": total,
        "currency": currency,
        "as_of": action.action_date,
        "step": action.step_code,
        "late_interest": letter_interest(action, invoices) if with_interest and invoices else None,
    }


def deliveries_send(*, actions: QuerySet[DunningAction] | None = None) -> dict[str, int]:
    """Deliver the open email, letter and SMS actions (all of them by default), a batch of
    ``DELIVERY_CHUNK`` at a time."""
    counts = {"sent": 0, "failed": 0}
    emails_reconcile()
    ids = list(
        (actions if actions is not None else DunningAction.objects.all())
        .filter(status=ActionStatus.OPEN, channel__in=DELIVERED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        return counts
    templates = {
        (policy_code, code): (email, letter, sms, attach)
        for policy_code, code, email, letter, sms, attach in DunningStep.objects.values_list(
            "policy__code", "code", "email_template", "letter_template", "sms_text", "attach_statement"
        )
    }
    size = max(settings.DELIVERY_CHUNK, 1)
    for start in range(0, len(ids), size):
        batch = DunningAction.objects.filter(pk__in=ids[start : start + size], status=ActionStatus.OPEN)
        for outcome, n in _batch_send(
            list(batch.select_related("customer").order_by("id")), templates
        ).items():
            counts[outcome] += n
    return counts


def _batch_send(actions: list[DunningAction], templates: dict) -> dict[str, int]:
    """Deliver a batch: its rows read in a few queries, its documents rendered, its emails
    written and its actions marked in one transaction, then its emails sent over one mail
    connection (each claimed and its attempt recorded before its DATA)."""
    numbers = {(action.customer_id, number) for action in actions for number in action.invoice_number_list}
    invoices = {
        (invoice.customer_id, invoice.number): invoice
        for invoice in Invoice.objects.filter(
            customer_id__in={customer_id for customer_id, _ in numbers},
            number__in={number for _, number in numbers},
        )
    }
    disputed = disputed_amounts(invoice_ids=[invoice.pk for invoice in invoices.values()])
    outbox = emails_by_key(idempotency_keys=[f"dunning:{action.pk}" for action in actions])
    composed: list[tuple[int, EmailContent]] = []
    to_attempt: list[int] = []
    done: dict[int, str] = {}
    failed: dict[int, str] = {}
    with documents_cached():
        for action in actions:
            rows = sorted(
                (
                    invoices[(action.customer_id, number)]
                    for number in set(action.invoice_number_list)
                    if (action.customer_id, number) in invoices
                ),
                key=lambda invoice: (invoice.invoice_date, invoice.number),  # Invoice's ordering
            )
            step = templates.get((action.policy_code, action.step_code), ("", "", "", False))
            # From the letter step on (a step with a letter), documents state the late interest.
            context = dunning_context(action, rows, disputed=disputed, with_interest=bool(step[1]))
            try:
                done[action.pk] = _deliver(
                    action, context, *step, outbox=outbox, composed=composed, to_attempt=to_attempt
                )
            except (ApplicationError, ValueError, OSError) as error:
                logger.warning("dunning delivery %s failed: %s", action.pk, error)
                failed[action.pk] = f"failed: {getattr(error, 'message', error)}"[:500]
    dates = {action.pk: action.action_date for action in actions}
    emailed = {action.pk for action in actions if action.channel == Channel.EMAIL}

    def mark_done(pks: set[int]) -> None:
        for pk in pks:
            DunningAction.objects.filter(pk=pk, status=ActionStatus.OPEN).update(
                status=ActionStatus.DONE, delivery_note=done[pk][:500], completed_on=dates[pk]
            )

    with transaction.atomic():
        written = emails_compose(entries=composed)
        mark_done(set(done) - emailed)
        for pk, note in failed.items():
            DunningAction.objects.filter(pk=pk, status=ActionStatus.OPEN).update(delivery_note=note)
    emails_attempt(email_ids=[*written, *to_attempt])
    # An email action is done once its email has had its attempt (sent, or left to the
    # retries): a batch stopped while sending leaves its actions open, and the next pass
    # sends the emails it had claimed but not sent (each once: the claims decide).
    with transaction.atomic():
        mark_done(set(done) & emailed)
    return {"sent": len(done), "failed": len(failed)}


def _deliver(
    action: DunningAction,
    context: dict,
    email_template: str,
    letter_template: str,
    sms: str,
    attach_statement: bool = False,
    *,
    outbox: dict[str, OutboundEmail],
    composed: list[tuple[int, EmailContent]],
    to_attempt: list[int],
) -> str:
    """What was done, as a note for the action. An email queued in the outbox is rendered
    into ``composed`` (written by the caller); one already written, into ``to_attempt``."""
    customer = action.customer
    key = f"dunning:{action.pk}"
    if action.channel == Channel.SMS:
        return "sms: " + (sms or _sms_text(context))
    if action.channel == Channel.LETTER:
        if not letter_template:
            raise ValueError(f"step {action.step_code} has no letter template")
        letter = letter_create(
            customer=customer, template_code=letter_template, context=context, reference=key
        )
        return f"letter {letter.reference}"
    existing = outbox.get(key)
    if existing is not None and not existing.awaiting_content:
        # Written before the process delivering it stopped: send it if no attempt of it is
        # under way or done (the attempt's own claim decides), without rendering it again.
        to_attempt.append(existing.pk)
        return f"email {existing.pk}"
    if not customer.email:
        raise ValueError(_("customer %(code)s has no email address") % {"code": customer.code})
    if not email_template:
        raise ValueError(f"step {action.step_code} has no email template")
    language = language_code(customer.language)
    document = document_render(template_code=email_template, language=language, context=context)
    attachments = []
    if attach_statement:
        statement = statement_pdf(customer=customer, as_of=action.action_date, language=language)
        attachments.append(
            (f"statement-{customer.code}-{action.action_date}.pdf", statement, "application/pdf")
        )
    content = {
        "to": email_addresses(customer.email),
        "subject": document.subject,
        "body": document.text,
        "html": document.html,
        "attachments": attachments,
    }
    if existing is not None:  # queued by the run at its commit: written by the caller
        composed.append((existing.pk, email_content(idempotency_key=key, **content)))
        return f"email {existing.pk}"
    # An action of a run from before emails were queued at commit.
    email = email_send(purpose="dunning", idempotency_key=key, customer=customer, **content)
    return f"email {email.pk}"


def email_addresses(field: str) -> list[str]:
    """A customer's email field as addresses (separated by commas or semicolons)."""
    return [address.strip() for address in field.replace(";", ",").split(",") if address.strip()]


def outbox_queue(*, token: int) -> int:
    """In the run's transaction: every email action of the run (``token``) gets its outbox row,
    ``queued`` from the moment the run commits, written and sent by the delivery. How many."""
    return emails_queue(
        purpose="dunning",
        entries=[
            (f"dunning:{action_id}", email_addresses(address or ""), customer_id)
            for action_id, customer_id, address in DunningAction.objects.filter(
                token=token, channel=Channel.EMAIL
            ).values_list("id", "customer_id", "customer__email")
        ],
    )


def _sms_text(context: dict) -> str:
    with translation.override(context["customer"].language or "zh-hans"):
        return _("%(name)s: %(total)s %(currency)s is overdue. Please pay. (%(date)s)") % {
            "name": context["customer"].name,
            "total": context["total_open"],
            "currency": context["currency"],
            "date": context["as_of"],
        }

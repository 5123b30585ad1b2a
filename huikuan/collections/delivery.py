"""The delivery stage of the dunning run: emails and letters for the actions a run created.

    deliveries_after_run(*, token: int) -> dict[str, int]
    deliveries_send(*, actions: QuerySet[DunningAction] | None = None) -> dict[str, int]

Runs after the run's transaction has committed, so a failed delivery never undoes a step;
each action is delivered at most once (it leaves the ``open`` status, keyed by
``dunning:<action id>``), failures are recorded on the action and retried by the next
call. Phone actions are call tasks, never delivered here; SMS actions carry SMS-ready
text for the collector and are marked done.

This is the one module that talks to the correspondence app. Until that app's services
(``email_send``, ``letter_create``) are merged, emails go through Django's mail backend
with a plain-text list of the invoices and letters wait (status open) for it.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from huikuan.collections.models import ActionStatus, Channel, DunningAction
from huikuan.ledger.models import Invoice

logger = logging.getLogger(__name__)


def deliveries_after_run(*, token: int) -> dict[str, int]:
    return deliveries_send(actions=DunningAction.objects.filter(token=token))


def dunning_context(action: DunningAction, invoices: list[Invoice]) -> dict:
    """The template context of SPEC §6 documents: customer, invoices, total_open, currency, as_of, step."""
    rows = [
        {
            "number": invoice.number,
            "invoice_date": invoice.invoice_date,
            "due_date": invoice.due_date,
            "amount": invoice.amount,
            "open_amount": invoice.open_amount,
            "currency": invoice.currency,
            "days_overdue": max((action.action_date - invoice.due_date).days, 0),
        }
        for invoice in invoices
    ]
    return {
        "customer": action.customer,
        "invoices": rows,
        "total_open": sum((row["open_amount"] for row in rows), Decimal(0)),
        "currency": rows[0]["currency"] if rows else action.customer.currency,
        "as_of": action.action_date,
        "step": action.step_code,
    }


def deliveries_send(*, actions: QuerySet[DunningAction] | None = None) -> dict[str, int]:
    """Deliver the open email, letter and SMS actions (all of them by default)."""
    counts = {"sent": 0, "failed": 0, "waiting": 0}
    pending = (actions if actions is not None else DunningAction.objects.all()).filter(
        status=ActionStatus.OPEN, channel__in=[Channel.EMAIL, Channel.LETTER, Channel.SMS]
    )
    for action in pending.select_related("customer").order_by("id").iterator(chunk_size=2000):
        invoices = list(
            Invoice.objects.filter(customer_id=action.customer_id, number__in=action.invoice_number_list)
        )
        context = dunning_context(action, invoices)
        try:
            outcome = _deliver(action, context)
        except OSError as error:
            # The mail server is unreachable: every other email would fail the same way.
            logger.warning("dunning deliveries stopped at action %s: %s", action.pk, error)
            _failed(action, error)
            counts["failed"] += 1
            break
        except Exception as error:
            logger.warning("dunning delivery %s failed: %s", action.pk, error)
            _failed(action, error)
            counts["failed"] += 1
            continue
        if outcome is None:
            counts["waiting"] += 1
            continue
        DunningAction.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
            status=ActionStatus.DONE, delivery_note=outcome[:500], completed_on=action.action_date
        )
        counts["sent"] += 1
    return counts


def _failed(action: DunningAction, error: Exception) -> None:
    DunningAction.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
        delivery_note=f"failed: {error}"[:500]
    )


def _deliver(action: DunningAction, context: dict) -> str | None:
    """What was done (a note), or None when the channel cannot be delivered yet."""
    if action.channel == Channel.SMS:
        return "sms text ready: " + _sms_text(context)
    if action.channel == Channel.LETTER:
        return None  # rendered by correspondence.letter_create once merged
    customer = context["customer"]
    if not customer.email:
        raise ValueError(_("customer %(code)s has no email address") % {"code": customer.code})
    with translation.override(customer.language or "zh-hans"):
        subject = _("Payment reminder: %(count)d invoice(s), %(total)s %(currency)s open") % {
            "count": len(context["invoices"]),
            "total": context["total_open"],
            "currency": context["currency"],
        }
        lines = [
            f"{row['number']}  {row['due_date']}  {row['open_amount']} {row['currency']}"
            for row in context["invoices"]
        ]
        body = "\n".join([customer.name, "", *lines])
    key = f"dunning:{action.pk}"
    EmailMessage(subject=subject, body=body, to=[customer.email], headers={"X-Huikuan-Key": key}).send()
    return f"email {key}"


def _sms_text(context: dict) -> str:
    with translation.override(context["customer"].language or "zh-hans"):
        return _("%(name)s: %(total)s %(currency)s is overdue. Please pay. (%(date)s)") % {
            "name": context["customer"].name,
            "total": context["total_open"],
            "currency": context["currency"],
            "date": context["as_of"] if isinstance(context["as_of"], date) else "",
        }

"""What an approval request is about, as its page shows it: each detail labelled in the
active language, amounts formatted, the object linked; never the raw payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.translation import gettext as _

from huikuan.core.money import amount_text
from huikuan.core.policy import policy_value
from huikuan.credit.reasons import reason_sentence
from huikuan.web.labels import ZONES

# Payload keys that only tie the request to its record: the subject link shows the record.
INTERNAL_KEYS = {
    "evaluation_id",
    "request_id",
    "hold_id",
    "application_id",
    "order_number",
    "invoice_number",
    "proposal",
    "scorecard_month",
    "scorecard_revision",
}


@dataclass(frozen=True)
class Detail:
    label: str
    text: str = ""
    href: str = ""
    sentences: list[str] = field(default_factory=list)


def approval_subject(approval) -> Detail | None:
    """The record the request is about, linked: an order, an invoice, a customer's credit."""
    kind, _sep, key = (approval.subject_ref or "").partition(":")
    customer = approval.customer
    if kind == "order" and key:
        return Detail(_("Order"), key, reverse("web:credit-order", args=[key]))
    if kind == "write_off" and key:
        return Detail(_("Write-off proposal"), key, reverse("web:write-off", args=[key]))
    if kind == "scorecard" and key:
        return Detail(_("Staff scorecards"), key, f"{reverse('web:scorecards')}?month={key}")
    if kind == "invoice" and key:
        return Detail(_("Invoice"), key, reverse("web:invoice", args=[key]))
    if customer is not None and kind in ("customer", "evaluation", "hold", "penalty"):
        label = {
            "customer": _("Credit limit"),
            "evaluation": _("Credit class"),
            "penalty": _("Credit class"),  # a collections penalty's downgrade
            "hold": _("Credit hold"),
        }[kind]
        return Detail(
            label, f"{customer.code} {customer.name}", reverse("web:credit-customer", args=[customer.code])
        )
    return None


def approval_details(approval) -> list[Detail]:
    """The request's payload as labelled details in the active language."""
    payload = approval.payload or {}
    details: list[Detail] = []
    reasons = payload.get("reasons")
    if isinstance(reasons, list) and reasons:
        currency = policy_value("FUNCTIONAL_CURRENCY")
        sentences = [
            reason_sentence(
                code=reason.get("code", ""),
                figures=reason.get("figures") or {},
                currency=currency,
                message=reason.get("message", ""),
            )
            for reason in reasons
            if isinstance(reason, dict)
        ]
        details.append(Detail(_("Why the check blocked it"), sentences=sentences))
    if payload.get("from_class") or payload.get("to_class"):
        details.append(
            Detail(
                _("Credit class"), f"{payload.get('from_class') or '—'} → {payload.get('to_class') or '—'}"
            )
        )
    if payload.get("period"):
        details.append(Detail(_("Evaluation period"), str(payload["period"])))
    if payload.get("total"):
        details.append(Detail(_("Total score"), str(payload["total"])))
    if payload.get("days"):
        details.append(Detail(_("Extension"), _("%(days)s days") % {"days": payload["days"]}))
    if payload.get("reason"):
        details.append(Detail(_("Reason"), str(payload["reason"])))
    ceiling = payload.get("ceiling")
    if isinstance(ceiling, dict):
        details.append(Detail(_("Altman Z-score"), _ceiling_text(ceiling)))
    shown = {
        "reasons",
        "from_class",
        "to_class",
        "period",
        "total",
        "days",
        "reason",
        "source",
        "ceiling",
        "above_ceiling",
    }
    for key, value in payload.items():
        if key in shown or key in INTERNAL_KEYS or value in (None, "", [], {}):
            continue
        details.append(Detail(key.replace("_", " ").capitalize(), _value_text(value)))
    return details


def _ceiling_text(ceiling: dict) -> str:
    """A limit application's Z-score ceiling (credit.ceilings), in the customer page's words."""
    return _(
        "Altman Z %(score)s (%(date)s statement): %(zone)s. Suggested ceiling: %(ceiling)s "
        "%(currency)s (a share of %(share)s of the net worth); an application above it needs the "
        "next approval step."
    ) % {
        "score": ceiling.get("score", ""),
        "date": ceiling.get("statement_date", ""),
        "zone": ZONES.get(ceiling.get("zone"), ceiling.get("zone", "")),
        "ceiling": _value_text(ceiling.get("ceiling", "")),
        "currency": ceiling.get("currency", ""),
        "share": ceiling.get("share", ""),
    }


def _value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ')}: {_value_text(item)}" for key, item in value.items())
    if isinstance(value, str):
        try:
            return amount_text(Decimal(value)) if "." in value else value
        except InvalidOperation:
            return value
    return str(value)

"""Notices to a customer rendered from its templates (credit decisions, queued by credit):
an email through the outbox, or, for a customer without an email address, a letter kept as PDF."""

from __future__ import annotations

from datetime import date

from huikuan.correspondence.documents import document_render, language_code
from huikuan.correspondence.services import email_send, letter_create
from huikuan.ledger.models import Customer

PURPOSE = "credit_notice"


def customer_notice_send(
    *, customer_id: int, email_template: str, letter_template: str, reference: str, as_of: str, facts: dict
) -> None:
    """Render the notice in the customer's language and queue it: an email when the customer
    has an address, else a letter. Once per ``reference``: sending again does nothing new."""
    customer = Customer.objects.get(pk=customer_id)
    context = {"customer": customer, "as_of": date.fromisoformat(as_of), "deadline": None, **facts}
    key = f"notice:{reference}"
    addresses = [
        address.strip() for address in customer.email.replace(";", ",").split(",") if address.strip()
    ]
    if not addresses:
        letter_create(customer=customer, template_code=letter_template, context=context, reference=key)
        return
    document = document_render(
        template_code=email_template, language=language_code(customer.language), context=context
    )
    email_send(
        to=addresses,
        subject=document.subject,
        body=document.text,
        html=document.html,
        purpose=PURPOSE,
        idempotency_key=key,
        customer=customer,
    )

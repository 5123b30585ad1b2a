"""Telling a customer of a credit decision (seed 002: 批准并通知客户): an approved limit, a
change of class and the terms that follow it.

The notice is queued (``huikuan.core.tasks``), never sent inside the decision: after the
commit a worker renders the customer's template in its language and puts the email in the
outbox (a letter, kept as PDF, for a customer without an email address), once per reference.
"""

from __future__ import annotations

from datetime import date

from huikuan.core.tasks import tasks_enqueue
from huikuan.ledger.models import Customer

# The notice → its templates (email, letter) among the editable ones
# (``huikuan.correspondence.notice_texts``).
NOTICES = {
    "credit_limit": ("credit_limit_notice", "credit_limit_letter"),
    "class_change": ("credit_terms_notice", "credit_terms_letter"),
}
SENDER = "huikuan.correspondence.notices.customer_notice_send"


def customer_notice_enqueue(
    *, customer: Customer, notice: str, reference: str, on: date, facts: dict[str, str]
) -> None:
    """Queue the ``notice`` to ``customer`` (run after the caller's commit); ``facts`` are the
    template's values as text (amounts as decimal strings), ``reference`` makes it once only."""
    email_code, letter_code = NOTICES[notice]
    tasks_enqueue(
        func=SENDER,
        kwargs_list=[
            {
                "customer_id": customer.pk,
                "email_template": email_code,
                "letter_template": letter_code,
                "reference": reference,
                "as_of": on.isoformat(),
                "facts": facts,
            }
        ],
    )

"""Closing a legal case, and the write-off it proposes when nothing was recovered.

    legal_case_close(*, case, closed_on, by, note="") -> LegalCase

The case's rules are collections' (``huikuan.collections.legal``); a case closed with nothing
recovered proposes writing off what is still open of its invoices through the one write-off
proposal flow (``write_off_propose``: the credit manager, then the CFO above the threshold,
decide it in approvals). Its number is kept on the case.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.collections.legal import legal_case_close as case_close
from huikuan.collections.legal import legal_case_write_off_noted
from huikuan.collections.legal_models import CaseOutcome, LegalCase
from huikuan.credit.services import system_user
from huikuan.finance.write_offs import write_off_propose


def _requester(by):
    if not isinstance(by, str):
        return by
    return get_user_model().objects.filter(username=by).first() or system_user()


@transaction.atomic
def legal_case_close(*, case: LegalCase, closed_on: date, by, note: str = "") -> LegalCase:
    """Close ``case`` (its outcome from what was recovered); with nothing recovered, propose
    writing off its invoices still open, the case named as the reason."""
    case = case_close(case=case, closed_on=closed_on, by=by, note=note)
    if case.outcome != CaseOutcome.NOTHING:
        return case
    still_open = list(case.invoices.filter(closed_on__isnull=True))
    if not still_open:
        return case
    proposal = write_off_propose(
        requested_by=_requester(by),
        reason=_("legal case %(case)s closed with nothing recovered") % {"case": case.number}
        + (f": {note.strip()}" if note.strip() else ""),
        customer=case.customer,
        invoices=still_open,
    )
    legal_case_write_off_noted(case=case, proposal_number=proposal.number)
    return case

"""A dispute settled by a red-letter correction (红冲): the credit manager raises the correction
for the disputed amount; the dispute stays open (not dunned) while the form waits, and is
resolved when the other side confirms it (the ledger tells ``disputes_resolve_by_corrections``,
registered in ``CollectionsConfig.ready``). A lapsed form leaves the dispute open."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from huikuan.collections.models import Dispute, DisputeStatus
from huikuan.core.errors import RuleViolation
from huikuan.ledger.corrections import red_letter_raise
from huikuan.ledger.models import CorrectionState, RedLetterCorrection


@transaction.atomic
def dispute_correct(
    *,
    dispute: Dispute,
    form_number: str,
    reason: str,
    raised_by,
    amount: Decimal | None = None,
    raised_at: datetime | None = None,
    note: str = "",
) -> RedLetterCorrection:
    """Raise a red-letter correction for the dispute (its amount unless told) and link it."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise RuleViolation(gettext("dispute %(id)s is already resolved") % {"id": dispute.pk})
    current = dispute.red_letter_correction
    if current is not None and current.state != CorrectionState.LAPSED:
        raise RuleViolation(
            gettext("dispute %(id)s already waits on red-letter form %(form)s")
            % {"id": dispute.pk, "form": current.form_number}
        )
    correction = red_letter_raise(
        invoice=dispute.invoice,
        form_number=form_number,
        amount=amount if amount is not None else dispute.amount,
        reason=reason,
        raised_by=raised_by,
        raised_at=raised_at,
        note=note or dispute.description,
    )
    dispute.red_letter_correction = correction
    dispute.save(update_fields=["red_letter_correction"])
    return correction


def disputes_resolve_by_corrections(*, correction_ids: list[int], on: date) -> None:
    """The open disputes these confirmed corrections settle are resolved on ``on``."""
    for dispute in (
        Dispute.objects.select_for_update()
        .filter(red_letter_correction_id__in=correction_ids, status=DisputeStatus.OPEN)
        .select_related("red_letter_correction")
        .order_by("pk")
    ):
        dispute.status = DisputeStatus.RESOLVED
        dispute.resolved_on = max(on, dispute.opened_on)
        dispute.resolution = gettext("settled by red-letter correction %(form)s") % {
            "form": dispute.red_letter_correction.form_number
        }
        dispute.save(update_fields=["status", "resolved_on", "resolution"])

"""The provision report's shapes: JSON for machines, sheets for the safe CSV/XLSX writer."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.collections.labels import SEGMENTS as RISK_BANDS
from huikuan.core.exports import Column, Sheet
from huikuan.core.money import HUNDRED, quantize_ratio
from huikuan.finance.provision import BUCKETS, ZERO, ProvisionLine, provision_total
from huikuan.finance.provisioning import RISK, Provision

RATE_PERCENT_PLACES = Decimal("0.01")
SEGMENT_NAMES = {
    "class": gettext_lazy("credit class"),
    "department": gettext_lazy("department"),
    "risk": gettext_lazy("risk segment"),
}


def segment_name(segment_by: str) -> str:
    """What the loss rates are measured per, in words."""
    return str(SEGMENT_NAMES.get(segment_by, segment_by))


def segment_text(segment_by: str | None, segment: str) -> str:
    """A segment's name as a reader knows it: a risk band in words, a class or department as is."""
    return str(RISK_BANDS.get(segment, segment)) if segment_by == RISK else segment


def percent_text(rate: Decimal) -> str:
    return str(quantize_ratio(rate * HUNDRED, RATE_PERCENT_PLACES))


def _line(line: ProvisionLine) -> dict:
    return {
        "key": line.key,
        "name": line.name,
        "segment": line.segment,
        "bucket": line.bucket,
        "balance": f"{line.balance:.2f}",
        "rate": percent_text(line.rate),
        "provision": f"{line.provision:.2f}",
    }


def bucket_summary(provision: Provision) -> list[dict]:
    """Per segment and bucket: balance, loss rate and provision (the matrix); ``pooled``: the
    segment had no history for the bucket, its roll rate out of it is all customers'."""
    grouped: dict[tuple[str, str], list[ProvisionLine]] = defaultdict(list)
    for line in provision.lines:
        grouped[(line.segment, line.bucket)].append(line)
    rows = []
    for segment in sorted(provision.rates):
        for index, bucket in enumerate(BUCKETS):
            lines = grouped.get((segment, bucket), [])
            rows.append(
                {
                    "segment": segment,
                    "bucket": bucket,
                    "balance": f"{sum((line.balance for line in lines), ZERO):.2f}",
                    "rate": percent_text(provision.rates[segment][index]),
                    "pooled": bool(provision.pooled.get(segment, [False] * len(BUCKETS))[index]),
                    "provision": f"{provision_total(lines):.2f}",
                }
            )
    return rows


def provision_dict(now: Provision, before: Provision, journal: list[tuple[str, Decimal, Decimal]]) -> dict:
    return {
        "as_of": now.as_of.isoformat(),
        "method": now.method,
        "by": now.segment_by,
        "buckets": list(BUCKETS),
        "matrix": bucket_summary(now),
        "lines": [_line(line) for line in now.lines],
        "specific": [_line(line) for line in now.specific],
        "banded_by_heuristic": now.banded_by_heuristic,
        "total": {"balance": f"{now.balance:.2f}", "provision": f"{now.total:.2f}"},
        "previous": {"as_of": before.as_of.isoformat(), "provision": f"{before.total:.2f}"},
        "change": f"{now.total - before.total:.2f}",
        "journal": [
            {"account": account, "debit": f"{debit:.2f}", "credit": f"{credit:.2f}"}
            for account, debit, credit in journal
        ],
    }


def provision_sheets(
    now: Provision, before: Provision, journal: list[tuple[str, Decimal, Decimal]]
) -> list[Sheet]:
    """The lines (matrix and specific) and the journal entry, for the safe writer. By risk band:
    the bands in words, a customer banded by the class heuristic said so; below the total, the
    rates whose roll rate is all customers' (the segment had no history for the bucket)."""
    by_risk = now.segment_by == RISK
    heuristic = set(now.banded_by_heuristic)

    def line_segment(line: ProvisionLine) -> str:
        band = segment_text(now.segment_by, line.segment)
        if by_risk and line.key in heuristic:
            return _("%(band)s (class heuristic)") % {"band": band}
        return band

    lines = Sheet(
        _("Provision"),
        [
            Column(_("customer or invoice")),
            Column(_("name")),
            Column(_("risk segment") if by_risk else _("segment")),
            Column(_("bucket")),
            Column(_("balance"), "money"),
            Column(_("rate %"), "percent"),
            Column(_("provision"), "money"),
        ],
    )
    for line in [*now.lines, *now.specific]:
        bucket = _("specific") if line.bucket == "specific" else line.bucket
        lines.rows.append(
            [
                line.key,
                line.name,
                line_segment(line),
                bucket,
                line.balance,
                quantize_ratio(line.rate * HUNDRED, RATE_PERCENT_PLACES),
                line.provision,
            ]
        )
    lines.rows.append([_("total"), "", "", "", now.balance, None, now.total])
    lines.bold_rows.add(len(lines.rows) - 1)
    for segment in sorted(now.pooled):
        if segment not in {line.segment for line in now.lines}:
            continue
        for bucket, pooled in zip(BUCKETS, now.pooled[segment], strict=True):
            if pooled:
                shown = segment_text(now.segment_by, segment)
                lines.rows.append([_("roll rate of all customers"), "", shown, bucket, None, None, None])
    entry = Sheet(
        _("Journal"),
        [
            Column(_("date"), "date"),
            Column(_("account")),
            Column(_("debit"), "money"),
            Column(_("credit"), "money"),
        ],
    )
    for account, debit, credit in journal:
        entry.rows.append([now.as_of, account, debit, credit])
    entry.rows.append(
        [None, _("change since %(day)s") % {"day": before.as_of.isoformat()}, now.total - before.total, None]
    )
    return [lines, entry]

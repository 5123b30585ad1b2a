"""The Z-score's word on a credit limit (seed 002 and SPEC §5: the Altman Z informs the limit).

A customer's latest financial statement gives its Altman zone; each zone has a business setting,
CREDIT_LIMIT_CEILING_SHARES, the share of the customer's net worth (book equity, 净资产) that a
limit should not exceed: the suggested ceiling. A limit application above it is not refused,
it needs the next approval step of the chain as well (``credit_limit_apply``). Without a
statement, or with a statement in another currency than the limits', there is no ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from huikuan.core.money import quantize_cents
from huikuan.core.policy import policy_value
from huikuan.credit.altman import AltmanResult
from huikuan.credit.models import FinancialStatement


@dataclass(frozen=True)
class LimitCeiling:
    zone: str
    score: Decimal
    statement_date: date
    net_worth: Decimal
    share: Decimal
    ceiling: Decimal
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "score": str(self.score),
            "statement_date": self.statement_date.isoformat(),
            "net_worth": f"{self.net_worth:.2f}",
            "share": str(self.share),
            "ceiling": f"{self.ceiling:.2f}",
            "currency": self.currency,
        }


def ceiling_for(
    *, zone: str, net_worth: Decimal, shares: dict[str, Any] | None = None
) -> tuple[Decimal, Decimal] | None:
    """(share, ceiling) of a zone: the share of the net worth, never below zero; None for a
    zone without a share in the setting."""
    shares = policy_value("CREDIT_LIMIT_CEILING_SHARES") if shares is None else shares
    share = shares.get(zone)
    if share is None:
        return None
    share = Decimal(str(share))
    return share, quantize_cents(max(net_worth, Decimal(0)) * share)


def ceiling_from(*, statement: FinancialStatement, altman: AltmanResult) -> LimitCeiling | None:
    """The suggested ceiling from a customer's statement and its Altman result."""
    if statement.currency != policy_value("FUNCTIONAL_CURRENCY"):
        return None
    found = ceiling_for(zone=altman.zone, net_worth=statement.book_equity)
    if found is None:
        return None
    share, ceiling = found
    return LimitCeiling(
        zone=altman.zone,
        score=altman.score,
        statement_date=statement.statement_date,
        net_worth=statement.book_equity,
        share=share,
        ceiling=ceiling,
        currency=statement.currency,
    )

"""A credit check's reasons as sentences: the one wording of each reason code.

A reason is stored as its code and figures (``Order.check_reasons``, an order-release
approval's details); :func:`reason_sentence` words it in the active language, its amounts
with thousands separators and the currency, wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from huikuan.core.money import amount_text
from huikuan.credit.models import PriceLevel


def _level_label(level: str) -> str:
    return str(PriceLevel(level).label) if level in PriceLevel.values else level


def reason_sentence(*, code: str, figures: Mapping[str, Any], currency: str, message: str = "") -> str:
    """The sentence of one reason; an unknown code keeps the ``message`` it was stored with."""
    if code == "over_limit":
        limit = Decimal(figures["credit_limit"])
        after = Decimal(figures["exposure"]) + Decimal(figures["amount"])
        return _("exposure %(after)s with this order exceeds the credit limit %(limit)s by %(excess)s") % {
            "after": amount_text(after, currency),
            "limit": amount_text(limit, currency),
            "excess": amount_text(Decimal(figures["excess"]), currency),
        }
    if code == "overdue":
        return _("%(amount)s is overdue more than %(days)s days (the oldest %(oldest)s days)") % {
            "amount": amount_text(Decimal(figures["overdue_amount"]), currency),
            "days": figures["beyond_days"],
            "oldest": figures["oldest_days"],
        }
    if code == "on_hold":
        holds = figures.get("holds") or []
        # The dunning run's hold reason is stored in English (gettext_noop): translated.
        first = holds[0].get("reason") if holds else ""
        return _("the customer is on credit hold") + (f": {_(first)}" if first else "")
    if code == "class_d_not_prepaid":
        if "advance" in figures:
            return _(
                "class D customers ship only against advance receipts (预收, 现款现货): "
                "%(available)s of advance receipts is free (%(reserved)s reserved for other orders), "
                "%(shortfall)s short of the order"
            ) % {
                "available": amount_text(
                    Decimal(figures["advance"]) - Decimal(figures["reserved"]), currency
                ),
                "reserved": amount_text(Decimal(figures["reserved"]), currency),
                "shortfall": amount_text(Decimal(figures["shortfall"]), currency),
            }
        if "on_account" not in figures:  # a check stored before money on account was counted
            return _("class D customers ship only against prepayment (现款现货)")
        return _(
            "class D customers ship only against money received in advance (现款现货): "
            "%(available)s on account is free (%(reserved)s reserved for other orders), "
            "%(shortfall)s short of the order"
        ) % {
            "available": amount_text(Decimal(figures["on_account"]) - Decimal(figures["reserved"]), currency),
            "reserved": amount_text(Decimal(figures["reserved"]), currency),
            "shortfall": amount_text(Decimal(figures["shortfall"]), currency),
        }
    if code == "price_pending":
        return _("the price needs the approval of the %(level)s: %(approval)s is pending") % {
            "level": _level_label(figures.get("level", "")),
            "approval": figures.get("approval", ""),
        }
    if code == "price_rejected":
        return _("the price approval %(approval)s was rejected") % {"approval": figures.get("approval", "")}
    return message or code

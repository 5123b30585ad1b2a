"""The rules of acceptance bills (承兑汇票), pure: no ORM.

- an electronic bill matures at most ``max_months`` after its issue (6 by default);
- an electronic bill's sub-range (子票区间) counts its amount in cents: ``end - start + 1``
  cents, so 1–1,000,000 is a bill of 10,000.00;
- the discount interest (贴现利息) is amount × annual rate × days to maturity / 360, to the
  cent, half up;
- which moves a bill may make from each status, and whether it still counts in the
  customer's credit exposure.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huikuan.core.money import is_whole_cents, quantize_cents

CENT = Decimal("0.01")
DAYS_IN_DISCOUNT_YEAR = 360


class BillKind(models.TextChoices):
    BANK = "bank", _("bank acceptance (银承)")
    COMMERCIAL = "commercial", _("commercial acceptance (商承)")


class BillStatus(models.TextChoices):
    HELD = "held", _("held")
    ENDORSED = "endorsed", _("endorsed")
    DISCOUNTED = "discounted", _("discounted")
    COLLECTING = "collecting", _("presented for collection")
    HONOURED = "honoured", _("honoured")
    DISHONOURED = "dishonoured", _("dishonoured")


# Status → the statuses a bill may move to from it.
MOVES: dict[str, frozenset[str]] = {
    BillStatus.HELD: frozenset(
        {BillStatus.ENDORSED, BillStatus.DISCOUNTED, BillStatus.COLLECTING, BillStatus.DISHONOURED}
    ),
    BillStatus.ENDORSED: frozenset({BillStatus.HONOURED, BillStatus.DISHONOURED}),
    BillStatus.DISCOUNTED: frozenset({BillStatus.HONOURED, BillStatus.DISHONOURED}),
    BillStatus.COLLECTING: frozenset({BillStatus.HONOURED, BillStatus.DISHONOURED}),
    BillStatus.HONOURED: frozenset(),
    BillStatus.DISHONOURED: frozenset(),
}
# Statuses in which the bill still waits for its maturity (it is "live").
LIVE = frozenset({BillStatus.HELD, BillStatus.ENDORSED, BillStatus.DISCOUNTED, BillStatus.COLLECTING})
# How bank-accepted bills count in exposure (setting BILLS_BANK_EXPOSURE).
BANK_EXPOSURE_CHOICES = ("drop", "until_honoured")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_maturity(issue_date: date, max_months: int) -> date:
    return add_months(issue_date, max_months)


def sub_range_cents(start: int, end: int) -> int:
    return end - start + 1


def discount_interest(
    *, amount: Decimal, annual_rate: Decimal, discounted_on: date, maturity: date
) -> Decimal:
    """贴现利息 = amount × annual rate × days from the discount to maturity / 360, half up."""
    days = max((maturity - discounted_on).days, 0)
    return quantize_cents(amount * annual_rate * days / DAYS_IN_DISCOUNT_YEAR)


def counts_in_exposure(*, kind: str, bank_exposure: str) -> bool:
    """Whether a bill of ``kind`` counts in exposure while it is live (not yet honoured).

    A commercial bill always does: whoever holds it (an endorsee, the discounting bank) has
    recourse against us, and we against the customer, until it is honoured at maturity. A
    bank bill's risk is the accepting bank's once accepted ("drop"), unless the setting keeps
    it until honoured too ("until_honoured").
    """
    return kind == BillKind.COMMERCIAL or bank_exposure == "until_honoured"


def bill_problems(
    *,
    kind: str,
    electronic: bool,
    issue_date: date,
    maturity_date: date,
    received_on: date,
    amount: Decimal,
    sub_range_start: int | None,
    sub_range_end: int | None,
    max_months: int,
) -> list[tuple[str, str]]:
    """What is wrong with a bill as received: (field, reason) pairs, none when it is sound.

    The same checks for a bill entered on the web, posted to the API or imported in a file.
    """
    problems: list[tuple[str, str]] = []
    if kind not in BillKind.values:
        problems.append(("kind", gettext("the kind is bank or commercial acceptance")))
    if amount <= 0 or not is_whole_cents(amount):
        problems.append(("amount", gettext("the amount must be positive, in whole cents")))
    if maturity_date <= issue_date:
        problems.append(("maturity_date", gettext("a bill matures after its issue date")))
    elif electronic and maturity_date > latest_maturity(issue_date, max_months):
        problems.append(
            (
                "maturity_date",
                gettext(
                    "an electronic bill matures at most %(months)s months after its issue "
                    "(%(latest)s at the latest)"
                )
                % {"months": max_months, "latest": latest_maturity(issue_date, max_months).isoformat()},
            )
        )
    if received_on < issue_date:
        problems.append(("received_on", gettext("a bill cannot be received before its issue date")))
    if (sub_range_start is None) != (sub_range_end is None):
        problems.append(("sub_range", gettext("give both ends of the sub-range")))
    elif sub_range_start is not None and sub_range_end is not None:
        if not electronic:
            problems.append(("sub_range", gettext("only an electronic bill has a sub-range")))
        elif sub_range_start < 1 or sub_range_end < sub_range_start:
            problems.append(("sub_range", gettext("the sub-range runs from 1 up, its start before its end")))
        elif amount > 0 and sub_range_cents(sub_range_start, sub_range_end) != int(amount * 100):
            problems.append(
                (
                    "sub_range",
                    gettext(
                        "the sub-range %(start)s-%(end)s counts %(cents)s cents, not the amount %(amount)s"
                    )
                    % {
                        "start": sub_range_start,
                        "end": sub_range_end,
                        "cents": sub_range_cents(sub_range_start, sub_range_end),
                        "amount": amount,
                    },
                )
            )
    return problems


def settlement_split(
    *, bill_amount: Decimal, invoices: list[tuple[str, Decimal, Decimal | None]]
) -> list[tuple[str, Decimal]]:
    """How a bill settles ``invoices`` [(number, open balance, amount asked or None)], in order:
    an amount asked is taken as it is, none takes the open balance (or what is left of the
    bill). Raises ``ValueError`` naming the invoice when an amount passes its balance or the
    bill's rest. What the bill does not use stays on the customer's account."""
    rest = bill_amount
    parts: list[tuple[str, Decimal]] = []
    for number, open_balance, asked in invoices:
        amount = asked if asked is not None else min(open_balance, rest)
        if amount <= 0:
            if asked is None:
                continue
            raise ValueError(gettext("%(invoice)s: the amount must be positive") % {"invoice": number})
        if amount > open_balance:
            raise ValueError(
                gettext("%(invoice)s: %(amount)s exceeds its open balance %(open)s")
                % {"invoice": number, "amount": amount, "open": open_balance}
            )
        if amount > rest:
            raise ValueError(
                gettext("%(invoice)s: %(amount)s exceeds what is left of the bill (%(rest)s)")
                % {"invoice": number, "amount": amount, "rest": rest}
            )
        rest -= amount
        parts.append((number, amount))
    return parts

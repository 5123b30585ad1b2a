"""The rules of a VAT invoice and its links. Pure; no ORM: the service and the importer both ask.

number_problem(number, kind) -> str | None
links_problem(...) -> str | None
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

# A fully digital e-invoice (数电票) has a 20-digit number; a paper one an 8-digit number.
DIGITAL_DIGITS = 20
PAPER_DIGITS = 8


def number_problem(number: str, *, digital: bool) -> str | None:
    """Why ``number`` cannot be the number of a VAT invoice of this kind, or None."""
    digits = DIGITAL_DIGITS if digital else PAPER_DIGITS
    if not (number.isascii() and number.isdigit() and len(number) == digits):
        if digital:
            return gettext("a fully digital e-invoice's number has 20 digits")
        return gettext("a paper VAT invoice's number has 8 digits")
    return None


def vat_overlinked(*, vat_amount: Decimal, linked: Decimal) -> str | None:
    """Why links of ``linked`` in all are too much for a VAT invoice of ``vat_amount``, or None."""
    if linked > vat_amount:
        return gettext("the links add up to %(linked)s, more than the VAT invoice's amount %(amount)s") % {
            "linked": linked,
            "amount": vat_amount,
        }
    return None


def receivable_overinvoiced(*, number: str, amount: Decimal, invoiced: Decimal) -> str | None:
    """Why VAT invoices of ``invoiced`` in all are too much for receivable ``number``, or None."""
    if invoiced > amount:
        return gettext(
            "receivable %(number)s would be invoiced for %(invoiced)s, more than its amount %(amount)s"
        ) % {"number": number, "invoiced": invoiced, "amount": amount}
    return None

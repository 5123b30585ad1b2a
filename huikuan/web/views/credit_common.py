"""What the credit pages share: the form → permission table and the credit-reader guard."""

from __future__ import annotations

from collections.abc import Callable

from huikuan.accounts.permissions import may, require
from huikuan.credit.flows import (
    CLASS_CHANGE,
    CREDIT_LIMIT,
    HOLD_LIFT,
    ORDER_RELEASE,
    TERM_EXTENSION,
)
from huikuan.web.views.common import staff_page

CREDIT_KINDS = (CLASS_CHANGE, TERM_EXTENSION, ORDER_RELEASE, HOLD_LIFT, CREDIT_LIMIT)
# The credit pages' forms and the action of huikuan.accounts.permissions each one is.
PAGE_ACTIONS = {
    "limit": "limit.apply",
    "extension": "extension.request",
    "terms": "extension.request",
    "hold": "hold.place",
    "lift": "hold.lift",
    "statement": "statement.record",
    "order": "order.create",
    "propose": "class.propose",
    "evaluate": "credit.evaluate",
    "release": "order.release",
    "charge": "fee.charge",
    "interest": "fee.charge",
    "rate": "interest_rate.set",
    "market": "market.confirm",
}


def page_permissions(user) -> dict[str, bool]:
    """What the user may do on the credit pages, by form."""
    return {form: may(user, action) for form, action in PAGE_ACTIONS.items()}


def credit_reader(view: Callable) -> Callable:
    """A staff page that also needs to read credit records (every staff role may)."""

    @staff_page
    def guarded(request, *args, **kwargs):
        require(request.user, "credit.read")
        return view(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded

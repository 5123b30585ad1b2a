"""Which rows a user may see (SPEC §1): every interface fetches customer-scoped records here.

Collectors see the customers whose ``collector`` is their username, salespeople those whose
``salesperson`` is, customer users their own customer; every other role sees everything
(auditors too, read-only: what they may *do* is the permissions' business). A user with
no role sees nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from huikuan.accounts.models import CustomerUser
from huikuan.accounts.roles import COLLECTOR, CUSTOMER, ROLES, SALESPERSON, SCOPED_ROLES
from huikuan.ledger.models import Allocation, CreditNote, Customer, Invoice, Payment

# Marks a user who sees everything; see ``customer_filter``.
EVERYTHING = None


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_huikuan_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._huikuan_roles = cached
    return cached


def customer_filter(user) -> Q | None:
    """A filter on ``Customer`` for the customers ``user`` may see; None for all of them."""
    if user.is_authenticated and user.is_superuser:
        return EVERYTHING
    roles = user_roles(user)
    if roles - set(SCOPED_ROLES):
        return EVERYTHING
    allowed = Q(pk__in=[])
    if COLLECTOR in roles:
        allowed |= Q(collector=user.get_username())
    if SALESPERSON in roles:
        allowed |= Q(salesperson=user.get_username())
    if CUSTOMER in roles:
        allowed |= Q(pk__in=CustomerUser.objects.filter(user_id=user.pk).values("customer_id"))
    return allowed


def is_scoped(user) -> bool:
    return customer_filter(user) is not EVERYTHING


def _through(prefix: str, allowed: Q | None) -> Q:
    """``allowed`` on Customer, restated for a model reaching the customer by ``prefix``."""
    if allowed is None:
        return Q()
    children = []
    for child in allowed.children:
        if isinstance(child, Q):
            children.append(_through(prefix, child))
        else:
            lookup, value = child
            children.append(Q(**{f"{prefix}__{lookup}": value}))
    restated = Q(*children, _connector=allowed.connector, _negated=allowed.negated)
    return restated


def access_customers(*, user) -> QuerySet[Customer]:
    allowed = customer_filter(user)
    customers = Customer.objects.all()
    return customers if allowed is None else customers.filter(allowed)


def access_customer_ids(*, user) -> list[int] | None:
    """The ids of the customers ``user`` may see; None when that is all of them."""
    if not is_scoped(user):
        return None
    return list(access_customers(user=user).values_list("pk", flat=True))


def access_invoices(*, user) -> QuerySet[Invoice]:
    return Invoice.objects.select_related("customer").filter(_through("customer", customer_filter(user)))


def access_payments(*, user) -> QuerySet[Payment]:
    # Cash not yet matched to a customer is no scoped user's.
    return Payment.objects.select_related("customer").filter(_through("customer", customer_filter(user)))


def access_allocations(*, user) -> QuerySet[Allocation]:
    return Allocation.objects.select_related("payment", "invoice__customer").filter(
        _through("invoice__customer", customer_filter(user))
    )


def access_credit_notes(*, user) -> QuerySet[CreditNote]:
    return CreditNote.objects.select_related("customer", "invoice").filter(
        _through("customer", customer_filter(user))
    )


def access_customer_scoped(*, user, queryset: QuerySet, via: str = "customer") -> QuerySet:
    """``queryset`` (of any model reaching Customer by the path ``via``) cut to what ``user``
    may see. Apps above accounts (collections, credit…) scope their own models with it."""
    return queryset.filter(_through(via, customer_filter(user)))

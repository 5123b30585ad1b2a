"""The demo users: one for every step of every default approval chain, and a few more."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count

from huikuan.accounts.roles import (
    AUDITOR,
    CFO,
    COLLECTOR,
    CREDIT_ANALYST,
    CREDIT_MANAGER,
    DEPARTMENT_HEAD,
    MARKET_DEVELOPMENT,
    PRESIDENT,
    SALES_MANAGER,
    SALESPERSON,
)
from huikuan.accounts.services import user_create
from huikuan.ledger.models import Customer

# Two credit managers, so that one can approve what the other asked for (segregation of duties).
DEMO_USERS = (
    ("demo.manager", CREDIT_MANAGER),
    ("demo.manager2", CREDIT_MANAGER),
    ("demo.analyst", CREDIT_ANALYST),
    ("demo.salesmanager", SALES_MANAGER),
    ("demo.head", DEPARTMENT_HEAD),
    ("demo.cfo", CFO),
    ("demo.president", PRESIDENT),
    ("demo.auditor", AUDITOR),
    ("demo.market", MARKET_DEVELOPMENT),
)


def _busiest(field: str) -> str | None:
    """The collector or salesperson with the most customers (they see only their own)."""
    return (
        Customer.objects.exclude(**{field: ""})
        .values(field)
        .annotate(customers=Count("id"))
        .order_by("-customers", field)
        .values_list(field, flat=True)
        .first()
    )


def demo_users_wanted() -> list[tuple[str, str]]:
    wanted = list(DEMO_USERS)
    for field, role in (("collector", COLLECTOR), ("salesperson", SALESPERSON)):
        username = _busiest(field)
        if username:
            wanted.append((username, role))
    return wanted


def demo_users_ensure() -> list[dict]:
    """Create the demo users that are missing; each one's password only when it was created."""
    users = []
    user_model = get_user_model()
    for username, role in demo_users_wanted():
        if user_model.objects.filter(username=username).exists():
            users.append({"username": username, "role": role, "password": None})
            continue
        created = user_create(username=username, role=role)
        users.append({"username": username, "role": role, "password": created.password})
    return users


def demo_user(username: str):
    return get_user_model().objects.get(username=username)

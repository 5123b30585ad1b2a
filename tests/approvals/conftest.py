"""People who request and decide, and a test-only kind whose approval raises a customer's limit.

sales_zhang (salesperson) asks; sm_liu (sales manager), analyst_qian (credit analyst),
cm_sun and cm_zhou (credit managers), cfo_wu (CFO), president_zheng (president) and dh_ma
(department head) decide; auditor_he reads; collector_wang sees only HZ001's requests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.accounts.services import user_create
from huikuan.approvals import registry
from huikuan.approvals.services import approval_chain_set
from huikuan.ledger.models import Customer

PEOPLE = {
    "sales_zhang": "salesperson",
    "sales_li": "salesperson",
    "sm_liu": "sales_manager",
    "analyst_qian": "credit_analyst",
    "cm_sun": "credit_manager",
    "cm_zhou": "credit_manager",
    "cfo_wu": "cfo",
    "president_zheng": "president",
    "dh_ma": "department_head",
    "auditor_he": "auditor",
    "collector_wang": "collector",
    "admin_gu": "admin",
}
TEST_KIND = "test_limit"


@pytest.fixture(autouse=True)
def in_english():
    """Refusals are read in English here (the default language is zh-Hans)."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(db) -> dict:
    return {
        name: user_create(
            username=name, role=role, password="Huikuan-test-pw-1", email=f"{name}@example.com"
        ).user
        for name, role in PEOPLE.items()
    }


@pytest.fixture
def customer(db) -> Customer:
    Customer.objects.create(code="SZ002", name="深圳南山电子有限公司", salesperson="sales_li")
    return Customer.objects.create(
        code="HZ001",
        name="杭州湖畔机电有限公司",
        credit_limit=Decimal("500000.00"),
        salesperson="sales_zhang",
        collector="collector_wang",
    )


class Effects:
    """What the test kind's callbacks did: each call, and the limit they set."""

    def __init__(self) -> None:
        self.approved: list[tuple[str, str]] = []
        self.rejected: list[tuple[str, str]] = []
        self.fail_with: Exception | None = None

    def on_approved(self, request, actor) -> None:
        self.approved.append((request.number, actor.get_username()))
        if self.fail_with is not None:
            raise self.fail_with
        Customer.objects.filter(pk=request.customer_id).update(
            credit_limit=Decimal(request.payload["new_limit"])
        )

    def on_rejected(self, request, actor) -> None:
        self.rejected.append((request.number, actor.get_username()))


def _register(kind: str, effects: Effects):
    previous = registry._kinds().get(kind)
    registry.register_kind(kind, label=kind, on_approved=effects.on_approved, on_rejected=effects.on_rejected)
    return previous


@pytest.fixture
def effects(db):
    """The test-only kind ``test_limit`` (credit manager → CFO from 1,000,000) and the
    seeded ``credit_limit`` chain, both acting through these callbacks."""
    effects = Effects()
    saved = {kind: _register(kind, effects) for kind in (TEST_KIND, "credit_limit", "term_extension")}
    approval_chain_set(
        kind=TEST_KIND,
        steps=[
            {"name": "credit manager", "roles": ["credit_manager"]},
            {"name": "CFO", "roles": ["cfo"], "min_amount": "1000000"},
        ],
    )
    yield effects
    for kind, previous in saved.items():
        if previous is None:
            registry.unregister_kind(kind)
        else:
            registry._kinds()[kind] = previous

"""The credit-limit chain of SPEC §5.3 by amount, and who may decide each step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.approvals.chains import DEFAULT_CHAINS, applicable_positions
from huikuan.approvals.models import ApprovalStep
from huikuan.approvals.services import approval_chains_install, approval_decide, approval_request_submit
from huikuan.core.errors import ApplicationError, RuleViolation

pytestmark = pytest.mark.django_db


def submit(people, customer, amount: str, kind: str = "credit_limit", **extra):
    return approval_request_submit(
        kind=kind,
        requested_by=people["sales_zhang"],
        summary=f"raise the limit to {amount}",
        customer=customer,
        amount=Decimal(amount),
        payload={"new_limit": amount},
        **extra,
    )


@pytest.mark.parametrize(
    ("amount", "last_step"),
    [
        ("999999.99", "credit manager"),
        ("1000000.00", "CFO"),
        ("4999999.99", "CFO"),
        ("5000000.00", "president"),
    ],
)
def test_the_credit_limit_chain_grows_with_the_amount(people, customer, effects, amount, last_step):
    request = submit(people, customer, amount)
    names = [step.name for step in request.steps.order_by("position")]
    assert names[:3] == ["sales manager", "credit analyst", "credit manager"]
    assert names[-1] == last_step
    assert len(names) == {"credit manager": 3, "CFO": 4, "president": 5}[last_step]


def test_a_foreign_amount_is_compared_in_cny(people, customer, effects):
    # USD 150,000 at 7.1 is CNY 1,065,000: the CFO decides too.
    request = submit(people, customer, "150000.00", currency="USD", fx_rate=Decimal("7.1"))
    assert request.steps.order_by("position").last().name == "CFO"
    with pytest.raises(ApplicationError, match="exchange rate"):
        submit(people, customer, "150000.00", currency="USD")


def test_the_whole_chain_walks_to_the_president_each_step_by_its_role(people, customer, effects):
    request = submit(people, customer, "5000000.00")
    deciders = ["sm_liu", "analyst_qian", "cm_sun", "cfo_wu", "president_zheng"]
    for position, decider in enumerate(deciders, start=1):
        assert request.current_step.position == position
        others = [name for name in deciders if name != decider]
        for other in others:
            with pytest.raises(RuleViolation):
                approval_decide(request=request, actor=people[other], decision="approve")
        request = approval_decide(request=request, actor=people[decider], decision="approve")
    assert request.status == "approved"
    assert effects.approved == [(request.number, "president_zheng")]


def test_term_extensions_are_decided_by_a_department_head_or_above(people, customer, effects):
    for decider in ("dh_ma", "cfo_wu", "president_zheng"):
        request = submit(people, customer, "100.00", kind="term_extension")
        assert (
            approval_decide(request=request, actor=people[decider], decision="approve").status == "approved"
        )
    request = submit(people, customer, "100.00", kind="term_extension")
    with pytest.raises(RuleViolation, match="department head"):
        approval_decide(request=request, actor=people["cm_sun"], decision="approve")


def test_an_unknown_kind_or_a_kind_without_chain_is_refused(people, customer, effects):
    with pytest.raises(RuleViolation, match="unknown approval kind"):
        submit(people, customer, "10.00", kind="no_such_kind")
    ApprovalStep.objects.filter(kind="credit_limit").delete()
    with pytest.raises(RuleViolation, match="no approval chain"):
        submit(people, customer, "10.00")


def test_the_default_chains_are_seeded_once_and_edits_survive_a_reseed(db):
    assert set(DEFAULT_CHAINS) <= set(ApprovalStep.objects.values_list("kind", flat=True))
    ApprovalStep.objects.filter(kind="write_off", position=2).update(min_amount=Decimal("50000"))
    assert approval_chains_install() == 0
    assert ApprovalStep.objects.get(kind="write_off", position=2).min_amount == Decimal("50000.00")
    cfo, president = ApprovalStep.objects.filter(kind="credit_limit", position__gte=4).order_by("position")
    assert (cfo.roles, cfo.min_amount) == (["cfo"], Decimal("1000000.00"))
    assert (president.roles, president.min_amount) == (["president"], Decimal("5000000.00"))


def test_editing_a_chain_changes_new_requests_not_those_on_their_way(people, customer, effects):
    from huikuan.approvals.services import approval_chain_set

    before = submit(people, customer, "10.00", kind="test_limit")
    approval_chain_set(kind="test_limit", steps=[{"name": "CFO only", "roles": ["cfo"]}])
    after = submit(people, customer, "10.00", kind="test_limit")
    assert before.current_step.name == "credit manager"
    assert after.current_step.name == "CFO only"


@pytest.mark.parametrize(
    "bad",
    [
        [{"name": "", "roles": ["cfo"]}],
        [{"name": "x", "roles": []}],
        [{"name": "x", "roles": ["pope"]}],
        [{"name": "x", "roles": ["cfo"], "min_amount": "-1"}],
        [{"name": "x", "roles": ["cfo"], "min_amount": "1.001"}],
    ],
)
def test_a_bad_chain_is_refused_and_the_old_one_kept(db, bad):
    from huikuan.approvals.services import approval_chain_set

    with pytest.raises(ApplicationError):
        approval_chain_set(kind="write_off", steps=bad)
    assert ApprovalStep.objects.filter(kind="write_off").count() == 2


amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2))
thresholds = st.lists(st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2)), max_size=6)


@given(thresholds=thresholds, amount=amounts, raise_by=st.decimals(min_value=0, max_value=10**6, places=2))
def test_a_larger_amount_never_skips_a_step_a_smaller_one_needs(thresholds, amount, raise_by):
    smaller = set(applicable_positions(thresholds, amount))
    larger = set(applicable_positions(thresholds, None if amount is None else amount + raise_by))
    assert smaller <= larger
    assert {i for i, t in enumerate(thresholds) if t is None} <= smaller

"""The worklist and the segments with the risk model's scores: calls ordered by P(late) x the
overdue amount, the model's segment, the top reasons, and the class heuristic (said on the item)
for a customer the model has not scored with enough history."""

from __future__ import annotations

import hashlib
import pickle
from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.run import dunning_run
from huikuan.collections.selectors import customer_segment, payment_history, worklist_for
from huikuan.core.errors import RuleViolation
from huikuan.risk.models import CustomerRiskScore, RiskModel, RiskScore
from huikuan.risk.services import models_load, segment_of
from tests.collections.conftest import MARCH_1

THRESHOLDS = {"premium": Decimal("0.15"), "high_risk": Decimal("0.60")}


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


def _model(as_of: date) -> RiskModel:
    blob = pickle.dumps({"stand-in": True})
    return RiskModel.objects.create(
        as_of=as_of,
        grace_days=0,
        seed=1,
        train_size=500,
        late_share=Decimal("0.3"),
        blob=blob,
        blob_sha256=hashlib.sha256(blob).hexdigest(),
    )


def _score(model, customer, p: str, *, settled: int = 20, reasons=("late_share",)):
    CustomerRiskScore.objects.create(
        customer=customer,
        as_of=model.as_of,
        model=model,
        probability_late=Decimal(p),
        settled_invoices=settled,
        segment=segment_of(float(p), thresholds=THRESHOLDS) if settled >= 6 else "",
        reasons=[{"feature": r, "push": 0.1} for r in reasons],
    )
    for invoice in customer.invoices.all():
        RiskScore.objects.create(
            invoice=invoice,
            customer=customer,
            as_of=model.as_of,
            model=model,
            probability_late=Decimal(p),
            expected_days=Decimal("45.0"),
            reasons=[{"feature": r, "push": 0.1} for r in reasons],
        )


@pytest.fixture
def three_customers(make_customer, make_invoice):
    """Three class B customers, each a call due today: R1 owes 10,000, R2 3,000, R3 5,000."""
    r1, r2, r3 = make_customer("R1"), make_customer("R2"), make_customer("R3")
    make_invoice(r1, "R1-1", day(-5), "10000.00")
    make_invoice(r2, "R2-1", day(-5), "3000.00")
    make_invoice(r3, "R3-1", day(-5), "5000.00")
    return r1, r2, r3


def _calls(as_of):
    dunning_run(date=as_of)
    return worklist_for(user="zhang.wei", date=as_of)


def test_without_scores_the_worklist_says_it_weighs_by_the_class_heuristic(three_customers):
    items = _calls(day(0))
    assert items and {item.probability_source for item in items} == {"heuristic"}
    # The same class and days overdue: the heuristic ranks by the amount alone.
    assert [item.customer.code for item in items] == ["R1", "R3", "R2"]
    assert all(item.reasons == [] for item in items)


def test_the_worklist_orders_by_the_models_probability_times_the_amount(three_customers):
    r1, r2, r3 = three_customers
    model = _model(day(0))
    _score(model, r1, "0.18")  # 10,000 x 0.18 = 1,800: the largest debt, the smallest risk
    _score(model, r2, "0.90", reasons=("days_late_recent", "late_share"))  # 3,000 x 0.90 = 2,700
    _score(model, r3, "0.40")  # 5,000 x 0.40 = 2,000
    items = _calls(day(0))
    assert [item.customer.code for item in items] == ["R2", "R3", "R1"]
    assert [item.risk_weighted_amount for item in items] == [
        Decimal("2700.00"),
        Decimal("2000.00"),
        Decimal("1800.00"),
    ]
    assert {item.probability_source for item in items} == {"model"}
    assert items[0].reasons == ["days_late_recent", "late_share"]
    assert items[0].late_probability == Decimal("0.9000")


def test_a_customer_with_too_little_history_keeps_the_class_heuristic(three_customers):
    r1, r2, r3 = three_customers
    model = _model(day(0))
    _score(model, r1, "0.18")
    _score(model, r2, "0.90", settled=2)  # scored, but on two settled invoices: not enough
    _score(model, r3, "0.40")
    items = {item.customer.code: item for item in _calls(day(0))}
    assert items["R2"].probability_source == "heuristic"
    assert items["R1"].probability_source == items["R3"].probability_source == "model"


def test_scores_older_than_the_setting_are_not_used(three_customers):
    r1, _, _ = three_customers
    _score(_model(day(-30)), r1, "0.90")
    items = {item.customer.code: item for item in _calls(day(0))}
    assert items["R1"].probability_source == "heuristic"


def test_the_segment_comes_from_the_model_and_not_from_the_days_overdue(three_customers, make_customer):
    r1, r2, r3 = three_customers
    a_class = make_customer("RA", credit_class="A")
    model = _model(day(0))
    _score(model, r1, "0.05")
    _score(model, r2, "0.90")
    _score(model, r3, "0.40")
    _score(model, a_class, "0.70")  # class A, but the model sees a late payer
    assert customer_segment(customer=r1, as_of=day(0)) == "premium"  # class B, a prompt payer
    assert customer_segment(customer=r2, as_of=day(0)) == "high_risk"
    assert customer_segment(customer=r3, as_of=day(0)) == "normal"
    assert customer_segment(customer=a_class, as_of=day(0)) == "high_risk"
    # The same scores a month later (the invoices 35 days overdue): the same segments.
    history = payment_history(as_of=day(6), customer_ids=[r1.pk, r2.pk, r3.pk])
    assert [history.segment(c.pk, c.credit_class) for c in (r1, r2, r3)] == ["premium", "high_risk", "normal"]


def test_the_thresholds_are_the_settings_edges():
    assert segment_of(0.1499, thresholds=THRESHOLDS) == "premium"
    assert segment_of(0.15, thresholds=THRESHOLDS) == "normal"
    assert segment_of(0.5999, thresholds=THRESHOLDS) == "normal"
    assert segment_of(0.60, thresholds=THRESHOLDS) == "high_risk"


def test_a_model_whose_blob_does_not_match_its_hash_is_refused(db):
    model = _model(day(0))
    assert models_load(model) == {"stand-in": True}
    model.blob = pickle.dumps({"stand-in": False})
    model.save()
    with pytest.raises(RuleViolation, match="SHA-256"):
        models_load(RiskModel.objects.get(pk=model.pk))
    RiskModel.objects.filter(pk=model.pk).update(blob_sha256="")
    with pytest.raises(RuleViolation):
        models_load(RiskModel.objects.get(pk=model.pk))

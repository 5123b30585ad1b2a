"""Late-payment prediction: features known at scoring time only, a backtest that beats the
customer's own past as a baseline, scores with reasons, and the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Invoice
from huikuan.risk.features import FEATURES
from huikuan.risk.models import CustomerRiskScore, RiskScore
from huikuan.risk.services import risk_backtest, risk_score, risk_train

D = date
# Each test trains the models on two years of a hundred customers' history: minutes on a loaded
# machine, so out of the fast lane.
pytestmark = pytest.mark.slow


def test_the_backtest_beats_the_customers_own_past(db, tmp_path):
    # The public sample's shape: a hundred customers over two years (on forty, the model has too
    # little to learn from and only matches the customer's own past late share).
    from tests.risk.conftest import history_import

    end = history_import(tmp_path / "hundred", seed=2026, customers=100)
    result = risk_backtest(cutoff=end - timedelta(days=240))
    assert set(result) == {"cutoff", "grace", "train", "test", "late_share", "model", "baseline"}
    assert result["train"] > 1000 and result["test"] > 500
    assert 0.2 < result["late_share"] < 0.5
    model, baseline = result["model"], result["baseline"]
    assert set(model) == {"auc", "brier", "accuracy", "mae_days"}
    # The customers' habits (payment runs, seasons, large orders, decline) are more than their
    # past late share: the model beats it by a clear margin, on every measure.
    assert model["auc"] > 0.85 and model["auc"] > baseline["auc"] + 0.03
    assert model["brier"] < baseline["brier"]
    assert model["mae_days"] < baseline["mae_days"] - 1


def test_a_score_for_a_day_does_not_change_when_payments_after_it_are_added(history, tmp_path):
    day = history - timedelta(days=60)
    risk_train(as_of=day)
    before = {s.invoice_id: (s.probability_late, s.expected_days) for s in risk_score(as_of=day)}
    open_then = Invoice.objects.filter(pk__in=before, closed_on__isnull=True).order_by("number")[:5]
    assert open_then, "the history leaves invoices open at its end"
    from huikuan.ledger.imports import ledger_import

    lines = ["payment_ref,customer_code,payment_date,amount,currency,invoice_number"]
    for n, invoice in enumerate(open_then):
        lines.append(
            f"LATE{n},{invoice.customer.code},{history.isoformat()},{invoice.amount},CNY,{invoice.number}"
        )
    path = tmp_path / "later.csv"
    path.write_text("\n".join(lines) + "\n")
    ledger_import(kind="payments", path=path, imported_by="test")
    assert Invoice.objects.filter(pk__in=[i.pk for i in open_then], closed_on__isnull=False).count() == len(
        open_then
    )
    after = {s.invoice_id: (s.probability_late, s.expected_days) for s in risk_score(as_of=day)}
    assert after == before


def test_scores_carry_their_reasons_and_customers_get_segments(history):
    day = history - timedelta(days=30)
    model = risk_train(as_of=day)
    assert len(model.blob_sha256) == 64
    scores = risk_score(as_of=day)
    assert RiskScore.objects.filter(as_of=day).count() == len(scores) > 0
    for score in scores:
        invoice = Invoice.objects.get(pk=score.invoice_id)
        assert Decimal(0) <= score.probability_late <= 1
        assert score.expected_days >= (day - invoice.invoice_date).days
        assert all(reason["feature"] in FEATURES for reason in score.reasons)
    assert any(score.reasons for score in scores)
    customers = CustomerRiskScore.objects.filter(as_of=day)
    assert customers.count() == 40
    assert set(customers.exclude(segment="").values_list("segment", flat=True)) == {
        "premium",
        "normal",
        "high_risk",
    }


def test_the_nightly_job_trains_once_and_retrains_when_enough_history_accrued(history, settings):
    from huikuan.risk.services import risk_nightly

    settings.HUIKUAN = {**settings.HUIKUAN, "RISK_RETRAIN_NEW_INVOICES": 50}
    day = history - timedelta(days=120)
    first = risk_nightly(as_of=day)
    assert first["trained"] and first["scored"] > 0
    assert risk_nightly(as_of=day + timedelta(days=1))["trained"] is None  # little new history
    later = risk_nightly(as_of=day + timedelta(days=100))
    assert later["decided_since_last_model"] >= 50 and later["trained"]


def test_the_command_line_backtest_prints_the_contracted_json(history):
    out = StringIO()
    call_command(
        "risk", "backtest", "--cutoff", (history - timedelta(days=240)).isoformat(), "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["model"]["auc"] is not None and data["baseline"]["auc"] is not None
    assert data["test"] > 0


def test_the_imported_billing_channel_reaches_the_models_features(history):
    from huikuan.risk.features import Target, features_build
    from huikuan.risk.history import history_load

    numbers = list(Invoice.objects.order_by("number").values_list("number", flat=True)[:3])
    Invoice.objects.filter(number=numbers[0]).update(billing="paper")
    Invoice.objects.filter(number=numbers[1]).update(billing="electronic")
    loaded = history_load()
    channel = {row.number: row.electronic for row in loaded.invoices if row.number in numbers}
    assert channel == {numbers[0]: False, numbers[1]: True, numbers[2]: None}
    position = {row.number: k for k, row in enumerate(loaded.invoices)}
    rows = features_build(loaded, [Target(position[n], history) for n in numbers])
    assert [row[FEATURES.index("electronic")] for row in rows] == [0.0, 1.0, -1.0]


def test_a_model_stored_on_other_features_is_not_used_and_the_nightly_job_retrains(history):
    from huikuan.risk.models import RiskModel
    from huikuan.risk.selectors import model_latest
    from huikuan.risk.services import risk_nightly

    day = history - timedelta(days=60)
    stored = risk_train(as_of=day)
    # A model trained by an earlier version of Huikuan: fewer features than today's.
    RiskModel.objects.filter(pk=stored.pk).update(features=list(FEATURES[:-3]))
    assert model_latest(as_of=day) is None
    with pytest.raises(RuleViolation, match="no model trained on today's features"):
        risk_score(as_of=day)
    nightly = risk_nightly(as_of=day)
    assert nightly["trained"] and nightly["scored"] > 0
    assert model_latest(as_of=day).pk == nightly["trained"]

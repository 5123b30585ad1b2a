"""Late-payment scores over the API: read only, the customers the user may see, in the schema."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.ledger.models import Customer, Invoice
from huikuan.risk.models import CustomerRiskScore, RiskModel, RiskScore

DAY = date(2024, 6, 1)


@pytest.fixture
def scored(personas):
    model = RiskModel.objects.create(
        as_of=DAY, grace_days=0, seed=1, train_size=100, late_share=Decimal("0.3"), blob=b"", blob_sha256=""
    )
    for code, p in (("HZ001", "0.1200"), ("CD003", "0.7300")):
        customer = Customer.objects.get(code=code)
        CustomerRiskScore.objects.create(
            customer=customer,
            as_of=DAY,
            model=model,
            probability_late=Decimal(p),
            settled_invoices=12,
            segment="premium" if code == "HZ001" else "high_risk",
            reasons=[{"feature": "late_share", "push": 0.2}],
        )
        for invoice in Invoice.objects.filter(customer=customer):
            RiskScore.objects.create(
                invoice=invoice,
                customer=customer,
                as_of=DAY,
                model=model,
                probability_late=Decimal(p),
                expected_days=Decimal("40.0"),
                reasons=[{"feature": "late_share", "push": 0.2}],
            )


def test_the_scores_of_a_day_riskiest_first(api_as, scored):
    data = api_as("credit_manager").get("/api/risk/scores/?as_of=2024-06-03").json()
    assert [c["customer_code"] for c in data["customers"]] == ["CD003", "HZ001"]
    assert data["customers"][0] == {
        "customer_code": "CD003",
        "as_of": "2024-06-01",
        "probability_late": "0.7300",
        "settled_invoices": 12,
        "segment": "high_risk",
        "reasons": [{"feature": "late_share", "push": 0.2}],
    }
    assert data["invoices"] and data["invoices"][0]["customer_code"] == "CD003"
    # Older than the setting's seven days: nothing fresh.
    assert api_as("credit_manager").get("/api/risk/scores/?as_of=2024-07-01").json()["customers"] == []


def test_a_collector_reads_only_their_customers_scores(api_as, scored):
    data = api_as("collector_wang").get("/api/risk/scores/?as_of=2024-06-01").json()
    assert {c["customer_code"] for c in data["customers"]} == {"HZ001"}
    assert {i["customer_code"] for i in data["invoices"]} <= {"HZ001", "SZ002"}
    assert api_as("collector_wang").get("/api/risk/customers/CD003/").status_code == 404
    history = api_as("credit_manager").get("/api/risk/customers/CD003/").json()
    assert [s["probability_late"] for s in history["scores"]] == ["0.7300"]


def test_the_risk_endpoints_are_in_the_schema(api_as, scored):
    paths = api_as("credit_manager").get("/api/schema/?format=json").json()["paths"]
    assert "/api/risk/scores/" in paths and "/api/risk/customers/{customer_code}/" in paths

"""The provision by risk segment: each customer's band as of the provision's day (the risk
model's segment, else the class heuristic, named), roll rates per band, and the rate of all
customers where a band has no history for a bucket."""

from __future__ import annotations

import csv
import hashlib
import pickle
from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.finance.provisioning import history_flows, provision_as_of, provision_change, risk_bands
from huikuan.finance.reports.build import report_build
from huikuan.ledger.models import Customer, Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate
from huikuan.risk.models import CustomerRiskScore, RiskModel

D = Decimal
AS_OF = date(2024, 12, 31)
# Each month's cohort of 10,000: (amount, days late; None: never paid).
PREMIUM_PATTERN = [(D(9_000), 0), (D(600), 15), (D(300), 45), (D(60), 75), (D(40), None)]
HIGH_RISK_PATTERN = [(D(5_000), 0), (D(2_000), 15), (D(1_500), 45), (D(1_000), 75), (D(500), None)]
NORMAL_PATTERN = [(D(10_000), 10)]  # always paid within 30 days: no history past 1-30


def _cohorts(customer, prefix: str, pattern) -> None:
    n = 0
    for month in range(36):
        due = date(2022 + month // 12, month % 12 + 1, 1)
        for amount, late in pattern:
            n += 1
            invoice = invoice_issue(
                number=f"{prefix}{n}",
                customer=customer,
                invoice_date=due - timedelta(days=30),
                due_date=due,
                amount=amount,
            )
            paid_on = None if late is None else due + timedelta(days=late)
            if paid_on is not None and paid_on <= AS_OF:
                payment = Payment.objects.create(
                    reference=f"{prefix}P{n}",
                    customer=customer,
                    payment_date=paid_on,
                    amount=amount,
                    currency="CNY",
                )
                payment_allocate(payment=payment, invoice=invoice, amount=amount)


def _score(model: RiskModel, customer, segment: str, probability: str) -> None:
    CustomerRiskScore.objects.create(
        customer=customer,
        as_of=model.as_of,
        model=model,
        probability_late=D(probability),
        settled_invoices=40 if segment else 2,
        segment=segment,
        reasons=[{"feature": "late_share", "push": 0.1}],
    )


@pytest.fixture(scope="module")
def _ledger(module_db):
    """Three years of monthly cohorts: P1 (premium by the model) pays nearly on time, R1
    (high risk by the model) rolls far more, N1 (normal by the model) always pays within 30 days
    and owes one invoice 40 days overdue at the year-end. F1 (class D) and F2 (class A, scored with
    too little history) have no segment from the model and one invoice not yet due."""
    premium = customer_create(code="P1", name="Prompt Co", credit_class="B")
    risky = customer_create(code="R1", name="Rolling Co", credit_class="B")
    normal = customer_create(code="N1", name="Normal Co", credit_class="B")
    _cohorts(premium, "P", PREMIUM_PATTERN)
    _cohorts(risky, "R", HIGH_RISK_PATTERN)
    _cohorts(normal, "N", NORMAL_PATTERN)
    invoice_issue(
        number="N-OPEN",
        customer=normal,
        invoice_date=AS_OF - timedelta(days=70),
        due_date=AS_OF - timedelta(days=40),
        amount=D(8_000),
    )
    unscored = customer_create(code="F1", name="Unscored Co", credit_class="D")
    young = customer_create(code="F2", name="Young Co", credit_class="A")
    for customer, number in ((unscored, "F1-1"), (young, "F2-1")):
        invoice_issue(
            number=number,
            customer=customer,
            invoice_date=AS_OF - timedelta(days=10),
            due_date=AS_OF + timedelta(days=20),
            amount=D(20_000),
        )
    blob = pickle.dumps({"stand-in": True})
    model = RiskModel.objects.create(
        as_of=AS_OF - timedelta(days=2),
        grace_days=0,
        seed=1,
        train_size=500,
        late_share=D("0.3"),
        blob=blob,
        blob_sha256=hashlib.sha256(blob).hexdigest(),
    )
    _score(model, premium, "premium", "0.05")
    _score(model, risky, "high_risk", "0.80")
    _score(model, normal, "normal", "0.30")
    _score(model, young, "", "0.10")  # too little history of its own: no segment from the model
    return model


@pytest.fixture
def ledger(_ledger, db):
    return _ledger


def _rates(provision, segment: str) -> list[str]:
    return [f"{rate * 100:.2f}" for rate in provision.rates[segment][:4]]


def test_the_high_risk_band_loses_more_than_the_premium_band(ledger):
    by_risk = provision_as_of(as_of=AS_OF, segment_by="risk")
    # Premium rolls 10 %, 40 %, 25 %, 40 %; high risk 50 %, 60 %, 50 %, 33.3 %; then 100 %.
    assert _rates(by_risk, "premium") == ["0.40", "4.00", "10.00", "40.00"]
    assert _rates(by_risk, "high_risk") == ["5.00", "10.00", "16.67", "33.33"]
    segments = {line.key: line.segment for line in by_risk.lines}
    assert segments == {
        "P1": "premium",
        "R1": "high_risk",
        "N1": "normal",
        "F1": "high_risk",
        "F2": "premium",
    }
    whole = provision_as_of(as_of=AS_OF)
    assert whole.segment_by is None and set(whole.rates) == {"all"}
    assert by_risk.balance == whole.balance and by_risk.total != whole.total
    # F1's 20,000 not yet due: at the high-risk band's 5 %, not the premium's 0.4 %.
    f1 = next(line for line in by_risk.lines if line.key == "F1")
    assert f1.provision == D("1000.00")


def test_a_customer_the_model_has_not_banded_falls_back_to_the_class_heuristic(ledger):
    bands = risk_bands(as_of=AS_OF)
    codes = dict(Customer.objects.values_list("pk", "code"))
    assert {codes[pk] for pk in bands.by_heuristic} == {"F1", "F2"}
    provision = provision_as_of(as_of=AS_OF, segment_by="risk")
    assert provision.banded_by_heuristic == ["F1", "F2"]
    # Class D without a score: high risk; class A scored with too little history: premium.
    assert {line.key: line.segment for line in provision.lines if line.key.startswith("F")} == {
        "F1": "high_risk",
        "F2": "premium",
    }
    # A score older than RISK_SCORE_MAX_AGE_DAYS is not used: every customer falls back.
    later = provision_as_of(as_of=AS_OF + timedelta(days=30), segment_by="risk")
    assert later.banded_by_heuristic == ["F1", "F2", "N1", "P1", "R1"]


def test_a_band_without_history_for_a_bucket_takes_the_rate_of_all_customers(ledger):
    by_risk = provision_as_of(as_of=AS_OF, segment_by="risk")
    whole = provision_as_of(as_of=AS_OF)
    # N1 paid everything within 30 days: nothing of the normal band entered 61-90 in the window.
    assert by_risk.pooled["normal"] == [False, False, True, True, True, True, False]
    assert by_risk.pooled["premium"] == [False] * 7 and by_risk.pooled["high_risk"] == [False] * 7
    assert by_risk.rates["normal"][2] == whole.rates["all"][2] < 1
    overdue = next(line for line in by_risk.lines if line.key == "N1")
    assert (overdue.bucket, overdue.balance, overdue.rate) == ("31-60", D(8_000), whole.rates["all"][2])
    # The one matrix has nothing to fall back to: no rate of its is marked.
    assert whole.pooled["all"] == [False] * 7


def test_class_segments_take_the_rate_of_all_customers_too(ledger):
    by_class = provision_as_of(as_of=AS_OF, segment_by="class")
    whole = provision_as_of(as_of=AS_OF)
    # Class D (F1) and class A (F2) have no history at all: every roll is all customers'.
    assert by_class.rates["D"] == by_class.rates["A"] == whole.rates["all"]
    assert by_class.pooled["D"] == [True] * 6 + [False]
    assert by_class.rates["B"] == whole.rates["all"] and by_class.pooled["B"] == [False] * 7


def test_the_history_is_one_query_whatever_the_customers(ledger, django_assert_num_queries):
    bands = risk_bands(as_of=AS_OF).of
    with django_assert_num_queries(1):
        flows = history_flows(as_of=AS_OF, window_months=12, segment_by="risk", bands=bands)
    assert set(flows) == {"premium", "high_risk", "normal"}
    assert flows["premium"][0].roll_rate == D("0.1") and flows["high_risk"][0].roll_rate == D("0.5")


def test_the_command_line_by_risk(ledger, huikuan, tmp_path):
    result = huikuan("provision", "--as-of", AS_OF.isoformat(), "--by", "risk", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["by"] == "risk" and data["banded_by_heuristic"] == ["F1", "F2"]
    rates = {(row["segment"], row["bucket"]): (row["rate"], row["pooled"]) for row in data["matrix"]}
    assert {segment for segment, _ in rates} == {"premium", "normal", "high_risk"}
    assert rates[("premium", "current")] == ("0.40", False)
    assert rates[("high_risk", "current")] == ("5.00", False)
    assert rates[("normal", "31-60")][1] is True
    assert D(data["total"]["provision"]) == provision_as_of(as_of=AS_OF, segment_by="risk").total
    text = huikuan("provision", "--as-of", AS_OF.isoformat(), "--by", "risk").stdout
    assert "by risk" in text and " *" in text
    assert "Banded by the class heuristic (no fresh risk score): 2 customer(s): F1, F2" in text
    target = tmp_path / "provision.csv"
    done = huikuan(
        "provision", "--as-of", "2024-12-31", "--by", "risk", "--csv", str(target), "--language", "zh-hans"
    )
    assert done.code == 0
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0][2] == "风险分层"
    segments = {row[0]: row[2] for row in rows[1:] if row[0] in {"P1", "R1", "N1", "F1", "F2"}}
    assert segments == {
        "F1": "高风险（信用等级经验规则）",
        "F2": "优质（信用等级经验规则）",
        "N1": "普通",
        "P1": "优质",
        "R1": "高风险",
    }
    assert ["全体客户的迁徙率", "", "普通", "31-60"] == rows[-4][:4]


def test_the_setting_decides_when_the_caller_does_not(ledger, huikuan):
    assert provision_as_of(as_of=AS_OF).segment_by is None
    policy_set(key="PROVISION_SEGMENT_BY", value="risk", updated_by="cfo")
    now, before = provision_change(as_of=AS_OF)
    assert now.segment_by == before.segment_by == "risk"
    assert now.total == provision_as_of(as_of=AS_OF, segment_by="risk").total
    assert provision_as_of(as_of=AS_OF, segment_by="class").segment_by == "class"
    assert huikuan("provision", "--as-of", "2024-12-31", "--json").json()["by"] == "risk"
    monthly = report_build(kind="monthly", day=AS_OF)["provision"]
    assert monthly["by"] == "risk" and monthly["banded_by_heuristic"] == 2
    assert D(monthly["provision"]) == now.total
    policy_set(key="PROVISION_SEGMENT_BY", value="colour", updated_by="cfo")
    with pytest.raises(RuleViolation, match="PROVISION_SEGMENT_BY"):
        provision_as_of(as_of=AS_OF)
    policy_set(key="PROVISION_SEGMENT_BY", value="", updated_by="cfo")
    assert provision_as_of(as_of=AS_OF).segment_by is None

"""Early warnings: each rule fires on a ledger that meets it and not on one that doesn't,
a second run raises nothing twice, grades route to the collector, the credit manager or the
CFO, notifications and one digest email per recipient are queued, and a warning is
acknowledged once, by someone who may see it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.accounts.services import user_create
from huikuan.approvals.models import Notification
from huikuan.collections.models import PromiseStatus
from huikuan.collections.services import promise_make, promises_evaluate
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.correspondence.models import OutboundEmail
from huikuan.credit.models import ClassChange, CreditEvaluation, FinancialStatement
from huikuan.finance.models import EarlyWarning, WarningStatus
from huikuan.finance.warning_selectors import access_warnings, warning_sentence, warnings_filtered
from huikuan.finance.warning_services import warning_acknowledge, warnings_run
from huikuan.ledger.models import Customer
from huikuan.ledger.services import invoice_issue

D = Decimal
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db) -> dict:
    roles = {"col_li": "collector", "col_zhao": "collector", "cm_sun": "credit_manager", "cfo_wu": "cfo"}
    people = {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1").user
        for name, role in roles.items()
    }
    for name, user in people.items():
        user.email = f"{name}@example.com"
        user.save()
    return people


def customer(code: str, **fields) -> Customer:
    defaults = {"name": code, "currency": "CNY", "collector": "col_li", "credit_class": "B"}
    return Customer.objects.create(code=code, **{**defaults, **fields})


def invoice(number: str, who: Customer, amount: str, due: date, issued: date | None = None):
    return invoice_issue(
        number=number,
        customer=who,
        invoice_date=issued or due - timedelta(days=30),
        amount=D(amount),
        due_date=due,
    )


def rules_raised(as_of: date = TODAY) -> set[tuple[str, str]]:
    warnings_run(as_of=as_of)
    return set(EarlyWarning.objects.values_list("rule", "customer__code"))


# ---------------------------------------------------------------- each rule


def test_credit_usage_from_ninety_percent(people):
    near = customer("NEAR", credit_limit=D("100000"))
    far = customer("FAR", credit_limit=D("100000"))
    invoice("N-1", near, "90000.00", TODAY + timedelta(days=20))
    invoice("F-1", far, "89999.99", TODAY + timedelta(days=20))
    assert rules_raised() == {("credit_usage", "NEAR")}
    warning = EarlyWarning.objects.get()
    assert warning.figures["usage_percent"] == "90.0"
    assert "90.0%" in warning_sentence(warning)


def test_broken_promise(people):
    who = customer("PROM")
    kept = customer("KEPT")
    invoice("P-1", who, "5000.00", TODAY - timedelta(days=20))
    invoice("K-1", kept, "5000.00", TODAY - timedelta(days=20))
    promise_make(customer=who, promised_date=TODAY - timedelta(days=3), amount=D("5000"),
                 made_on=TODAY - timedelta(days=10), made_by=people["col_li"])  # fmt: skip
    promise_make(customer=kept, promised_date=TODAY + timedelta(days=3), amount=D("5000"),
                 made_on=TODAY - timedelta(days=10), made_by=people["col_li"])  # fmt: skip
    promises_evaluate(as_of=TODAY - timedelta(days=2))
    assert rules_raised() == {("broken_promise", "PROM")}


def test_invoice_newly_past_sixty_days(people):
    who = customer("OLD")
    invoice("O-61", who, "1000.00", TODAY - timedelta(days=61))
    invoice("O-60", who, "1000.00", TODAY - timedelta(days=60))  # 60 days: not past 60
    invoice("O-200", who, "1000.00", TODAY - timedelta(days=200))  # crossed long ago
    warnings_run(as_of=TODAY)
    assert list(EarlyWarning.objects.values_list("rule", "invoice__number")) == [("newly_overdue", "O-61")]


def test_large_invoice_of_class_c_falling_due(people):
    c = customer("CC", credit_class="C")
    b = customer("BB", credit_class="B")
    invoice("C-BIG", c, "100000.00", TODAY + timedelta(days=7))
    invoice("C-SMALL", c, "99999.99", TODAY + timedelta(days=3))
    invoice("C-LATER", c, "500000.00", TODAY + timedelta(days=8))
    invoice("B-BIG", b, "500000.00", TODAY + timedelta(days=3))
    warnings_run(as_of=TODAY)
    assert list(EarlyWarning.objects.values_list("rule", "invoice__number")) == [("large_due_soon", "C-BIG")]


def _statement(who: Customer, ebit: str) -> FinancialStatement:
    return FinancialStatement.objects.create(
        customer=who, statement_date=TODAY - timedelta(days=40), kind="non_manufacturer",
        working_capital=D("100000"), retained_earnings=D("100000"), ebit=D(ebit), book_equity=D("300000"),
        total_liabilities=D("500000"), sales=D("1000000"), total_assets=D("1000000"),
    )  # fmt: skip


def test_altman_distress(people):
    weak = customer("WEAK")
    strong = customer("STRONG")
    _statement(weak, "-200000")
    _statement(strong, "300000")
    assert rules_raised() == {("altman_distress", "WEAK")}
    assert EarlyWarning.objects.get().grade == 3


def test_class_downgrade_not_upgrade(people):
    down = customer("DOWN", credit_class="C")
    up = customer("UP", credit_class="A")
    ClassChange.objects.create(customer=down, from_class="B", to_class="C", source="approval")
    ClassChange.objects.create(customer=up, from_class="B", to_class="A", source="approval")
    today = date.today()
    assert rules_raised(today) == {("class_downgrade", "DOWN")}


def _evaluation(who: Customer, period: str, payment: str) -> CreditEvaluation:
    zero = D("0")
    return CreditEvaluation.objects.create(
        customer=who, period=period, customer_revenue=zero, department_revenue=zero,
        benchmark_margin=D("0.2"),
        receipts=zero, overdue_at_start=zero, falling_due=zero, revenue_score=zero, profitability_score=zero,
        payment_score=D(payment), industry_score=zero, total_score=D(payment), proposed_class="B",
    )  # fmt: skip


def test_payment_pattern_worsening(people):
    worse = customer("WORSE")
    steady = customer("STEADY")
    _evaluation(worse, "2026-01", "24")
    _evaluation(worse, "2026-02", "21")
    _evaluation(steady, "2026-01", "24")
    _evaluation(steady, "2026-02", "21.01")
    assert rules_raised() == {("payment_worsening", "WORSE")}


def test_a_threshold_is_a_setting(people):
    who = customer("NEAR", credit_limit=D("100000"))
    invoice("N-1", who, "80000.00", TODAY + timedelta(days=20))
    assert rules_raised() == set()
    policy_set(key="WARNING_CREDIT_USAGE", value="0.80", updated_by="test")
    assert rules_raised() == {("credit_usage", "NEAR")}


# ---------------------------------------------------------------- run, routing, digest


def _three_grades() -> None:
    c = customer("CC", credit_class="C", collector="col_li")  # large due soon: grade 1
    invoice("C-BIG", c, "200000.00", TODAY + timedelta(days=2))
    old = customer("OLD", collector="col_zhao")  # newly overdue: grade 2
    invoice("O-61", old, "1000.00", TODAY - timedelta(days=61))
    _statement(customer("WEAK", collector="col_zhao"), "-200000")  # distress: grade 3


def test_a_second_run_raises_nothing_twice(people):
    _three_grades()
    first = warnings_run(as_of=TODAY)
    emails = OutboundEmail.objects.count()
    second = warnings_run(as_of=TODAY)
    assert len(first.created) == 3 and len(second.created) == 0 and second.already == 3
    assert EarlyWarning.objects.count() == 3
    assert OutboundEmail.objects.count() == emails
    # The next day the overdue invoice is 62 days overdue: still the same warning.
    assert len(warnings_run(as_of=TODAY + timedelta(days=1)).created) == 0


def test_routed_by_grade_and_digest_queued(people):
    _three_grades()
    run = warnings_run(as_of=TODAY)
    routed = dict(EarlyWarning.objects.values_list("customer__code", "routed_to"))
    assert routed == {"CC": "collector", "OLD": "credit_manager", "WEAK": "cfo"}
    notified = {
        (n.user.username, n.message.split(":")[0]) for n in Notification.objects.select_related("user")
    }
    assert notified == {("col_li", "[info] CC"), ("cm_sun", "[warning] OLD"), ("cfo_wu", "[severe] WEAK")}
    digests = OutboundEmail.objects.filter(purpose="warning_digest").order_by("to")
    assert [e.to for e in digests] == [["cfo_wu@example.com"], ["cm_sun@example.com"], ["col_li@example.com"]]
    assert run.digests == 3
    cfo = digests[0]
    assert "1 early warning(s)" in cfo.subject and "Altman Z" in cfo.body and "WEAK" in cfo.body


def test_grades_and_recipients_are_settings(people):
    policy_set(key="WARNING_GRADES", value={"large_due_soon": 3}, updated_by="test")
    c = customer("CC", credit_class="C")
    invoice("C-BIG", c, "200000.00", TODAY + timedelta(days=2))
    warnings_run(as_of=TODAY)
    assert EarlyWarning.objects.get().routed_to == "cfo"


# ---------------------------------------------------------------- seeing and acknowledging


def test_collector_sees_only_their_customers(people):
    _three_grades()
    warnings_run(as_of=TODAY)
    assert set(access_warnings(user=people["col_li"]).values_list("customer__code", flat=True)) == {"CC"}
    assert access_warnings(user=people["cm_sun"]).count() == 3
    mine = warnings_filtered(access_warnings(user=people["cfo_wu"]), grade="3", status="open")
    assert [w.customer.code for w in mine] == ["WEAK"]
    with pytest.raises(RuleViolation, match="grade"):
        warnings_filtered(access_warnings(user=people["cfo_wu"]), grade="9")


def test_acknowledged_once(people):
    _three_grades()
    warnings_run(as_of=TODAY)
    warning = EarlyWarning.objects.get(customer__code="WEAK")
    done = warning_acknowledge(warning=warning, user=people["cfo_wu"], note="called their CFO")
    assert done.status == WarningStatus.ACKNOWLEDGED and done.acknowledged_by == "cfo_wu"
    with pytest.raises(RuleViolation, match="already acknowledged by cfo_wu"):
        warning_acknowledge(warning=warning, user=people["cm_sun"])
    assert EarlyWarning.objects.filter(status="open").count() == 2


def test_promise_status_is_the_collections_rule(people):
    """A promise still open (its date not past) is never a broken-promise warning."""
    who = customer("PROM")
    invoice("P-1", who, "5000.00", TODAY - timedelta(days=20))
    promise = promise_make(customer=who, promised_date=TODAY, amount=D("5000"),
                           made_on=TODAY - timedelta(days=5), made_by=people["col_li"])  # fmt: skip
    promises_evaluate(as_of=TODAY)
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN
    assert rules_raised() == set()


def test_a_role_with_nobody_falls_back_to_the_credit_managers(people):
    policy_set(key="WARNING_RECIPIENT_GRADE_3", value="president", updated_by="test")
    _statement(customer("WEAK"), "-200000")
    warnings_run(as_of=TODAY)
    assert EarlyWarning.objects.get().routed_to == "president"
    assert [n.user.username for n in Notification.objects.all()] == ["cm_sun"]

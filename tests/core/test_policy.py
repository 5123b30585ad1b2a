"""Business settings: defaults from settings, overrides a manager makes, audited."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from huikuan.core.errors import NotFound, RuleViolation
from huikuan.core.models import PolicySetting
from huikuan.core.policy import policy_reset, policy_set, policy_value, policy_values
from huikuan.ledger.services import customer_create, invoice_issue

pytestmark = pytest.mark.django_db


def test_a_setting_is_its_default_until_a_manager_changes_it():
    assert policy_value("OVERDUE_FEE_ANNUAL_RATE") == Decimal("0.0435")
    policy_set(key="OVERDUE_FEE_ANNUAL_RATE", value="0.05", updated_by="cm")
    assert policy_value("OVERDUE_FEE_ANNUAL_RATE") == Decimal("0.05")
    assert isinstance(policy_value("OVERDUE_FEE_ANNUAL_RATE"), Decimal)
    policy_reset(key="OVERDUE_FEE_ANNUAL_RATE")
    assert policy_value("OVERDUE_FEE_ANNUAL_RATE") == Decimal("0.0435")


def test_changes_are_audited_and_typed():
    policy_set(key="TERM_DAYS_BY_CLASS", value={"A": "90", "B": 45, "C": 30, "D": 0})
    assert policy_values()["TERM_DAYS_BY_CLASS"]["A"] == 90
    setting = PolicySetting.objects.get(key="TERM_DAYS_BY_CLASS")
    assert LogEntry.objects.get_for_object(setting).exists()


def test_bad_values_and_unknown_keys_are_refused():
    with pytest.raises(RuleViolation, match="TERM_START_DELAY_DAYS"):
        policy_set(key="TERM_START_DELAY_DAYS", value="five")
    with pytest.raises(RuleViolation):
        policy_set(key="OVERDUE_FEE_ANNUAL_RATE", value=0.05)
    with pytest.raises(NotFound):
        policy_set(key="NO_SUCH_SETTING", value="1")


def test_changed_class_terms_move_the_due_date_of_new_invoices():
    customer = customer_create(code="C1", name="甲公司", credit_class="A")
    policy_set(key="TERM_DAYS_BY_CLASS", value={"A": 90, "B": 45, "C": 30, "D": 0})
    invoice = invoice_issue(
        customer=customer, number="INV-1", invoice_date=date(2026, 1, 1), amount=Decimal("100")
    )
    assert invoice.due_date == date(2026, 4, 6)  # 1 Jan + 5 days' delay + 90 days

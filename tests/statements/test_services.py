"""Statements as snapshots of the ledger: the balances add up, the same period is never made
or sent twice, and the schedule picks the customers due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huikuan.correspondence.models import OutboundEmail
from huikuan.ledger.entries import account_activity, account_entries
from huikuan.ledger.services import invoice_issue
from huikuan.statements.models import AccountStatement, StatementLine, StatementStatus
from huikuan.statements.selectors import period_bounds, statements_due
from huikuan.statements.services import schedule_set, statement_create, statement_issue, statement_send
from tests.conftest import examples

APRIL = (date(2024, 4, 1), date(2024, 4, 30))


def _april(customer):
    return statement_create(
        customer=customer, kind="account", start=APRIL[0], end=APRIL[1], created_by="test"
    )


def test_the_april_statement_opens_with_march_and_adds_up_to_the_closing_balance(spring):
    statement = _april(spring["hupan"])
    assert statement.reference == "DZ-HZ001-202404"
    assert statement.opening_balance == Decimal("100000.00")
    assert (statement.invoiced, statement.received, statement.credited) == (
        Decimal("23456.78"),
        Decimal("41000.00"),
        Decimal("500.00"),
    )
    lines = list(statement.lines.all())
    assert [line.reference for line in lines] == ["YS-0402", "HK-001", "CN-001", "HK-002"]
    assert statement.opening_balance + sum(line.amount for line in lines) == statement.closing_balance
    assert statement.closing_balance == Decimal("81956.78")
    assert lines[-1].balance == statement.closing_balance
    # The closing balance is the ledger's own running balance at the end of April.
    ledger_end_of_april = [e for e in account_entries(customer=spring["hupan"]) if e.entry_date <= APRIL[1]]
    assert ledger_end_of_april[-1].balance == statement.closing_balance


def test_a_statement_is_a_snapshot_the_ledger_does_not_change(spring):
    statement = _april(spring["hupan"])
    invoice_issue(
        number="YS-0415", customer=spring["hupan"], invoice_date=date(2024, 4, 15), amount=Decimal("999.00")
    )
    again = _april(spring["hupan"])
    assert again.pk == statement.pk
    assert again.closing_balance == Decimal("81956.78")
    assert not StatementLine.objects.filter(reference="YS-0415").exists()


def test_a_balance_confirmation_lists_open_invoices_and_money_on_account(spring):
    confirmation = statement_create(
        customer=spring["hupan"],
        kind="confirmation",
        start=date(2024, 4, 30),
        end=date(2024, 4, 30),
        created_by="t",
    )
    assert confirmation.reference == "XZ-HZ001-20240430"
    lines = {line.reference: line.amount for line in confirmation.lines.all()}
    assert lines == {"YS-0301": Decimal("60000.00"), "YS-0402": Decimal("22956.78"), "—": Decimal("-1000.00")}
    assert sum(lines.values()) == confirmation.closing_balance == Decimal("81956.78")


def test_sending_again_sends_nothing_new_unless_asked(spring, django_capture_on_commit_callbacks):
    statement = _april(spring["hupan"])
    first = statement_send(statement=statement)
    assert statement_send(statement=statement).pk == first.pk
    statement_issue(customer=spring["hupan"], kind="account", start=APRIL[0], end=APRIL[1], created_by="t")
    assert AccountStatement.objects.count() == 1
    assert OutboundEmail.objects.filter(purpose="statement").count() == 1
    assert statement.links.count() == 1
    copy = statement_send(statement=statement, again=True)
    assert copy.pk != first.pk and statement.links.count() == 2
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT
    names = sorted(a.filename for a in first.attachments.all())
    assert names == ["DZ-HZ001-202404.pdf", "DZ-HZ001-202404.xlsx"]


def test_the_email_is_in_the_customers_language_with_the_answer_link(spring, settings):
    settings.HUIKUAN_PUBLIC_URL = "https://ar.example.cn"
    english = statement_send(statement=_april(spring["lion"]))
    chinese = statement_send(statement=_april(spring["hupan"]))
    assert english.subject.startswith("Statement of account DZ-SG005-202404")
    assert "https://ar.example.cn/statements/answer/" in english.body
    assert "对账单" in chinese.subject and "https://ar.example.cn/statements/answer/" in chinese.body
    token = chinese.body.split("/statements/answer/")[1].split("/")[0]
    # Only the token's hash is stored.
    links = AccountStatement.objects.get(reference="DZ-HZ001-202404").links
    assert links.count() == 1 and not links.filter(token_sha256=token).exists()


def test_a_customer_without_an_email_address_is_refused_clearly(spring):
    from huikuan.core.errors import RuleViolation

    spring["lion"].email = ""
    spring["lion"].save()
    with pytest.raises(RuleViolation, match="SG005"):
        statement_send(statement=_april(spring["lion"]))


def test_the_schedule_picks_the_customers_due_on_the_send_day(spring):
    assert statements_due(day=date(2024, 5, 2)) == []
    due = {customer.code: (start, end) for customer, start, end in statements_due(day=date(2024, 5, 1))}
    assert due == {"HZ001": APRIL, "SG005": APRIL}
    schedule_set(customer=spring["lion"], frequency="quarterly", updated_by="t")
    schedule_set(customer=spring["hupan"], frequency="none", updated_by="t")
    assert statements_due(day=date(2024, 5, 1)) == []
    quarter = {customer.code: (start, end) for customer, start, end in statements_due(day=date(2024, 7, 1))}
    assert quarter == {"SG005": (date(2024, 4, 1), date(2024, 6, 30))}


def test_the_daily_job_sends_each_due_statement_once(spring, django_capture_on_commit_callbacks):
    from huikuan.jobs.services import job_run

    with django_capture_on_commit_callbacks(execute=True):
        run = job_run(name="statements", date=date(2024, 5, 1))
    assert run.result == {"due": 2, "tasks": 2}
    assert set(AccountStatement.objects.values_list("reference", "status")) == {
        ("DZ-HZ001-202404", "sent"),
        ("DZ-SG005-202404", "sent"),
    }
    assert statements_due(day=date(2024, 5, 1)) == []  # sent: not due again
    assert OutboundEmail.objects.filter(purpose="statement").count() == 2


def test_a_period_is_a_month_or_a_clear_refusal():
    from huikuan.core.errors import RuleViolation

    assert period_bounds(period="2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    for wrong in ("2024-13", "2024/02", "24-02", ""):
        with pytest.raises(RuleViolation, match="YYYY-MM"):
            period_bounds(period=wrong)
    for far in ("0000-01", "1899-12", "9999-12"):
        with pytest.raises(RuleViolation, match="1900-01"):
            period_bounds(period=far)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=examples(25), deadline=None)
@given(
    days=st.lists(st.tuples(st.integers(0, 90), amounts, st.booleans()), min_size=1, max_size=12),
    cut=st.integers(0, 90),
)
@pytest.mark.django_db
def test_opening_plus_the_period_is_the_closing_balance_for_any_cut(days, cut):
    """Whatever the entries and wherever the period starts: opening + entries = closing, and
    the closing balance equals the ledger's running balance."""
    from huikuan.ledger.models import Customer, Invoice, Payment
    from huikuan.ledger.services import customer_create

    Payment.objects.all().delete()
    Invoice.objects.all().delete()
    Customer.objects.all().delete()
    customer = customer_create(code="P1", name="性质测试")
    start = date(2024, 1, 1)
    for number, (offset, amount, is_invoice) in enumerate(days):
        day = date.fromordinal(start.toordinal() + offset)
        if is_invoice:
            invoice_issue(number=f"I{number}", customer=customer, invoice_date=day, amount=amount)
        else:
            Payment.objects.create(
                reference=f"P{number}", customer=customer, payment_date=day, amount=amount, currency="CNY"
            )
    period_start = date.fromordinal(start.toordinal() + cut)
    activity = account_activity(customer=customer, start=period_start, end=date(2024, 6, 30), currency="CNY")
    assert activity.opening_balance + sum(e.amount for e in activity.entries) == activity.closing_balance
    assert activity.closing_balance == account_entries(customer=customer)[-1].balance

"""Loss rates from the ledger's own history, the provision report, specific provisions and
the journal of the change since the last month-end."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management.base import CommandError

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.finance.models import SpecificProvision
from huikuan.finance.provision import Flow, cohort_flows
from huikuan.finance.provisioning import history_flows, provision_as_of
from huikuan.finance.services import specific_provision_add
from huikuan.ledger.models import Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate

D = Decimal
AS_OF = date(2024, 12, 31)
# Each month's cohort: paid on the due date, 15, 45 and 75 days late, and never.
PATTERN = [(D(50_000), 0), (D(27_000), 15), (D(15_000), 45), (D(6_000), 75), (D(2_000), None)]


@pytest.fixture(scope="module")
def _history(module_db):
    """Three years of monthly cohorts of 100,000 that all pay the same way (class B): 180
    invoices and their payments, made once for the module's tests (each test's writes are
    undone after it)."""
    customer = customer_create(code="H1", name="History Co", credit_class="B", department="East")
    n = 0
    for month in range(36):
        due = date(2022 + month // 12, month % 12 + 1, 1)
        for amount, late in PATTERN:
            n += 1
            invoice = invoice_issue(
                number=f"H{n}",
                customer=customer,
                invoice_date=due - timedelta(days=30),
                due_date=due,
                amount=amount,
            )
            paid_on = None if late is None else due + timedelta(days=late)
            if paid_on is not None and paid_on <= AS_OF:
                payment = Payment.objects.create(
                    reference=f"HP{n}", customer=customer, payment_date=paid_on, amount=amount, currency="CNY"
                )
                payment_allocate(payment=payment, invoice=invoice, amount=amount)
    return customer


@pytest.fixture
def steady_history(_history, db):
    return _history


def test_roll_rates_from_history_are_the_cohorts(steady_history):
    flows = history_flows(as_of=AS_OF, window_months=12, segment_by="class")
    expected = cohort_flows([D(100_000), D(50_000), D(23_000), D(8_000), D(2_000), D(2_000), D(2_000)])
    # Twelve cohorts entered each bucket within the window: 12 × the cohort's flows.
    assert [f.roll_rate for f in flows["B"]] == [f.roll_rate for f in expected]
    assert flows["B"][0] == Flow(D(1_200_000), D(600_000))


def test_provision_report_by_class(steady_history, huikuan):
    result = huikuan("provision", "--as-of", AS_OF.isoformat(), "--by", "class", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    rates = {row["bucket"]: row["rate"] for row in data["matrix"] if row["segment"] == "B"}
    assert rates == {
        "current": "2.00", "1-30": "4.00", "31-60": "8.70", "61-90": "25.00",
        "91-180": "100.00", "181-360": "100.00", "361+": "100.00",
    }  # fmt: skip
    # Open at the year-end: the late parts of the last cohorts and every never-paid invoice.
    lines = data["lines"]
    assert all(line["key"] == "H1" for line in lines)
    total = sum(D(line["provision"]) for line in lines)
    assert D(data["total"]["provision"]) == total > 0
    assert data["previous"]["as_of"] == "2024-11-30"
    change = D(data["change"])
    assert change == total - D(data["previous"]["provision"])
    debit = sum(D(line["debit"]) for line in data["journal"])
    credit = sum(D(line["credit"]) for line in data["journal"])
    assert debit == credit == abs(change)


def test_specific_provision_takes_the_customer_out_of_the_matrix(steady_history, huikuan, tmp_path):
    before = provision_as_of(as_of=AS_OF)
    assert before.lines and not before.specific
    specific_provision_add(
        customer=steady_history, rate=D("0.6"), reason="bankruptcy filed", effective_from=date(2024, 12, 1),
        created_by="cfo",
    )  # fmt: skip
    after = provision_as_of(as_of=AS_OF)
    assert after.lines == [] and len(after.specific) == 1
    assert after.specific[0].balance == before.balance
    assert after.total == (before.balance * D("0.6")).quantize(D("0.01"))
    assert LogEntry.objects.get_for_model(SpecificProvision).count() == 1
    # Not yet in force at the previous month-end.
    assert provision_as_of(as_of=date(2024, 11, 30)).specific == []
    target = tmp_path / "provision.csv"
    assert huikuan("provision", "--as-of", "2024-12-31", "--csv", str(target)).code == 0
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[1][0] == "H1" and rows[1][6] == f"{after.total:.2f}"
    journal = list(csv.reader((tmp_path / "provision-journal.csv").open(encoding="utf-8-sig")))
    assert len(journal) == 4  # header, debit, credit, the change


def test_an_invoice_in_dispute_is_provisioned_on_its_own(steady_history):
    invoice = steady_history.invoices.get(number="H175")  # due 1 Dec 2024, 2,000 never paid
    specific_provision_add(
        customer=steady_history,
        invoice=invoice,
        rate=D("1"),
        reason="disputed",
        effective_from=date(2024, 12, 1),
    )
    report = provision_as_of(as_of=AS_OF)
    assert [(s.key, s.balance, s.provision) for s in report.specific] == [("H175", D(2000), D("2000.00"))]
    assert report.balance == provision_as_of(as_of=date(2024, 12, 31)).balance


def test_manual_matrix_and_forward_looking_adjustment(steady_history):
    rolled = provision_as_of(as_of=AS_OF)
    policy_set(key="PROVISION_FORWARD_LOOKING_ADJUSTMENT", value="0.10", updated_by="cfo")
    adjusted = provision_as_of(as_of=AS_OF)
    assert adjusted.rates["all"][0] == D("0.022") and adjusted.total > rolled.total
    policy_set(key="PROVISION_METHOD", value="manual", updated_by="cfo")
    manual = provision_as_of(as_of=AS_OF)
    assert manual.method == "manual" and manual.rates["all"][0] == D("0.01")
    assert LogEntry.objects.filter(object_repr__icontains="PROVISION").count() >= 2


def test_bad_inputs_are_refused(steady_history, huikuan):
    with pytest.raises(RuleViolation, match="rate"):
        specific_provision_add(customer=steady_history, rate=D("1.5"), reason="x", effective_from=AS_OF)
    with pytest.raises(RuleViolation, match="reason"):
        specific_provision_add(customer=steady_history, rate=D("0.5"), reason=" ", effective_from=AS_OF)
    with pytest.raises(CommandError, match="not a date"):
        huikuan("provision", "--as-of", "2024-13-01")
    with pytest.raises(CommandError, match="invalid choice"):
        huikuan("provision", "--as-of", "2024-12-31", "--by", "colour")


def test_xlsx_has_the_lines_and_the_journal(steady_history, huikuan, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "provision.xlsx"
    assert (
        huikuan("provision", "--as-of", "2024-12-31", "--xlsx", str(target), "--language", "zh-hans").code
        == 0
    )
    book = load_workbook(target)
    lines, journal = book.worksheets
    assert lines.title == "坏账准备" and journal.title == "会计分录"
    total = provision_as_of(as_of=AS_OF).total
    assert [row for row in lines.iter_rows(values_only=True)][-1][-1] == float(total)
    accounts = {row[1] for row in journal.iter_rows(min_row=2, values_only=True) if row[0]}
    assert accounts == {"6702 信用减值损失", "1231 坏账准备"}

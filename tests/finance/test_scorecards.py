"""Staff scorecards (考核与奖惩): each person's metrics equal the hand-worked figures of a small
ledger; the rules fire exactly at their thresholds; the month goes to the credit manager's
approval and is frozen once approved; a re-run before replaces the proposal; the payroll
workbook holds the approved lines."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import translation
from openpyxl import load_workbook

from huikuan.accounts.services import user_create
from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_decide
from huikuan.core.errors import RuleViolation
from huikuan.finance.models import ScorecardLine, ScorecardRun
from huikuan.finance.scorecard_config import scorecard_rule_save, scorecard_target_set
from huikuan.finance.scorecard_rules import RuleSpec, rule_fire, rules_apply, target_met, tiers_parse
from huikuan.finance.scorecards import scorecard_run, scorecard_xlsx
from tests.finance.scorecard_ledger import EXPECTED, EXPECTED_AMOUNTS, MONTH, build_may_ledger

D = Decimal


@pytest.fixture(autouse=True)
def in_english_and_fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture
def may_ledger(db):
    build_may_ledger()


@pytest.fixture
def managers(db):
    return [
        user_create(username=name, role="credit_manager", password="Huikuan-test-pw-1").user
        for name in ("cm_sun", "cm_zhou")
    ]


def _lines(run: ScorecardRun) -> dict:
    return {(line.role, line.person): line for line in run.lines.all()}


def test_each_persons_metrics_are_the_hand_worked_figures(may_ledger):
    run = scorecard_run(month=MONTH)
    lines = _lines(run)
    assert set(lines) == set(EXPECTED)
    for key, expected in EXPECTED.items():
        assert lines[key].values == expected, key


def test_the_default_rules_propose_the_hand_worked_amounts(may_ledger):
    run = scorecard_run(month=MONTH)
    lines = _lines(run)
    assert {key: line.amount for key, line in lines.items()} == EXPECTED_AMOUNTS
    assert run.total == D("700.00")
    qian = lines[("collector", "qian")]
    assert [(item["code"], item["amount"]) for item in qian.fired] == [
        ("collection-rate-tiers", "1000.00"),
        ("clearance-bonus", "300.00"),
    ]
    # Targets: the company's defaults, a person's own where set.
    assert qian.targets["collection_rate"] == "95.00"
    assert lines[("salesperson", "li")].targets["actions_done"] == "180.00"


def test_a_persons_own_target_and_a_per_unit_rule_are_data(may_ledger):
    scorecard_target_set(metric="collection_rate", person="li", value=D("85"), updated_by="cm")
    scorecard_rule_save(
        code="collected-per-10000", name="每回款一万元奖励", role="salesperson", metric="collected",
        kind="per_unit", unit=D("10000.00"), amount=D("20.00"), position=40,
    )  # fmt: skip
    lines = _lines(scorecard_run(month=MONTH))
    li = lines[("salesperson", "li")]
    assert li.targets["collection_rate"] == "85.00"
    assert lines[("salesperson", "wang")].targets["collection_rate"] == "95.00"
    # 21,000 collected: two whole units of 10,000 → 40; minus the overdue deduction.
    assert li.amount == D("-260.00")
    assert lines[("salesperson", "wang")].amount == D("-300.00")  # 1,500: not a whole unit


TIERS = RuleSpec(
    code="t", name="t", metric="collection_rate", kind="tiered", comparison="gte",
    tiers=((D("95"), D("1000.00")), (D("90"), D("500.00"))),
)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "amount"),
    [("95.00", "1000.00"), ("94.99", "500.00"), ("90.00", "500.00"), ("89.99", None), ("100.00", "1000.00")],
)
def test_a_tiered_bonus_pays_the_highest_tier_reached_exactly_at_its_threshold(value, amount):
    fired = rule_fire(TIERS, D(value))
    assert (fired and fired["amount"]) == amount


@pytest.mark.parametrize(("value", "amount"), [("15.00", None), ("15.01", "-300.00"), ("40.00", "-300.00")])
def test_a_deduction_above_a_ratio_is_not_taken_at_the_ratio_itself(value, amount):
    rule = RuleSpec(code="d", name="d", metric="overdue_ratio", kind="tiered", comparison="gt",
                    tiers=((D("15"), D("-300.00")),))  # fmt: skip
    fired = rule_fire(rule, D(value))
    assert (fired and fired["amount"]) == amount


def test_at_most_tiers_pay_the_lowest_threshold_reached():
    rule = RuleSpec(code="l", name="l", metric="overdue_ratio", kind="tiered", comparison="lte",
                    tiers=((D("10"), D("100.00")), (D("5"), D("300.00"))))  # fmt: skip
    assert rule_fire(rule, D("5.00"))["amount"] == "300.00"
    assert rule_fire(rule, D("5.01"))["amount"] == "100.00"
    assert rule_fire(rule, D("10.01")) is None
    assert rule_fire(rule, None) is None


def test_per_unit_counts_whole_units_only():
    rule = RuleSpec(
        code="u", name="u", metric="collected", kind="per_unit", unit=D("10000"), amount=D("20.00")
    )
    assert rule_fire(rule, D("9999.99")) is None
    assert rule_fire(rule, D("10000.00"))["amount"] == "20.00"
    assert rule_fire(rule, D("29999.99"))["amount"] == "40.00"


def test_rules_of_the_other_role_do_not_fire_and_targets_read_both_ways():
    collector_only = RuleSpec(code="c", name="c", metric="collection_rate", kind="tiered",
                              tiers=((D("0"), D("1.00")),), role="collector")  # fmt: skip
    assert rules_apply([collector_only], "salesperson", {"collection_rate": D("50")}) == ([], D(0))
    assert target_met("collection_rate", D("95.00"), D("95")) is True
    assert target_met("overdue_ratio", D("10.00"), D("10")) is True
    assert target_met("overdue_ratio", D("10.01"), D("10")) is False
    assert target_met("promises_kept", None, D("80")) is None


def test_tiers_are_typed_as_threshold_amount_pairs_and_bad_ones_are_refused(db):
    assert tiers_parse("95: 1000; 90：500") == [(D("95"), D("1000")), (D("90"), D("500"))]
    with pytest.raises(RuleViolation):
        tiers_parse("95 1000")
    with pytest.raises(RuleViolation):
        scorecard_rule_save(name="x", metric="collection_rate", kind="tiered", tiers=[])
    with pytest.raises(RuleViolation):
        scorecard_rule_save(name="x", metric="collection_rate", kind="tiered",
                            tiers=[(D("90"), D("1.005"))])  # fmt: skip
    with pytest.raises(RuleViolation):
        scorecard_rule_save(name="x", metric="collected", kind="per_unit", unit=D("0"), amount=D("1"))


def test_the_month_is_approved_by_a_credit_manager_then_frozen(may_ledger, managers):
    run = scorecard_run(month=MONTH)
    request = ApprovalRequest.objects.get(number=run.approval_number)
    assert (request.kind, request.status, request.requested_by.username) == (
        "scorecard",
        "pending",
        "huikuan-system",
    )
    with pytest.raises(RuleViolation, match="not approved"):
        scorecard_xlsx(run)
    approval_decide(request=request, actor=managers[0], decision="approve")
    run.refresh_from_db()
    assert (run.status, run.approved_by) == ("approved", "cm_sun")
    lines_before = list(run.lines.values_list("pk", "amount"))
    with pytest.raises(RuleViolation, match="approved"):
        scorecard_run(month=MONTH)
    assert list(run.lines.values_list("pk", "amount")) == lines_before


def test_a_rerun_before_approval_replaces_the_proposal_and_the_old_request_cannot_approve_it(
    may_ledger, managers
):
    first = scorecard_run(month=MONTH)
    old_request = ApprovalRequest.objects.get(number=first.approval_number)
    scorecard_rule_save(code="collection-rate-tiers", name="回款率阶梯奖金", metric="collection_rate",
                        kind="tiered", tiers=[(D("80"), D("200.00"))], position=10)  # fmt: skip
    second = scorecard_run(month=MONTH)
    assert second.pk == first.pk and second.revision == 2
    assert ScorecardLine.objects.filter(run=second).count() == 4
    assert _lines(second)[("salesperson", "li")].amount == D("-100.00")  # 87.50 ≥ 80 → 200 − 300
    deleted = LogEntry.objects.filter(
        content_type__model="scorecardline", action=LogEntry.Action.DELETE
    ).count()
    assert deleted == 4  # the replaced lines, in the audit trail
    with pytest.raises(RuleViolation, match="earlier revision"):
        approval_decide(request=old_request, actor=managers[0], decision="approve")
    old_request.refresh_from_db()
    assert old_request.status == Status.PENDING
    approval_decide(request=old_request, actor=managers[0], decision="reject", comment="旧版本")
    second.refresh_from_db()
    assert second.status == "proposed"  # rejecting the stale request leaves the current one
    approval_decide(
        request=ApprovalRequest.objects.get(number=second.approval_number),
        actor=managers[1],
        decision="approve",
    )
    second.refresh_from_db()
    assert second.status == "approved"


def test_a_rejected_month_can_be_run_again(may_ledger, managers):
    run = scorecard_run(month=MONTH)
    approval_decide(
        request=ApprovalRequest.objects.get(number=run.approval_number),
        actor=managers[0], decision="reject", comment="目标需调整",
    )  # fmt: skip
    run.refresh_from_db()
    assert run.status == "rejected"
    assert scorecard_run(month=MONTH).status == "proposed"


def test_a_month_not_over_is_not_scored(db):
    with pytest.raises(RuleViolation, match="not over"):
        scorecard_run(month="2999-01")
    with pytest.raises(RuleViolation):
        scorecard_run(month="2024-13")


def test_the_payroll_workbook_holds_the_approved_lines_as_numbers(may_ledger, managers):
    run = scorecard_run(month=MONTH)
    approval_decide(request=ApprovalRequest.objects.get(number=run.approval_number), actor=managers[0],
                    decision="approve")  # fmt: skip
    run.refresh_from_db()
    sheet = load_workbook(io.BytesIO(scorecard_xlsx(run))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Month", "Role", "Person")
    assert header[-3:] == ("Rules fired", "Amount", "Currency")
    by_person = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_person) == {"li", "wang", "qian", "zhao"}
    qian = by_person["qian"]
    assert qian["Role"] == "collector"
    assert qian["collection rate %"] == 100
    assert qian["Target: collection rate %"] == 95
    assert qian["actions done"] == 1
    assert qian["Amount"] == 1300
    assert qian["Currency"] == "CNY"
    assert "回款率阶梯奖金: 1000.00" in qian["Rules fired"]
    assert by_person["li"]["Amount"] == -300
    assert by_person["li"]["overdue ratio % at month end"] == pytest.approx(29.41)

"""The monthly classification computed from the ledger (SPEC §5.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.core.policy import policy_set
from huikuan.credit.models import CreditEvaluation
from huikuan.credit.services import credit_evaluate


def by_code(run) -> dict[str, CreditEvaluation]:
    return {evaluation.customer.code: evaluation for evaluation in run.evaluations}


def test_the_four_scores_come_from_the_months_figures_and_are_capped(march):
    hz = by_code(credit_evaluate(period="2026-03"))["HZ001"]

    assert hz.customer_revenue == Decimal("40000.00")
    assert hz.department_revenue == Decimal("100000.00")
    # 40% of the department's revenue / 10% × 100 = 400, capped at 35.
    assert hz.revenue_score == Decimal("35.00")
    # (30,000 × 25% + 10,000 × 15%) / 40,000 = 22.5% → 22.5 / 20 × 25 = 28.125, capped at 25.
    assert hz.weighted_margin == Decimal("0.225000")
    assert hz.profitability_score == Decimal("25.00")
    assert (hz.overdue_at_start, hz.falling_due, hz.receipts) == (
        Decimal("40000.00"),
        Decimal("20000.00"),
        Decimal("45000.00"),
    )
    assert hz.collection_rate == Decimal("0.750000")
    assert hz.payment_score == Decimal("18.75")
    assert hz.industry_score == Decimal("12.00")  # listed
    assert hz.total_score == Decimal("90.75")
    # Payment 18.75 is under C's 21: class D, though the total is high.
    assert hz.proposed_class == "D"
    assert hz.current_class == "B"


def test_scores_below_their_maxima_follow_the_formulas(march):
    evaluations = by_code(credit_evaluate(period="2026-03"))
    wz, nb, sg = evaluations["WZ003"], evaluations["NB002"], evaluations["SG005"]
    # 200 / 100,000 = 0.2% → 0.2 / 10 × 100 = 2.
    assert wz.revenue_score == Decimal("2.00")
    assert wz.industry_score == Decimal("3.00")  # new
    # 10% margin / 20% × 25 = 12.5.
    assert nb.profitability_score == Decimal("12.50")
    assert nb.industry_score == Decimal("6.00")
    # Foreign revenue counts at its rate: 71,000 CNY, all of 海外部's.
    assert sg.customer_revenue == Decimal("71000.00")
    assert sg.department_revenue == Decimal("71000.00")
    assert sg.profitability_score == Decimal("25.00")


def test_a_month_without_revenue_or_anything_due_keeps_last_months_scores(march, huikuan):
    credit_evaluate(period="2026-03")
    april = by_code(credit_evaluate(period="2026-04"))
    march_hz = CreditEvaluation.objects.get(customer__code="HZ001", period="2026-03")
    hz = april["HZ001"]
    # No invoice dated in April: revenue and profitability are March's, and it says so.
    assert hz.customer_revenue == 0
    assert hz.revenue_score == march_hz.revenue_score
    assert hz.profitability_score == march_hz.profitability_score
    assert "kept last month's revenue score: no revenue in the month" in hz.notes
    # NB002's 59,800 fell due in April and nothing came in: a computed 0, nothing kept.
    nb = april["NB002"]
    assert nb.falling_due == Decimal("59800.00") and nb.payment_score == Decimal("0.00")
    assert not any("payment" in note for note in nb.notes)
    # SG005 had nothing due in April: it keeps March's payment score and says so.
    sg = april["SG005"]
    assert (
        sg.payment_score
        == CreditEvaluation.objects.get(customer__code="SG005", period="2026-03").payment_score
    )
    assert "kept last month's payment score: nothing due in the month" in sg.notes


def test_a_kept_score_is_last_months_own_not_zero(march):
    credit_evaluate(period="2026-03")
    # Give SG005 a March payment score to keep, as if it had paid everything due.
    CreditEvaluation.objects.filter(customer__code="SG005", period="2026-03").update(
        payment_score=Decimal("25.00")
    )
    april = by_code(credit_evaluate(period="2026-04"))
    assert april["SG005"].payment_score == Decimal("25.00")


def test_an_invoice_without_margin_keeps_last_months_profitability(march):
    wz = by_code(credit_evaluate(period="2026-03"))["WZ003"]
    assert wz.profitability_score is None  # no earlier score: insufficient data, not 0
    assert CreditEvaluation.objects.get(customer__code="WZ003").profitability_score is None
    assert any("no gross margin" in note for note in wz.notes)


def test_re_evaluating_with_the_same_inputs_keeps_the_row_and_changed_inputs_add_a_version(march):
    first = credit_evaluate(period="2026-03")
    again = credit_evaluate(period="2026-03")
    assert first.created == 4 and again.created == 0 and again.unchanged == 4
    assert CreditEvaluation.objects.count() == 4

    policy_set(key="CREDIT_BENCHMARK_MARGIN", value="0.10")
    changed = credit_evaluate(period="2026-03")
    nb = CreditEvaluation.objects.filter(customer__code="NB002", period="2026-03").order_by("version")
    assert [e.version for e in nb] == [1, 2]
    assert [e.profitability_score for e in nb] == [Decimal("12.50"), Decimal("25.00")]
    assert changed.created >= 1


def test_a_bad_period_is_refused(db):
    from huikuan.core.errors import RuleViolation

    with pytest.raises(RuleViolation):
        credit_evaluate(period="2026-13")


def test_evaluate_json_has_exactly_the_contracted_shape(march, huikuan):
    result = huikuan("credit", "evaluate", "--period", "2026-03", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert set(data) == {"period", "customers"}
    assert data["period"] == "2026-03"
    hz = next(c for c in data["customers"] if c["customer_code"] == "HZ001")
    assert set(hz) == {"customer_code", "scores", "total", "proposed_class", "current_class", "notes"}
    assert hz["scores"] == {
        "revenue": "35.00",
        "profitability": "25.00",
        "payment": "18.75",
        "industry": "12.00",
    }
    assert (hz["total"], hz["proposed_class"], hz["current_class"]) == ("90.75", "D", "B")


def test_evaluate_text_lists_every_customer(march, huikuan):
    result = huikuan("credit", "evaluate", "--period", "2026-03")
    assert result.code == 0
    for code in ("HZ001", "NB002", "WZ003", "SG005"):
        assert code in result.stdout


def test_evaluate_refuses_a_bad_period_on_stderr(db, huikuan):
    result = huikuan("credit", "evaluate", "--period", "March")
    assert result.code == 1
    assert "YYYY-MM" in result.stderr


def test_evaluating_costs_the_same_queries_for_many_customers_as_for_few(
    march, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.credit.conftest import invoice, make_customer

    with CaptureQueriesContext(connection) as few:
        credit_evaluate(period="2026-03")
    for number in range(40):
        customer = make_customer(f"X{number:03d}", industry_position="regional")
        invoice(f"X-{number}", customer, "2026-03-02", "100.00", "2026-03-20")
    CreditEvaluation.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        run = credit_evaluate(period="2026-03")
    assert len(run.evaluations) == 44

    # Reads are a fixed set of grouped queries; only the bulk insert grows, in batches.
    def reads(context):
        return [q for q in context.captured_queries if not q["sql"].startswith("INSERT")]

    assert len(reads(many)) == len(reads(few))


def test_the_statement_command_prints_the_z_score(customers, huikuan):
    result = huikuan(
        "credit",
        "statement",
        "--customer",
        "HZ001",
        "--date",
        "2025-12-31",
        "--kind",
        "non_manufacturer",
        "--working-capital",
        "100",
        "--retained-earnings",
        "100",
        "--ebit",
        "100",
        "--book-equity",
        "500",
        "--total-liabilities",
        "1000",
        "--sales",
        "1000",
        "--total-assets",
        "1000",
        "--json",
    )
    assert result.code == 0, result.stderr
    data = result.json()
    assert (data["model"], data["score"], data["zone"]) == ("Z″", "2.18", "grey")
    assert set(data["ratios"]) == {
        "x1_working_capital_to_assets",
        "x2_retained_earnings_to_assets",
        "x3_ebit_to_assets",
        "x4_equity_to_liabilities",
    }


def test_a_listed_manufacturer_without_market_value_is_refused(customers, huikuan):
    args = ["--working-capital", "1", "--retained-earnings", "1", "--ebit", "1", "--book-equity", "1"]
    args += ["--total-liabilities", "1", "--sales", "1", "--total-assets", "1"]
    result = huikuan(
        "credit",
        "statement",
        "--customer",
        "HZ001",
        "--date",
        "2025-12-31",
        "--kind",
        "listed_manufacturer",
        *args,
    )
    assert result.code == 1
    assert "market value" in result.stderr


def test_a_dry_run_shows_the_class_distribution_and_stores_nothing(march, huikuan):
    from huikuan.credit.models import CreditEvaluation

    before = CreditEvaluation.objects.count()
    result = huikuan("credit", "evaluate", "--period", "2026-03", "--dry-run", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["dry_run"] is True and data["period"] == "2026-03"
    assert sum(data["current"].values()) == sum(data["proposed"].values()) == data["customers"] > 0
    assert data["proposed"].get("D", 0) >= 1  # HZ001, class B, scores as D (see the JSON test above)
    assert data["changes"] >= 1
    assert CreditEvaluation.objects.count() == before
    text = huikuan("credit", "evaluate", "--period", "2026-03", "--dry-run")
    assert "dry run, nothing stored" in text.stdout and "proposed" in text.stdout
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot --apply"):
        huikuan("credit", "evaluate", "--period", "2026-03", "--dry-run", "--apply")


def test_a_departments_benchmark_scores_its_customers_profitability(march):
    from huikuan.core.errors import RuleViolation
    from huikuan.credit.benchmarks import benchmark_margin_remove, benchmark_margin_set

    before = by_code(credit_evaluate(period="2026-03"))["HZ001"]
    department = before.department
    benchmark_margin_set(department=department, margin=before.benchmark_margin * 2, updated_by="cm")
    after = by_code(credit_evaluate(period="2026-03"))["HZ001"]
    assert after.benchmark_margin == before.benchmark_margin * 2
    assert after.version == before.version + 1  # a changed input: a new version
    with pytest.raises(RuleViolation):
        benchmark_margin_set(department=department, margin=Decimal("25"), updated_by="cm")  # not a fraction
    benchmark_margin_remove(department=department, updated_by="cm")
    assert by_code(credit_evaluate(period="2026-03"))["HZ001"].benchmark_margin == before.benchmark_margin


# ---------------------------------------------------------------- market development's items


@pytest.fixture
def market_li(db):
    from huikuan.accounts.services import user_create

    return user_create(username="market_li", role="market_development", password="Huikuan-test-pw-1").user


def test_only_market_development_confirms_the_industry_position_finance_cannot(march, people, market_li):
    from huikuan.core.errors import RuleViolation
    from huikuan.credit.market import industry_position_confirm

    for finance in ("cm_sun", "analyst_qian", "cfo_wu"):
        with pytest.raises(RuleViolation, match="Only market development"):
            industry_position_confirm(
                customer=march["NB002"], confirmed_by=people[finance], on=date(2026, 3, 1)
            )
    confirmed = industry_position_confirm(
        customer=march["NB002"], confirmed_by=market_li, on=date(2026, 3, 2), industry_position="regional"
    )
    assert (confirmed.industry_position, confirmed.confirmed_by) == ("regional", "market_li")
    assert by_code(credit_evaluate(period="2026-03"))["NB002"].industry_score == Decimal("9.00")


def test_an_unconfirmed_industry_position_is_insufficient_data_and_keeps_the_class(march):
    from huikuan.credit.models import MarketAssessment
    from huikuan.credit.scoring import NOTE_INSUFFICIENT

    MarketAssessment.objects.filter(customer=march["SG005"]).delete()
    sg = by_code(credit_evaluate(period="2026-03"))["SG005"]
    assert sg.industry_score is None and sg.industry_position == ""
    assert NOTE_INSUFFICIENT in sg.notes and any("not confirmed by market development" in n for n in sg.notes)
    assert sg.proposed_class == "A"  # the current class, not decided on a missing item


def test_where_the_company_asks_the_revenue_contribution_is_confirmed_by_market_development(march, market_li):
    from huikuan.core.policy import policy_set
    from huikuan.credit.market import revenue_contribution_confirm

    policy_set(key="CREDIT_REVENUE_CONFIRMED_BY_MARKET", value=True)
    unconfirmed = by_code(credit_evaluate(period="2026-03"))["HZ001"]
    assert unconfirmed.revenue_score is None
    assert unconfirmed.profitability_score is not None  # finance's item is scored as before
    revenue_contribution_confirm(
        customer=march["HZ001"], period="2026-03", confirmed_by=market_li, on=date(2026, 4, 2)
    )
    confirmed = by_code(credit_evaluate(period="2026-03"))["HZ001"]
    assert confirmed.revenue_score is not None and confirmed.customer_revenue == Decimal("40000.00")

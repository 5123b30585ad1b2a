"""Seed 002's credit rules as the seed writes them (issue 14): terms follow the class, class D
ships against money received in advance, blocked orders pass by themselves once the reason
has gone, the customer is told of its limit and class, and a penalty downgrade is an approval."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from huikuan.approvals.models import ApprovalRequest, Notification
from huikuan.approvals.services import approval_decide
from huikuan.collections.services import penalty_apply
from huikuan.core.errors import InputRejected
from huikuan.core.policy import policy_set
from huikuan.correspondence.models import DocumentTemplate, Letter, OutboundEmail
from huikuan.credit.flows import credit_limit_apply, hold_lift_request
from huikuan.credit.models import CheckStatus, Order
from huikuan.credit.services import customer_class_change, customer_hold_place, order_create
from huikuan.ledger.imports import ledger_import
from huikuan.ledger.models import Customer
from huikuan.ledger.services import credit_note_issue, customer_create, payment_allocate
from tests.credit.conftest import advance, invoice, make_customer, payment

D = Decimal
APRIL = date(2026, 4, 30)


def approve(request, *people):
    for person in people:
        request = approval_decide(request=request, actor=person, decision="approve")
    return request


def import_csv(tmp_path, kind: str, text: str):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return ledger_import(kind=kind, path=path)


# ---------------------------------------------------------------- 1. terms follow the class


CLASS_C_120 = "customer_code,name,credit_class,term_days\nNB009,宁波慢付,C,120\nNB010,宁波准付,C,30\n"


def test_a_class_c_customer_imported_with_120_days_is_refused_naming_row_field_and_reason(db, tmp_path):
    with pytest.raises(InputRejected) as refused:
        import_csv(tmp_path, "customers", CLASS_C_120)
    [error] = refused.value.errors
    assert (error.line, error.column, error.value) == (2, "term_days", "120")
    assert "120 days exceed the term of class C (30 days)" in error.reason
    assert not Customer.objects.exists()  # nothing of the file was imported


def test_with_the_cap_setting_the_term_is_cut_to_the_class_and_the_report_says_so(db, tmp_path):
    policy_set(key="CREDIT_TERMS_BEYOND_CLASS", value="cap")
    result = import_csv(tmp_path, "customers", CLASS_C_120)
    assert Customer.objects.get(code="NB009").term_days == 30
    assert Customer.objects.get(code="NB010").term_days == 30
    [warning] = result.warnings
    assert "line 2, customer NB009: term_days capped at 30" in warning


def test_a_class_b_customer_may_have_its_45_days_but_not_46(db, tmp_path):
    import_csv(tmp_path, "customers", "customer_code,name,credit_class,term_days\nHZ7,杭州,B,45\n")
    assert Customer.objects.get(code="HZ7").term_days == 45
    with pytest.raises(InputRejected):
        import_csv(tmp_path, "customers", "customer_code,name,credit_class,term_days\nHZ8,杭州,B,46\n")


def test_an_import_that_lowers_the_class_checks_the_term_the_customer_has(db, tmp_path):
    import_csv(tmp_path, "customers", "customer_code,name,credit_class,term_days\nHZ7,杭州,A,60\n")
    with pytest.raises(InputRejected) as refused:
        import_csv(tmp_path, "customers", "customer_code,name,credit_class\nHZ7,杭州,C\n")
    assert refused.value.errors[0].column == "credit_class"


def test_a_customer_created_beyond_its_class_term_is_refused_on_the_term_field(db):
    with pytest.raises(ValidationError) as refused:
        customer_create(code="X1", name="X", credit_class="C", term_days=120)
    assert "term_days" in refused.value.message_dict
    assert customer_create(code="X2", name="X", credit_class="C", term_days=15).term_days == 15


def test_a_class_change_changes_the_terms_with_it(db):
    customer = make_customer("TJ1", credit_class="A", term_days=60)
    customer_class_change(customer=customer, to_class="C", source="test")
    assert Customer.objects.get(code="TJ1").term_days == 30
    stricter = make_customer("TJ2", credit_class="B", term_days=20)
    customer_class_change(customer=stricter, to_class="A", source="test")
    assert Customer.objects.get(code="TJ2").term_days == 20  # a shorter own term is kept


# ---------------------------------------------------------------- 2. class D: cash before delivery


def test_a_class_d_order_is_blocked_without_an_advance_receipt_and_passes_once_one_is_recorded(
    db, tmp_path, django_capture_on_commit_callbacks
):
    cash = make_customer("XJ001", name="现款客户", credit_class="D")
    order = order_create(number="SO-D1", customer=cash, order_date=APRIL, amount=D("8000.00"))
    assert order.check_status == CheckStatus.BLOCKED
    reason = next(r for r in order.check_reasons if r["code"] == "class_d_not_prepaid")
    assert reason["figures"]["shortfall"] == "8000.00"

    with django_capture_on_commit_callbacks(execute=True):
        import_csv(
            tmp_path,
            "payments",
            "payment_ref,customer_code,payment_date,amount,currency,advance\n"
            "ADV-1,XJ001,2026-04-29,8000.00,CNY,yes\n",
        )
    order.refresh_from_db()
    assert order.check_status == CheckStatus.PASSED and order.shipment_approval_number
    assert order.covered_by == [{"reference": "ADV-1", "amount": "8000.00"}]
    # The money is reserved for that order: it covers no second one.
    second = order_create(number="SO-D2", customer=cash, order_date=APRIL, amount=D("0.01"))
    assert second.check_status == CheckStatus.BLOCKED
    figures = next(r for r in second.check_reasons if r["code"] == "class_d_not_prepaid")["figures"]
    assert (figures["advance"], figures["reserved"]) == ("8000.00", "8000.00")


def test_advance_receipts_cover_a_class_d_order_only_in_full(db):
    cash = make_customer("XJ002", credit_class="D")
    advance("ADV-2", cash, "2026-04-01", "5000.00")
    advance("ADV-3", cash, "2026-04-02", "2999.99")
    short = order_create(number="SO-D3", customer=cash, order_date=APRIL, amount=D("8000.00"))
    assert short.check_status == CheckStatus.BLOCKED and short.covered_by == []
    enough = order_create(number="SO-D4", customer=cash, order_date=APRIL, amount=D("7999.99"))
    assert enough.check_status == CheckStatus.PASSED
    assert enough.covered_by == [
        {"reference": "ADV-2", "amount": "5000.00"},
        {"reference": "ADV-3", "amount": "2999.99"},
    ]


# ---------------------------------------------------------------- 3. blocked orders re-checked


@pytest.fixture
def overdue_customer(people):
    customer = make_customer(
        "JX020", name="嘉兴慢付", credit_class="B", credit_limit=D("100000.00"), salesperson="sales_zhang"
    )
    invoice("J-OLD", customer, "2026-01-01", "1000.00", "2026-03-01")
    order = order_create(
        number="SO-B1", customer=customer, order_date=APRIL, amount=D("5000.00"), created_by="sm_liu"
    )
    assert order.check_status == CheckStatus.BLOCKED
    assert [r["code"] for r in order.check_reasons] == ["overdue"]
    return customer


def test_a_blocked_order_passes_by_itself_after_the_payment_that_clears_it(
    overdue_customer, people, django_capture_on_commit_callbacks
):
    paid = payment("P-CLEAR", overdue_customer, "2026-05-02", "1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        payment_allocate(payment=paid, invoice=overdue_customer.invoices.get(), amount=D("1000.00"))
    order = Order.objects.get(number="SO-B1")
    assert order.check_status == CheckStatus.PASSED
    assert order.shipment_approval_number.startswith("SA-2026-")
    assert order.checked_on == date(2026, 5, 2)
    told = Notification.objects.filter(user__username__in=["sales_zhang", "sm_liu"])
    assert told.count() == 2
    assert all(order.shipment_approval_number in note.message for note in told)


def test_a_payment_that_does_not_clear_the_reason_leaves_the_order_blocked(
    overdue_customer, people, django_capture_on_commit_callbacks
):
    paid = payment("P-PART", overdue_customer, "2026-05-02", "999.99")
    with django_capture_on_commit_callbacks(execute=True):
        payment_allocate(payment=paid, invoice=overdue_customer.invoices.get(), amount=D("999.99"))
    order = Order.objects.get(number="SO-B1")
    assert order.check_status == CheckStatus.BLOCKED and not order.shipment_approval_number
    assert order.check_reasons[0]["figures"]["overdue_amount"] == "0.01"
    assert not Notification.objects.filter(user__username="sales_zhang").exists()


def test_a_credit_note_clears_a_blocked_order_too(overdue_customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        credit_note_issue(
            number="CN-1",
            customer=overdue_customer,
            note_date=date(2026, 5, 3),
            amount=D("1000.00"),
            currency="CNY",
            invoice=overdue_customer.invoices.get(),
        )
    assert Order.objects.get(number="SO-B1").check_status == CheckStatus.PASSED


def test_lifting_the_hold_re_checks_the_blocked_orders(db, people, django_capture_on_commit_callbacks):
    customer = make_customer(
        "JX030", credit_class="B", credit_limit=D("100000.00"), salesperson="sales_zhang"
    )
    hold = customer_hold_place(customer=customer, reason="lawsuit", source="legal", on=APRIL)
    customer.refresh_from_db()
    order = order_create(number="SO-H1", customer=customer, order_date=APRIL, amount=D("100.00"))
    assert order.check_status == CheckStatus.BLOCKED
    request = hold_lift_request(hold=hold, requested_by=people["sales_zhang"], reason="settled")
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, people["cm_sun"])
    assert Order.objects.get(number="SO-H1").check_status == CheckStatus.PASSED


# ---------------------------------------------------------------- 4. the customer is told


def test_an_approved_limit_is_told_to_the_customer_in_its_language(
    customers, people, django_capture_on_commit_callbacks
):
    lion = customers["SG005"]  # English-speaking
    Customer.objects.filter(pk=lion.pk).update(language="en", email="ar@lioncity.example")
    lion.refresh_from_db()
    application = credit_limit_apply(
        customer=lion, amount=D("1200000.00"), requested_by=people["sales_zhang"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        approve(
            ApprovalRequest.objects.get(number=application.approval_number),
            people["sm_liu"],
            people["analyst_qian"],
            people["cm_sun"],
            people["cfo_wu"],
        )
    email = OutboundEmail.objects.get(purpose="credit_notice", customer=lion)
    assert email.subject == "Your credit limit: Lion City Trading"
    assert "CNY 1,200,000.00 (previously CNY 1,000,000.00)" in email.body
    assert application.approval_number in email.body


def test_a_class_change_is_told_in_chinese_by_email_or_by_letter(db, django_capture_on_commit_callbacks):
    by_email = make_customer("NB030", name="宁波邮件", credit_class="B", term_days=45, email="cw@nb.example")
    by_letter = make_customer("NB031", name="宁波信函", credit_class="C")
    with django_capture_on_commit_callbacks(execute=True):
        customer_class_change(customer=by_email, to_class="C", source="test", on=APRIL)
        customer_class_change(customer=by_letter, to_class="D", source="test", on=APRIL)
    email = OutboundEmail.objects.get(purpose="credit_notice", customer=by_email)
    assert email.subject == "【信用等级及账期调整通知】宁波邮件"
    assert "由 B 类调整为 C 类" in email.body and "调整为 30 天（原为 45 天）" in email.body
    letter = Letter.objects.get(customer=by_letter)
    assert letter.language == "zh-hans" and letter.template_code == "credit_terms_letter"
    assert letter.pdf.startswith(b"%PDF")


def test_the_notices_are_editable_templates_in_both_languages(db):
    codes = {"credit_limit_notice", "credit_terms_notice", "credit_limit_letter", "credit_terms_letter"}
    seeded = set(DocumentTemplate.objects.filter(code__in=codes).values_list("code", "language"))
    assert seeded == {(code, language) for code in codes for language in ("zh-hans", "en")}


# ---------------------------------------------------------------- 13. penalties that act


def test_a_penalty_downgrade_goes_to_the_credit_manager_as_a_class_change(
    customers, people, django_capture_on_commit_callbacks
):
    hz = customers["HZ001"]
    penalty = penalty_apply(
        customer=hz,
        kind="class_downgrade",
        decided_on=APRIL,
        decided_by="collector_wang",
        reason="third broken promise",
        proposed_class="C",
    )
    request = ApprovalRequest.objects.get(kind="class_change", subject_ref=f"penalty:{penalty.pk}")
    assert request.status == "pending" and request.requested_by == people["collector_wang"]
    assert request.payload["to_class"] == "C"
    assert Customer.objects.get(code="HZ001").credit_class == "B"  # not before approval
    with django_capture_on_commit_callbacks(execute=True):
        approve(request, people["cm_sun"])
    assert Customer.objects.get(code="HZ001").credit_class == "C"
    assert Letter.objects.filter(customer=hz, template_code="credit_terms_letter").exists()


def test_the_same_penalty_downgrade_is_not_filed_twice(customers, people):
    for _ in range(2):
        penalty_apply(
            customer=customers["NB002"],
            kind="class_downgrade",
            decided_on=APRIL,
            decided_by=people["collector_wang"],
            reason="late again",
            proposed_class="D",
        )
    assert ApprovalRequest.objects.filter(kind="class_change", customer=customers["NB002"]).count() == 1


# ---------------------------------------------------------------- 1. plus granted extensions


def _granted_30_days(people, code: str = "NB011"):
    from huikuan.credit.flows import customer_terms_extension_request

    customer = make_customer(code, credit_class="C", term_days=30)
    request = customer_terms_extension_request(
        customer=customer, days=30, reason="战略客户,总经理同意", requested_by=people["sales_zhang"]
    )
    approve(request, people["dh_ma"])
    return customer


def test_with_a_granted_30_day_extension_a_class_c_customer_may_have_60_days_not_61(db, tmp_path, people):
    customer = _granted_30_days(people)
    [grant] = customer.term_grants.all()
    assert (grant.days, grant.approved_by, grant.valid_until) == (30, "dh_ma", None)
    assert grant.approval_number.startswith("AP-")
    import_csv(tmp_path, "customers", "customer_code,name,credit_class,term_days\nNB011,宁波,C,60\n")
    assert Customer.objects.get(code="NB011").term_days == 60
    with pytest.raises(InputRejected) as refused:
        import_csv(tmp_path, "customers", "customer_code,name,credit_class,term_days\nNB011,宁波,C,61\n")
    assert (
        "61 days exceed the term of class C plus the 30 days granted (60 days)"
        in refused.value.errors[0].reason
    )
    assert Customer.objects.get(code="NB011").term_days == 60


def test_the_cap_setting_caps_at_the_class_term_plus_the_granted_days(db, tmp_path, people):
    _granted_30_days(people)
    policy_set(key="CREDIT_TERMS_BEYOND_CLASS", value="cap")
    result = import_csv(
        tmp_path, "customers", "customer_code,name,credit_class,term_days\nNB011,宁波,C,120\n"
    )
    assert Customer.objects.get(code="NB011").term_days == 60
    assert "term_days capped at 60" in result.warnings[0]


def test_a_grant_that_has_ended_no_longer_raises_the_ceiling(db, tmp_path):
    from huikuan.ledger.services import customer_term_grant

    customer = make_customer("NB012", credit_class="C", term_days=30)
    customer_term_grant(
        customer=customer,
        days=30,
        reason="旺季",
        approved_by="dept_head",
        granted_on=date(2020, 1, 1),
        valid_until=date(2020, 3, 31),
    )
    with pytest.raises(InputRejected):
        import_csv(tmp_path, "customers", "customer_code,name,credit_class,term_days\nNB012,宁波,C,60\n")


def test_a_rejected_or_pending_extension_grants_nothing_and_is_not_asked_twice(db, people):
    from huikuan.core.errors import RuleViolation
    from huikuan.credit.flows import customer_terms_extension_request

    customer = make_customer("NB013", credit_class="C", term_days=30)
    customer_terms_extension_request(
        customer=customer, days=15, reason="旺季", requested_by=people["sales_zhang"]
    )
    with pytest.raises(RuleViolation, match="already has an extension of terms pending"):
        customer_terms_extension_request(
            customer=customer, days=15, reason="再问", requested_by=people["sales_zhang"]
        )
    assert not customer.term_grants.exists()
    with pytest.raises(RuleViolation):
        customer_terms_extension_request(
            customer=customer, days=0, reason="x", requested_by=people["sales_zhang"]
        )


def test_a_class_change_keeps_the_granted_days_above_the_new_class(db, people):
    customer = _granted_30_days(people)
    Customer.objects.filter(pk=customer.pk).update(term_days=60)
    customer.refresh_from_db()
    customer_class_change(customer=customer, to_class="B", source="test")
    assert Customer.objects.get(code="NB011").term_days == 60  # 45 + 30 granted ≥ 60: kept
    customer.refresh_from_db()
    customer_class_change(customer=customer, to_class="D", source="test")
    assert Customer.objects.get(code="NB011").term_days == 30  # D: 0 + 30 granted

"""The credit endpoints' serializers: records by business keys, amounts as strings."""

from __future__ import annotations

from rest_framework import serializers

from huikuan.api.fields import BusinessDateField, ModelSerializer, TextField
from huikuan.api.serializers import KeyRelatedField, money, rate
from huikuan.core.limits import DAYS_MAX
from huikuan.credit.altman import KINDS
from huikuan.credit.models import (
    ClassChange,
    CreditEvaluation,
    CreditHold,
    CreditLimitApplication,
    FinancialStatement,
    Order,
    TermExtensionRequest,
)
from huikuan.credit.selectors import (
    evaluation_scores,
    statement_score,
)
from huikuan.credit.services import EVALUATION_INPUTS
from huikuan.ledger.models import Customer, Invoice


class EvaluationSerializer(ModelSerializer):
    customer = TextField(source="customer.code")
    scores = serializers.SerializerMethodField()
    total = money(source="total_score")
    customer_revenue = money()
    department_revenue = money()
    receipts = money()
    overdue_at_start = money()
    falling_due = money()
    weighted_margin = rate(allow_null=True)
    benchmark_margin = rate()
    collection_rate = rate(allow_null=True)

    class Meta:
        model = CreditEvaluation
        fields = [
            "customer",
            "period",
            "version",
            "scores",
            "total",
            "proposed_class",
            "current_class",
            "notes",
            *EVALUATION_INPUTS,
            "approval_number",
            "created_at",
        ]

    def get_scores(self, evaluation) -> dict[str, str]:
        return evaluation_scores(evaluation)


class ClassChangeSerializer(ModelSerializer):
    period = TextField(source="evaluation.period", default=None)
    changed_by = TextField(source="changed_by.get_username", default=None)

    class Meta:
        model = ClassChange
        fields = ["from_class", "to_class", "period", "approval_number", "source", "changed_by", "changed_at"]


class CheckSerializer(serializers.Serializer):
    customer = TextField(max_length=64)
    amount = money(min_value=0)
    as_of = BusinessDateField(required=False)


class FeeChargeRequestSerializer(serializers.Serializer):
    customer = TextField(max_length=64)
    as_of = BusinessDateField()


class OrderSerializer(ModelSerializer):
    takes_customers = True
    order_number = TextField(source="number", max_length=64)
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    amount = money(min_value=0)
    fx_rate = rate(required=False, allow_null=True, default=None)
    currency = TextField(max_length=3, required=False, allow_blank=True, default="")
    price = serializers.DecimalField(
        max_digits=18, decimal_places=4, min_value=0, required=False, allow_null=True, default=None
    )
    break_even_price = serializers.DecimalField(
        max_digits=18, decimal_places=4, min_value=0, required=False, allow_null=True, default=None
    )
    target_profit = serializers.DecimalField(
        max_digits=18, decimal_places=4, min_value=0, required=False, allow_null=True, default=None
    )

    class Meta:
        model = Order
        fields = [
            "order_number",
            "customer",
            "order_date",
            "amount",
            "currency",
            "fx_rate",
            "status",
            "check_status",
            "check_reasons",
            "covered_by",
            "checked_on",
            "shipment_approval_number",
            "release_approval_number",
            "price",
            "break_even_price",
            "target_profit",
            "price_level",
            "price_approval_number",
            "price_approved_by",
            "created_at",
        ]
        read_only_fields = [
            "price_level",
            "price_approval_number",
            "price_approved_by",
            "status",
            "check_status",
            "check_reasons",
            "covered_by",
            "checked_on",
            "shipment_approval_number",
            "release_approval_number",
            "created_at",
        ]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers


class ReleaseSerializer(serializers.Serializer):
    reason = TextField(max_length=500, required=False, allow_blank=True, default="")


class ApprovalFiledSerializer(serializers.Serializer):
    approval_number = TextField()


class ExtensionRequestSerializer(ModelSerializer):
    invoice = KeyRelatedField(slug_field="number", queryset=Invoice.objects.none())
    customer = TextField(source="invoice.customer.code", read_only=True)
    requested_by = TextField(source="requested_by.get_username", read_only=True)
    days = serializers.IntegerField(min_value=1, max_value=DAYS_MAX)

    class Meta:
        model = TermExtensionRequest
        fields = [
            "id",
            "invoice",
            "customer",
            "days",
            "reason",
            "requested_by",
            "requested_on",
            "status",
            "approval_number",
            "decided_at",
        ]
        read_only_fields = ["id", "requested_on", "status", "approval_number", "decided_at"]

    def __init__(self, *args, invoices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invoices is not None:
            self.fields["invoice"].queryset = invoices


class LimitApplicationSerializer(ModelSerializer):
    takes_customers = True
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    amount = money(min_value=0)
    previous_limit = money(read_only=True, allow_null=True)
    requested_by = TextField(source="requested_by.get_username", read_only=True)

    class Meta:
        model = CreditLimitApplication
        fields = [
            "id",
            "customer",
            "amount",
            "currency",
            "previous_limit",
            "reason",
            "requested_by",
            "requested_on",
            "status",
            "approval_number",
            "decided_at",
        ]
        read_only_fields = ["id", "currency", "requested_on", "status", "approval_number", "decided_at"]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers


class HoldSerializer(ModelSerializer):
    takes_customers = True
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    placed_on = BusinessDateField(required=False)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = CreditHold
        fields = [
            "id",
            "customer",
            "reason",
            "source",
            "placed_on",
            "active",
            "lifted_on",
            "lift_approval_number",
        ]
        read_only_fields = ["id", "source", "lifted_on", "lift_approval_number"]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers


class StatementSerializer(ModelSerializer):
    takes_customers = True
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    kind = serializers.ChoiceField(choices=KINDS)
    working_capital = money()
    retained_earnings = money()
    ebit = money()
    book_equity = money()
    market_equity = money(required=False, allow_null=True, default=None)
    total_liabilities = money()
    sales = money()
    total_assets = money()
    currency = TextField(max_length=3, required=False, allow_blank=True, default="")
    altman = serializers.SerializerMethodField()

    class Meta:
        model = FinancialStatement
        fields = [
            "customer",
            "statement_date",
            "kind",
            "currency",
            "working_capital",
            "retained_earnings",
            "ebit",
            "book_equity",
            "market_equity",
            "total_liabilities",
            "sales",
            "total_assets",
            "altman",
        ]
        validators: list = []

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers

    def get_altman(self, statement) -> dict:
        return statement_score(statement).as_dict()

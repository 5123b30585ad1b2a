"""The cash-application endpoints' serializers: amounts as strings, dates as YYYY-MM-DD."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.serializers import money
from huikuan.cash.models import DecisionKind, LineStatus
from huikuan.cash.selectors import DECIDED, QUEUE


class SplitSerializer(serializers.Serializer):
    invoice_number = TextField(max_length=64)
    amount = money(min_value=0)


class WriteOffPartSerializer(SplitSerializer):
    reason = TextField(max_length=500)


class LineDecisionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    customer_code = TextField(source="customer.code", allow_null=True, default=None)
    payment_reference = TextField()
    allocations = SplitSerializer(many=True)
    write_offs = WriteOffPartSerializer(many=True)
    on_account = money()
    reason = TextField()
    decided_by = TextField()
    decided_at = serializers.DateTimeField()


class BankLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account_number = TextField()
    bank_ref = TextField()
    booking_date = BusinessDateField()
    value_date = BusinessDateField(allow_null=True)
    transaction_date = BusinessDateField(allow_null=True)
    amount = money()
    currency = TextField()
    payer_name = TextField()
    payer_account = TextField()
    memo = TextField()
    status = serializers.ChoiceField(choices=LineStatus.choices)
    customer_code = TextField(source="customer.code", allow_null=True, default=None)
    confidence = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    proposal = serializers.JSONField(help_text="The matcher's proposal: candidates, allocations, reasons.")
    decision = serializers.SerializerMethodField()

    @extend_schema_field(LineDecisionSerializer(allow_null=True))
    def get_decision(self, line) -> dict | None:
        decisions = getattr(line, "current_decisions", None)
        if decisions is None:
            decisions = list(line.decisions.filter(undone_at__isnull=True).order_by("-decided_at", "-pk")[:1])
        return LineDecisionSerializer(decisions[0]).data if decisions else None


class DecidedSerializer(serializers.Serializer):
    posted = serializers.BooleanField(
        help_text="False: the line was already decided; nothing new was posted."
    )
    line = BankLineSerializer()


class QueueQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(QUEUE, "queue"), (DECIDED, "decided"), *LineStatus.choices], required=False, default=QUEUE
    )
    date_from = BusinessDateField(required=False)
    date_to = BusinessDateField(required=False)
    amount_min = money(required=False, min_value=0)
    amount_max = money(required=False, min_value=0)
    q = TextField(required=False, allow_blank=True, default="", max_length=200)


class AcceptSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(
        min_value=1, max_value=50, default=1, help_text="The candidate's rank: 1 is the best."
    )


class CustomerChoiceSerializer(serializers.Serializer):
    customer_code = TextField(max_length=64)


class OnAccountRequestSerializer(CustomerChoiceSerializer):
    as_advance = serializers.BooleanField(
        default=False,
        help_text="Record the payment as an advance receipt (预收), apart from money on account.",
    )
    order_number = TextField(max_length=64, required=False, default="", allow_blank=True)


class SplitRequestSerializer(CustomerChoiceSerializer):
    allocations = SplitSerializer(many=True, allow_empty=False)
    write_offs = WriteOffPartSerializer(many=True, required=False, default=list)


class WriteOffRequestSerializer(CustomerChoiceSerializer):
    invoice_number = TextField(max_length=64)
    reason = TextField(max_length=500)


class ReasonSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, default="", max_length=500)

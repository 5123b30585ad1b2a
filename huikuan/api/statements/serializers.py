"""The statements endpoints' serializers: amounts as strings, dates as YYYY-MM-DD."""

from __future__ import annotations

from rest_framework import serializers

from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.serializers import money
from huikuan.core.errors import RuleViolation
from huikuan.statements.models import Frequency, LineKind, StatementKind, StatementStatus
from huikuan.statements.selectors import period_bounds


class StatementLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=LineKind.choices)
    entry_date = BusinessDateField()
    reference = TextField()
    description = TextField()
    due_date = BusinessDateField(allow_null=True)
    amount = money()
    balance = money()


class StatementDifferenceSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line.position", allow_null=True, default=None)
    reference = TextField()
    entry_date = BusinessDateField(allow_null=True)
    our_amount = money(allow_null=True)
    their_amount = money(allow_null=True)
    comment = TextField()
    dispute = serializers.IntegerField(source="dispute_id", allow_null=True)
    note = TextField()


class AccountStatementSerializer(serializers.Serializer):
    reference = TextField()
    kind = serializers.ChoiceField(choices=StatementKind.choices)
    customer = TextField(source="customer.code")
    period_start = BusinessDateField()
    period_end = BusinessDateField()
    currency = TextField()
    language = TextField()
    opening_balance = money()
    invoiced = money()
    received = money()
    credited = money()
    written_off = money()
    closing_balance = money()
    status = serializers.ChoiceField(choices=StatementStatus.choices)
    sent_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = TextField()
    customer_balance = money(allow_null=True)
    answer_note = TextField()


class AccountStatementDetailSerializer(AccountStatementSerializer):
    lines = StatementLineSerializer(many=True, source="lines.all")
    differences = StatementDifferenceSerializer(many=True, source="differences.all")


class StatementSendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StatementKind.choices, default=StatementKind.ACCOUNT)
    period = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="YYYY-MM: the month of a statement of account."
    )
    as_of = BusinessDateField(required=False, help_text="The date of a balance confirmation's balance.")
    again = serializers.BooleanField(default=False, help_text="Send again with a new link.")

    def validate(self, data):
        if data["kind"] == StatementKind.ACCOUNT and not data.get("period"):
            raise serializers.ValidationError({"period": "a statement of account needs its month, YYYY-MM"})
        if data.get("period"):
            try:
                period_bounds(period=data["period"])
            except RuleViolation as refused:
                raise serializers.ValidationError({"period": str(refused)}) from None
        if data["kind"] == StatementKind.CONFIRMATION and not data.get("as_of"):
            raise serializers.ValidationError(
                {"as_of": "a balance confirmation needs the date of the balance"}
            )
        return data


class StatementQueuedSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    customer = TextField()
    kind = TextField()
    period_start = BusinessDateField()
    period_end = BusinessDateField()


class StatementScheduleSerializer(serializers.Serializer):
    customer = TextField(read_only=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices)

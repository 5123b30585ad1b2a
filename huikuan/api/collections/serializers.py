"""The collections endpoints' serializers: amounts as strings, dates as YYYY-MM-DD."""

from __future__ import annotations

from rest_framework import serializers

from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.serializers import money
from huikuan.collections.models import (
    ActivityKind,
    Anchor,
    CallOutcome,
    Channel,
    DisputeReason,
    OverdueReasonCode,
    OwnerRole,
    PenaltyKind,
)
from huikuan.core.limits import COUNT_MAX, DAYS_MAX


class InvoiceBriefSerializer(serializers.Serializer):
    number = TextField()
    due_date = BusinessDateField()
    open_amount = money()
    currency = TextField()


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    outcome = serializers.ChoiceField(
        choices=CallOutcome.choices, required=False, allow_blank=True, default=""
    )
    occurred_on = BusinessDateField()
    user = TextField(read_only=True)
    note = TextField(required=False, allow_blank=True, default="")
    # A 'promised' or 'disputed' outcome needs its fields (else 400 naming them).
    promised_date = BusinessDateField(
        required=False, write_only=True, help_text="With the outcome 'promised'."
    )
    amount = money(required=False, write_only=True, help_text="Promised, or disputed, with those outcomes.")
    invoice = TextField(required=False, write_only=True, help_text="The disputed invoice, with 'disputed'.")
    reason_code = serializers.ChoiceField(
        choices=DisputeReason.choices, required=False, write_only=True, help_text="With 'disputed'."
    )


class PromiseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    made_on = BusinessDateField(required=False)
    promised_date = BusinessDateField()
    amount = money()
    currency = TextField(read_only=True)
    status = TextField(read_only=True)
    paid_amount = money(read_only=True)
    made_by = TextField(read_only=True)


class InstalmentSerializer(serializers.Serializer):
    due_date = BusinessDateField()
    amount = money()
    paid_on = BusinessDateField(read_only=True, allow_null=True)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    starts_on = BusinessDateField()
    currency = TextField(read_only=True)
    status = TextField(read_only=True)
    note = TextField(required=False, allow_blank=True, default="")
    instalments = InstalmentSerializer(many=True)


class DisputeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    invoice = TextField(source="invoice.number")
    amount = money()
    currency = TextField(read_only=True)
    reason_code = serializers.ChoiceField(choices=DisputeReason.choices)
    description = TextField(required=False, allow_blank=True, default="")
    status = TextField(read_only=True)
    opened_on = BusinessDateField(read_only=True)
    resolved_on = BusinessDateField(read_only=True, allow_null=True)
    resolution = TextField(read_only=True)
    root_cause = TextField(read_only=True)


class ResolveSerializer(serializers.Serializer):
    resolution = TextField()
    root_cause = TextField(required=False, allow_blank=True, default="")
    resolved_on = BusinessDateField(required=False)


class OverdueReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=OverdueReasonCode.choices)
    noted_on = BusinessDateField(required=False)
    note = TextField(required=False, allow_blank=True, default="")


class PenaltySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PenaltyKind.choices)
    reason = TextField()
    proposed_class = TextField(required=False, allow_blank=True, default="")
    decided_on = BusinessDateField(required=False)


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action_date = BusinessDateField()
    policy_code = TextField()
    step_code = TextField()
    channel = TextField()
    assigned_to = TextField()
    invoice_numbers = serializers.ListField(child=TextField(), source="invoice_number_list")
    status = TextField()
    outcome = TextField()
    delivery_note = TextField()


class WorklistItemSerializer(serializers.Serializer):
    task = ActionSerializer(help_text="The oldest of the customer's due call tasks: post the call to it.")
    tasks = ActionSerializer(many=True, help_text="Every call task due for the customer (one per step).")
    customer_code = TextField(source="customer.code")
    customer_name = TextField(source="customer.name")
    segment = TextField()
    overdue_balance = money()
    days_overdue = serializers.IntegerField()
    late_probability = serializers.DecimalField(max_digits=4, decimal_places=2)
    risk_weighted_amount = money()
    open_invoices = InvoiceBriefSerializer(many=True)
    last_contacts = ActivitySerializer(many=True)
    promises = PromiseSerializer(many=True)


class WorklistQuerySerializer(serializers.Serializer):
    date = BusinessDateField(required=False)


class CallSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    note = TextField(required=False, allow_blank=True, default="")
    on = BusinessDateField(required=False)
    promised_date = BusinessDateField(required=False)
    amount = money(required=False)
    invoice = TextField(required=False, help_text="The disputed invoice (default: the task's first).")
    reason_code = serializers.ChoiceField(choices=DisputeReason.choices, required=False)


class TimelineEntrySerializer(serializers.Serializer):
    on = BusinessDateField()
    kind = TextField()
    summary = TextField()


class CustomerCollectionsSerializer(serializers.Serializer):
    customer_code = TextField()
    overdue_reason = TextField(allow_blank=True, source="overdue_reason_code")
    timeline = TimelineEntrySerializer(many=True)
    promises = PromiseSerializer(many=True)
    payment_plans = PlanSerializer(many=True)
    disputes = DisputeSerializer(many=True)
    actions = ActionSerializer(many=True)


class StepSerializer(serializers.Serializer):
    code = TextField()
    sequence = serializers.IntegerField(read_only=True)
    name_zh = TextField()
    name_en = TextField()
    anchor = serializers.ChoiceField(
        choices=Anchor.choices,
        required=False,
        help_text="The date the step counts its days from: the due date (default), the invoice "
        "date, or the shipment date (the invoice date when the invoice has none).",
    )
    day_offset = serializers.IntegerField(
        min_value=-DAYS_MAX, max_value=DAYS_MAX, help_text="Days after the anchor date (negative: before)."
    )
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))
    owner_role = serializers.ChoiceField(choices=OwnerRole.choices)
    email_template = TextField(allow_blank=True)
    letter_template = TextField(allow_blank=True)
    sms_text = TextField(allow_blank=True, required=False)
    attach_statement = serializers.BooleanField(
        required=False, help_text="The step's emails carry the statement of account as PDF."
    )
    credit_hold = serializers.BooleanField()
    case_to_legal = serializers.BooleanField()
    litigation_decision = serializers.BooleanField()
    write_off_review = serializers.BooleanField()


class PolicySerializer(serializers.Serializer):
    code = TextField(read_only=True)
    name = TextField()
    credit_classes = serializers.ListField(child=TextField())
    risk_segments = serializers.ListField(child=TextField())
    priority = serializers.IntegerField(min_value=0, max_value=COUNT_MAX)
    is_default = serializers.BooleanField(read_only=True)
    active = serializers.BooleanField()
    steps = StepSerializer(many=True, required=False)


class RunRequestSerializer(serializers.Serializer):
    date = BusinessDateField()
    dry_run = serializers.BooleanField(default=False)


class RunSerializer(serializers.Serializer):
    run_date = BusinessDateField()
    invoices_considered = serializers.IntegerField()
    invoices_stepped = serializers.IntegerField()
    invoices_paused = serializers.IntegerField()
    actions_created = serializers.IntegerField()


class PlannedActionSerializer(serializers.Serializer):
    customer_code = TextField()
    step = TextField()
    channel = TextField()
    invoice_numbers = serializers.ListField(child=TextField())
    assigned_to = TextField()


class RunResultSerializer(serializers.Serializer):
    date = BusinessDateField()
    dry_run = serializers.BooleanField()
    already_ran = serializers.BooleanField(
        help_text="A run for this date was taken before: its steps are not taken again."
    )
    invoices_considered = serializers.IntegerField()
    invoices_stepped = serializers.IntegerField()
    invoices_paused = serializers.IntegerField()
    actions_count = serializers.IntegerField()
    actions = PlannedActionSerializer(many=True)


class RunQueuedSerializer(serializers.Serializer):
    date = serializers.DateField()
    queued = serializers.BooleanField()
    task = serializers.IntegerField(help_text="The queued task of the run.")
    progress = serializers.CharField(help_text="Where to follow its delivery.")


class DeliveryProgressSerializer(serializers.Serializer):
    date = serializers.DateField()
    emails = serializers.DictField(
        child=serializers.IntegerField(), help_text="queued, sending, sent, retrying, failed"
    )
    letters = serializers.DictField(child=serializers.IntegerField(), help_text="done, open")
    undelivered = serializers.IntegerField(
        help_text="Actions tried and refused (no email address, a template error); retried by email_retry."
    )
    tasks_pending = serializers.IntegerField(help_text="Delivery tasks queued or running.")
    finished = serializers.BooleanField()

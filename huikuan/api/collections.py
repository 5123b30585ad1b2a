"""Collections endpoints (SPEC §6): the collector's worklist, a customer's collections records,
the dunning policies and the daily run. Thin: scope through ``huikuan.collections.desk``,
one collections service or selector per request, writes inside ``audit_context``.
Amounts are strings; a customer or task out of the user's scope is 404.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.permissions import RolePermissions
from huikuan.api.serializers import money
from huikuan.collections.delivery import delivery_progress
from huikuan.collections.desk import (
    access_collection_customers,
    access_tasks,
    call_log,
    dunning_policy_update,
    dunning_step_update,
)
from huikuan.collections.models import (
    Activity,
    ActivityKind,
    CallOutcome,
    Channel,
    Dispute,
    DisputeReason,
    DunningAction,
    DunningPolicy,
    DunningRun,
    OverdueReason,
    OverdueReasonCode,
    OwnerRole,
    PaymentPlan,
    Penalty,
    PenaltyKind,
    PromiseToPay,
)
from huikuan.collections.run import dunning_run, dunning_run_enqueue
from huikuan.collections.selectors import customer_timeline, worklist_for
from huikuan.collections.services import (
    activity_log,
    dispute_open,
    dispute_resolve,
    overdue_reason_set,
    penalty_apply,
    plan_create,
    promise_make,
)
from huikuan.core.audit import audit_context
from huikuan.core.errors import NotFound
from huikuan.core.limits import COUNT_MAX, DAYS_MAX
from huikuan.ledger.models import Invoice

SOURCE = "api:collections"

# --- Serializers -------------------------------------------------------------------------------


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
    overdue_reason = TextField(allow_blank=True)
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
    day_offset = serializers.IntegerField(min_value=-DAYS_MAX, max_value=DAYS_MAX)
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


# --- Views -------------------------------------------------------------------------------------


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


class CollectionsView(APIView):
    permission_classes = [RolePermissions]

    def customer(self, code: str):
        return get_object_or_404(access_collection_customers(user=self.request.user), code=code)

    def valid(self, serializer_class, data=None):
        serializer = serializer_class(data=self.request.data if data is None else data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class WorklistView(CollectionsView):
    queryset = DunningAction.objects.none()

    @extend_schema(
        summary="The signed-in user's call tasks for a date, riskiest first",
        parameters=[WorklistQuerySerializer],
        responses={200: WorklistItemSerializer(many=True)},
    )
    def get(self, request):
        day = self.valid(WorklistQuerySerializer, request.query_params).get("date") or timezone.localdate()
        return Response(WorklistItemSerializer(worklist_for(user=request.user, date=day), many=True).data)


class WorklistCompleteView(CollectionsView):
    # Logging a call adds an activity and changes the task.
    queryset = Activity.objects.none()
    write_actions = {"POST": "task.complete"}

    @extend_schema(
        summary="Log a call task's outcome: the task done, its activity, any promise or dispute",
        request=CallSerializer,
        responses={201: ActivitySerializer},
    )
    def post(self, request, pk: int):
        task = get_object_or_404(access_tasks(user=request.user), pk=pk, channel=Channel.PHONE)
        data = self.valid(CallSerializer)
        promise = dispute = None
        if data["outcome"] == CallOutcome.PROMISED and "promised_date" in data and "amount" in data:
            promise = {"promised_date": data["promised_date"], "amount": data["amount"]}
        if data["outcome"] == CallOutcome.DISPUTED and "amount" in data and "reason_code" in data:
            number = data.get("invoice") or (task.invoice_number_list or [""])[0]
            invoice = Invoice.objects.filter(customer_id=task.customer_id, number=number).first()
            if invoice is None:
                raise NotFound(f"no invoice {number} of this customer")
            dispute = {"invoice": invoice, "amount": data["amount"], "reason_code": data["reason_code"]}
        with audit_context(actor=request.user, source=SOURCE):
            activity = call_log(
                task=task,
                user=request.user,
                outcome=data["outcome"],
                note=data["note"],
                promise=promise,
                dispute=dispute,
                on=data.get("on"),
            )
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


def _customer_records(customer) -> dict:
    reason = customer.overdue_reasons.first()
    return {
        "customer_code": customer.code,
        "overdue_reason": reason.code if reason else "",
        "timeline": customer_timeline(customer=customer),
        "promises": PromiseToPay.objects.filter(customer=customer),
        "payment_plans": PaymentPlan.objects.filter(customer=customer).prefetch_related("instalments"),
        "disputes": Dispute.objects.filter(customer=customer).select_related("invoice"),
        "actions": DunningAction.objects.filter(customer=customer),
    }


class CustomerCollectionsView(CollectionsView):
    queryset = PromiseToPay.objects.none()

    @extend_schema(
        summary="A customer's collections records: timeline, promises, plans, disputes, actions",
        responses={200: CustomerCollectionsSerializer},
    )
    def get(self, request, code: str):
        return Response(CustomerCollectionsSerializer(_customer_records(self.customer(code))).data)


class ActivityCreateView(CollectionsView):
    queryset = Activity.objects.none()
    write_actions = {"POST": "activity.log"}

    @extend_schema(
        summary="Log an activity with a customer",
        request=ActivitySerializer,
        responses={201: ActivitySerializer},
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(ActivitySerializer)
        with audit_context(actor=request.user, source=SOURCE):
            activity = activity_log(customer=customer, user=request.user, **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class PromiseCreateView(CollectionsView):
    queryset = PromiseToPay.objects.none()
    write_actions = {"POST": "promise.make"}

    @extend_schema(
        summary="Record a promise to pay", request=PromiseSerializer, responses={201: PromiseSerializer}
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(PromiseSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            promise = promise_make(
                customer=customer,
                promised_date=data["promised_date"],
                amount=data["amount"],
                made_on=data.get("made_on") or timezone.localdate(),
                made_by=request.user,
            )
        return Response(PromiseSerializer(promise).data, status=status.HTTP_201_CREATED)


class PlanCreateView(CollectionsView):
    queryset = PaymentPlan.objects.none()
    write_actions = {"POST": "plan.create"}

    @extend_schema(summary="Set a payment plan", request=PlanSerializer, responses={201: PlanSerializer})
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(PlanSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            plan = plan_create(
                customer=customer,
                starts_on=data["starts_on"],
                instalments=[(row["due_date"], row["amount"]) for row in data["instalments"]],
                created_by=request.user,
                note=data["note"],
            )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class DisputeCreateView(CollectionsView):
    queryset = Dispute.objects.none()
    write_actions = {"POST": "dispute.open"}

    @extend_schema(
        summary="Open a dispute on an invoice", request=DisputeSerializer, responses={201: DisputeSerializer}
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(DisputeSerializer)
        invoice = Invoice.objects.filter(customer=customer, number=data["invoice"]["number"]).first()
        if invoice is None:
            raise NotFound(f"no invoice {data['invoice']['number']} of customer {customer.code}")
        with audit_context(actor=request.user, source=SOURCE):
            dispute = dispute_open(
                invoice=invoice,
                amount=data["amount"],
                reason_code=data["reason_code"],
                owner=request.user,
                opened_on=timezone.localdate(),
                opened_by=request.user,
                description=data["description"],
            )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)


class DisputeResolveView(CollectionsView):
    queryset = Dispute.objects.none()
    write_actions = {"POST": "dispute.resolve"}

    @extend_schema(summary="Resolve a dispute", request=ResolveSerializer, responses={200: DisputeSerializer})
    def post(self, request, pk: int):
        dispute = get_object_or_404(
            Dispute.objects.filter(customer__in=access_collection_customers(user=request.user)), pk=pk
        )
        data = self.valid(ResolveSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            dispute = dispute_resolve(
                dispute=dispute,
                resolution=data["resolution"],
                root_cause=data["root_cause"],
                resolved_on=data.get("resolved_on") or timezone.localdate(),
            )
        return Response(DisputeSerializer(dispute).data)


class OverdueReasonView(CollectionsView):
    queryset = OverdueReason.objects.none()
    write_actions = {"POST": "overdue_reason.set"}

    @extend_schema(
        summary="Set a customer's overdue-reason code",
        request=OverdueReasonSerializer,
        responses={201: OverdueReasonSerializer},
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(OverdueReasonSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            reason = overdue_reason_set(
                customer=customer,
                code=data["code"],
                noted_on=data.get("noted_on") or timezone.localdate(),
                noted_by=request.user,
                note=data["note"],
            )
        return Response(OverdueReasonSerializer(reason).data, status=status.HTTP_201_CREATED)


class PenaltyView(CollectionsView):
    queryset = Penalty.objects.none()
    write_actions = {"POST": "penalty.propose"}

    @extend_schema(
        summary="Propose a penalty: credit hold or class downgrade",
        request=PenaltySerializer,
        responses={201: PenaltySerializer},
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(PenaltySerializer)
        with audit_context(actor=request.user, source=SOURCE):
            penalty = penalty_apply(
                customer=customer,
                kind=data["kind"],
                decided_on=data.get("decided_on") or timezone.localdate(),
                decided_by=request.user,
                reason=data["reason"],
                proposed_class=data["proposed_class"],
            )
        return Response(PenaltySerializer(penalty).data, status=status.HTTP_201_CREATED)


class PolicyListView(CollectionsView):
    queryset = DunningPolicy.objects.none()

    @extend_schema(
        summary="The dunning policies with their ladders", responses={200: PolicySerializer(many=True)}
    )
    def get(self, request):
        policies = DunningPolicy.objects.prefetch_related("steps")
        return Response(PolicySerializer(policies, many=True).data)


class PolicyDetailView(CollectionsView):
    queryset = DunningPolicy.objects.none()
    write_actions = {"PUT": "policy.edit"}

    @extend_schema(summary="One dunning policy with its ladder", responses={200: PolicySerializer})
    def get(self, request, code: str):
        return Response(PolicySerializer(get_object_or_404(DunningPolicy, code=code)).data)

    @extend_schema(
        summary="Change a policy and its steps (steps named by code; those not given stay as they are)",
        request=PolicySerializer,
        responses={200: PolicySerializer},
    )
    @transaction.atomic
    def put(self, request, code: str):
        policy = get_object_or_404(DunningPolicy, code=code)
        data = self.valid(PolicySerializer)
        steps = {step.code: step for step in policy.steps.all()}
        with audit_context(actor=request.user, source=SOURCE):
            dunning_policy_update(
                policy=policy,
                name=data["name"],
                credit_classes=data["credit_classes"],
                risk_segments=data["risk_segments"],
                priority=data["priority"],
                active=data["active"],
            )
            for row in data.get("steps", []):
                row = dict(row)
                step = steps.get(row.pop("code"))
                if step is None:
                    raise NotFound("no such step in this policy")
                dunning_step_update(step=step, **row)
        return Response(
            PolicySerializer(DunningPolicy.objects.prefetch_related("steps").get(pk=policy.pk)).data
        )


class RunView(CollectionsView):
    queryset = DunningRun.objects.none()
    write_actions = {"POST": "dunning.run"}

    @extend_schema(summary="Past dunning runs, newest first", responses={200: RunSerializer(many=True)})
    def get(self, request):
        return Response(RunSerializer(DunningRun.objects.all()[:100], many=True).data)

    @extend_schema(
        summary="Run the dunning ladder for a date (queued: 202), or a dry run of it (200)",
        request=RunRequestSerializer,
        responses={200: RunResultSerializer, 202: RunQueuedSerializer},
    )
    def post(self, request):
        data = self.valid(RunRequestSerializer)
        if data["dry_run"]:
            with audit_context(actor=request.user, source=SOURCE):
                result = dunning_run(date=data["date"], dry_run=True)
            return Response(RunResultSerializer(result.as_dict()).data)
        # The run and its deliveries are done by a worker; the answer comes at once.
        task = dunning_run_enqueue(date=data["date"], started_by=request.user.get_username())
        progress = reverse("dunning-progress", args=[data["date"].isoformat()])
        body = {"date": data["date"], "queued": True, "task": task, "progress": progress}
        return Response(
            RunQueuedSerializer(body).data, status=status.HTTP_202_ACCEPTED, headers={"Location": progress}
        )


class RunProgressView(CollectionsView):
    queryset = DunningRun.objects.none()

    @extend_schema(
        summary="A date's delivery: emails by status, letters, delivery tasks still to do",
        responses={200: DeliveryProgressSerializer},
    )
    def get(self, request, day: str):
        try:
            run_date = date.fromisoformat(day)
        except ValueError:
            raise ValidationError({"date": "give the date as YYYY-MM-DD"}) from None
        return Response(DeliveryProgressSerializer(delivery_progress(run_date=run_date)).data)

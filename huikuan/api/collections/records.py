"""A customer's collections records (the bundle of ``customer_collections``) and their writes:
activities, promises, plans, disputes, overdue reasons and penalties."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from huikuan.api.collections.base import SOURCE, CollectionsView
from huikuan.api.collections.serializers import (
    ActivitySerializer,
    CustomerCollectionsSerializer,
    DisputeSerializer,
    OverdueReasonSerializer,
    PenaltySerializer,
    PlanSerializer,
    PromiseSerializer,
    ResolveSerializer,
)
from huikuan.collections.models import (
    Activity,
    Dispute,
    OverdueReason,
    PaymentPlan,
    Penalty,
    PromiseToPay,
)
from huikuan.collections.selectors import access_disputes, customer_collections, customer_invoice
from huikuan.collections.services import (
    call_log,
    dispute_open,
    dispute_resolve,
    overdue_reason_set,
    penalty_apply,
    plan_create,
    promise_make,
)
from huikuan.core.audit import audit_context


class CustomerCollectionsView(CollectionsView):
    queryset = PromiseToPay.objects.none()

    @extend_schema(
        summary="A customer's collections records: timeline, promises, plans, disputes, actions",
        responses={200: CustomerCollectionsSerializer},
    )
    def get(self, request, code: str):
        records = customer_collections(customer=self.customer(code))
        return Response(CustomerCollectionsSerializer(records).data)


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
            activity = call_log(customer=customer, user=request.user, on=data.pop("occurred_on"), **data)
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
        invoice = customer_invoice(customer_id=customer.pk, number=data["invoice"]["number"])
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
        dispute = get_object_or_404(access_disputes(user=request.user), pk=pk)
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

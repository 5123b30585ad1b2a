"""Approvals through the API: the requests a user may see or must decide, deciding, and the chains.

Any staff role reads the requests in its scope (``access_approval_requests``); who may decide a
step is the approvals service's rule (409 with the reason otherwise). Only an admin or a credit
manager changes a chain.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.permissions import may
from huikuan.accounts.roles import ROLES
from huikuan.api.fields import ModelSerializer, TextField
from huikuan.api.permissions import WriteAction
from huikuan.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalStep, Decision, Status
from huikuan.approvals.registry import kind_label
from huikuan.approvals.selectors import (
    access_approval_requests,
    approval_chain,
    approval_chains,
    approval_history,
    approvals_inbox,
)
from huikuan.approvals.services import approval_chain_set, approval_decide
from huikuan.core.audit import audit_context

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class StaffOnly(BasePermission):
    """A staff role (anything but a customer user), or a superuser."""

    def has_permission(self, request, view) -> bool:
        return may(request.user, "staff.read")


class DecisionSerializer(ModelSerializer):
    actor = TextField(source="actor.get_username")
    step = TextField(source="step.name", default=None)
    step_position = serializers.IntegerField(source="step.position", default=None)

    class Meta:
        model = ApprovalDecision
        fields = ["created_at", "actor", "role", "step_position", "step", "decision", "comment"]


class StepSnapshotSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = TextField()
    roles = serializers.ListField(child=TextField(), source="role_names")
    approved_by = TextField(source="approved_by.get_username", default=None)
    approved_at = serializers.DateTimeField(allow_null=True)


class ApprovalRequestSerializer(ModelSerializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    fx_rate = serializers.DecimalField(max_digits=18, decimal_places=6)
    customer = TextField(source="customer.code", default=None)
    requested_by = TextField(source="requested_by.get_username")
    kind_label = serializers.SerializerMethodField()
    current_step = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = [
            "number",
            "kind",
            "kind_label",
            "status",
            "customer",
            "amount",
            "currency",
            "fx_rate",
            "summary",
            "payload",
            "subject_ref",
            "requested_by",
            "current_step",
            "reconsidered",
            "created_at",
            "decided_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_kind_label(self, request: ApprovalRequest) -> str:
        return kind_label(request.kind)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_current_step(self, request: ApprovalRequest) -> dict | None:
        if request.status != Status.PENDING or request.current_step is None:
            return None
        step = request.current_step
        return {"position": step.position, "name": step.name, "roles": step.role_names}


class ApprovalDetailSerializer(ApprovalRequestSerializer):
    steps = StepSnapshotSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()

    class Meta(ApprovalRequestSerializer.Meta):
        fields = [*ApprovalRequestSerializer.Meta.fields, "steps", "history"]

    @extend_schema_field(DecisionSerializer(many=True))
    def get_history(self, request: ApprovalRequest) -> list[dict]:
        return DecisionSerializer(approval_history(request=request), many=True).data


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[d.value for d in (Decision.APPROVE, Decision.REJECT, Decision.RECONSIDER)]
    )
    comment = TextField(required=False, allow_blank=True, default="", max_length=2000)


class ListQuerySerializer(serializers.Serializer):
    inbox = serializers.BooleanField(required=False, default=False)
    status = serializers.ChoiceField(choices=Status.values, required=False)
    kind = TextField(required=False, max_length=64)


@extend_schema_view(
    list=extend_schema(
        summary="Approval requests the user may see, or with inbox=true those awaiting their decision",
        parameters=[
            OpenApiParameter("inbox", OpenApiTypes.BOOL, description="only those the user may decide now"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
            OpenApiParameter("kind", OpenApiTypes.STR),
        ],
    ),
    retrieve=extend_schema(
        summary="One approval request with its steps and history", responses=ApprovalDetailSerializer
    ),
)
class ApprovalRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [StaffOnly, WriteAction]
    write_actions = {"decide": "approval.decide"}
    serializer_class = ApprovalRequestSerializer
    lookup_field = "number"
    lookup_url_kwarg = "number"
    lookup_value_regex = "[^/]+"
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return access_approval_requests(user=user)
        query = ListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        requests = (
            approvals_inbox(user=user)
            if data["inbox"]
            else access_approval_requests(user=user).order_by("-id")
        )
        if data.get("status"):
            requests = requests.filter(status=data["status"])
        if data.get("kind"):
            requests = requests.filter(kind=data["kind"])
        return requests

    def get_object(self):
        if "\x00" in self.kwargs.get("number", ""):
            raise NotFound()
        return super().get_object()

    def get_serializer_class(self):
        return (
            ApprovalDetailSerializer if self.action in ("retrieve", "decide") else ApprovalRequestSerializer
        )

    @extend_schema(
        summary="Approve or reject the current step, or ask for reconsideration of a rejection",
        description="409 when the rules refuse: not a role of the current step, the requester, "
        "a second step by the same user, a second reconsideration.",
        request=DecideSerializer,
        responses={200: ApprovalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, number=None):
        approval = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api"):
            decided = approval_decide(
                request=approval,
                actor=request.user,
                decision=body.validated_data["decision"],
                comment=body.validated_data["comment"],
            )
        return Response(
            ApprovalDetailSerializer(access_approval_requests(user=request.user).get(pk=decided.pk)).data
        )


class ChainStepSerializer(serializers.Serializer):
    name = TextField(max_length=100)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), min_length=1)
    min_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, allow_null=True, required=False
    )


class ChainSerializer(serializers.Serializer):
    kind = TextField(read_only=True)
    label = TextField(read_only=True)
    steps = ChainStepSerializer(many=True)


def _chain_data(kind: str, steps: list[ApprovalStep]) -> dict:
    return {
        "kind": kind,
        "label": kind_label(kind),
        "steps": [{"name": s.name, "roles": s.roles, "min_amount": s.min_amount} for s in steps],
    }


class ApprovalChainListView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(summary="Every approval chain", responses={200: ChainSerializer(many=True)})
    def get(self, request):
        chains = approval_chains()
        return Response([ChainSerializer(_chain_data(kind, steps)).data for kind, steps in chains.items()])


class ApprovalChainView(APIView):
    permission_classes = [StaffOnly, WriteAction]
    write_actions = {"PUT": "chain.edit"}

    @extend_schema(
        summary="The approval chain of one kind", responses={200: ChainSerializer, 404: OpenApiTypes.OBJECT}
    )
    def get(self, request, kind: str):
        steps = approval_chain(kind=kind)
        if not steps:
            raise NotFound(f"no approval chain for {kind!r}")
        return Response(ChainSerializer(_chain_data(kind, steps)).data)

    @extend_schema(
        summary="Replace the approval chain of one kind (admin, credit manager)",
        description="Requests already submitted keep their steps. An empty list of steps leaves the "
        "kind without a chain: new requests of it are refused.",
        request=ChainSerializer,
        responses={200: ChainSerializer, **ERRORS},
    )
    def put(self, request, kind: str):
        body = ChainSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api"):
            steps = approval_chain_set(
                kind=kind, steps=body.validated_data["steps"], updated_by=request.user.get_username()
            )
        return Response(ChainSerializer(_chain_data(kind, steps)).data)

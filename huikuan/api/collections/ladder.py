"""The dunning policies and their ladders."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from huikuan.api.collections.base import SOURCE, CollectionsView
from huikuan.api.collections.serializers import (
    PolicySerializer,
)
from huikuan.collections.models import (
    DunningPolicy,
)
from huikuan.collections.selectors import dunning_policies
from huikuan.collections.services import (
    dunning_policy_update,
    dunning_step_update,
)
from huikuan.core.audit import audit_context
from huikuan.core.errors import NotFound


class PolicyListView(CollectionsView):
    queryset = DunningPolicy.objects.none()

    @extend_schema(
        summary="The dunning policies with their ladders", responses={200: PolicySerializer(many=True)}
    )
    def get(self, request):
        policies = dunning_policies()
        return Response(PolicySerializer(policies, many=True).data)


class PolicyDetailView(CollectionsView):
    queryset = DunningPolicy.objects.none()
    write_actions = {"PUT": "policy.edit"}

    @extend_schema(summary="One dunning policy with its ladder", responses={200: PolicySerializer})
    def get(self, request, code: str):
        return Response(PolicySerializer(get_object_or_404(dunning_policies(), code=code)).data)

    @extend_schema(
        summary="Change a policy and its steps (steps named by code; those not given stay as they are)",
        request=PolicySerializer,
        responses={200: PolicySerializer},
    )
    @transaction.atomic
    def put(self, request, code: str):
        policy = get_object_or_404(dunning_policies(), code=code)
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
        return Response(PolicySerializer(dunning_policies().get(pk=policy.pk)).data)

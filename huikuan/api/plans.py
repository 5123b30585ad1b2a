"""Clearance plans over the API: list and create, read one, change its name, status and
recipients, edit its targets and phases, and its progress as of a date. Thin: the services of
``huikuan.finance.plans`` and the selector ``huikuan.finance.plan_progress`` (the same as the
web pages and ``huikuan plan``). A collector or salesperson reads only their own progress row.
"""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.core.audit import audit_context
from huikuan.finance.models import ClearancePlan, PlanMetric, PlanPhaseKind, PlanStatus, TargetDirection
from huikuan.finance.plan_access import plan_as_dict, plan_scope
from huikuan.finance.plan_progress import PLAN_GROUPINGS, plan_progress
from huikuan.finance.plans import (
    clearance_plan_create,
    plan_phases_update,
    plan_targets_update,
    plan_update,
)
from huikuan.ledger.models import Invoice

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}
OBJECT = build_basic_type(OpenApiTypes.OBJECT)


def _plans(user):
    if not may(user, "staff.read"):  # a customer's portal user sees no plan
        raise PermissionDenied
    return ClearancePlan.objects.prefetch_related("targets", "phases")


class PlanCreateSerializer(serializers.Serializer):
    baseline_date = BusinessDateField(help_text="Its scope: the overdue balance at the end of this day.")
    name = TextField(required=False, allow_blank=True, default="", max_length=200)
    recipients = serializers.ListField(
        child=TextField(max_length=254),
        required=False,
        default=list,
        help_text="Roles (cfo) or addresses, each perhaps with :en; default the setting PLAN_REPORT_ROLES.",
    )


class PlanChangeSerializer(serializers.Serializer):
    name = TextField(required=False, max_length=200)
    status = serializers.ChoiceField(choices=PlanStatus.values, required=False)
    recipients = serializers.ListField(child=TextField(max_length=254), required=False)


class PlanTargetSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=PlanMetric.values)
    goal = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0"))
    direction = serializers.ChoiceField(choices=TargetDirection.values, required=False)


class PlanTargetsSerializer(serializers.Serializer):
    targets = PlanTargetSerializer(many=True)


class PlanPhaseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanPhaseKind.values)
    starts_on = BusinessDateField(required=False)
    ends_on = BusinessDateField(required=False)
    owner = TextField(required=False, allow_blank=True, max_length=150)


class PlanPhasesSerializer(serializers.Serializer):
    phases = PlanPhaseSerializer(many=True)


class PlanProgressQuerySerializer(serializers.Serializer):
    as_of = BusinessDateField(required=False, help_text="Default: today.")
    by = serializers.ChoiceField(choices=PLAN_GROUPINGS, default="company")
    trend = serializers.BooleanField(default=True, help_text="One point per week end of the plan.")
    kpi_trend = serializers.BooleanField(
        default=False,
        help_text="The KPI targets' weekly points too (a KPI run per week: slow on a large ledger).",
    )


class PlanListView(APIView):
    write_actions = {"POST": "clearance_plan.edit"}
    queryset = Invoice.objects.none()  # reads: whoever may read invoices (staff only, below)

    @extend_schema(
        summary="Clearance plans, latest baseline first",
        operation_id="clearance_plans_list",
        responses={200: build_array_type(OBJECT), 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response([plan_as_dict(plan) for plan in _plans(request.user)])

    @extend_schema(
        summary="Create a clearance plan: snapshot the overdue balance of the baseline date",
        operation_id="clearance_plans_create",
        request=PlanCreateSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = PlanCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        with audit_context(actor=request.user, source="api:plan"):
            plan = clearance_plan_create(
                baseline_date=data["baseline_date"],
                name=data["name"],
                recipients=data["recipients"] or None,
                created_by=request.user.get_username(),
            )
        return Response(plan_as_dict(plan), status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    write_actions = {"PATCH": "clearance_plan.edit"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="One clearance plan with its targets, phases and recipients",
        operation_id="clearance_plans_retrieve",
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        return Response(plan_as_dict(get_object_or_404(_plans(request.user), pk=pk)))

    @extend_schema(
        summary="Rename a clearance plan, close or reopen it, or set its report's recipients",
        operation_id="clearance_plans_update",
        request=PlanChangeSerializer,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def patch(self, request, pk: int):
        plan = get_object_or_404(_plans(request.user), pk=pk)
        form = PlanChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api:plan"):
            plan = plan_update(plan=plan, **form.validated_data)
        return Response(plan_as_dict(plan))


class PlanTargetsView(APIView):
    write_actions = {"PUT": "clearance_plan.edit"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Set the goals of a clearance plan's targets",
        operation_id="clearance_plans_targets_update",
        request=PlanTargetsSerializer,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def put(self, request, pk: int):
        plan = get_object_or_404(_plans(request.user), pk=pk)
        form = PlanTargetsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api:plan"):
            plan_targets_update(plan=plan, targets=form.validated_data["targets"])
        return Response(plan_as_dict(_plans(request.user).get(pk=plan.pk)))


class PlanPhasesView(APIView):
    write_actions = {"PUT": "clearance_plan.edit"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Set the dates and owners of a clearance plan's phases",
        operation_id="clearance_plans_phases_update",
        request=PlanPhasesSerializer,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def put(self, request, pk: int):
        plan = get_object_or_404(_plans(request.user), pk=pk)
        form = PlanPhasesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api:plan"):
            plan_phases_update(plan=plan, phases=form.validated_data["phases"])
        return Response(plan_as_dict(_plans(request.user).get(pk=plan.pk)))


class PlanProgressView(APIView):
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="A clearance plan's progress: each target's actual against its goal, and the weekly trend",
        operation_id="clearance_plans_progress",
        parameters=[PlanProgressQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        plan = get_object_or_404(_plans(request.user), pk=pk)
        query = PlanProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        group_by, keys = plan_scope(request.user, data["by"])
        progress = plan_progress(
            plan=plan,
            as_of=data.get("as_of") or timezone.localdate(),
            group_by=group_by,
            trend=data["trend"],
            kpi_trend=data["kpi_trend"],
            only_keys=keys,
        )
        return Response(progress.as_dict())

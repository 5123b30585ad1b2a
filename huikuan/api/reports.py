"""Management reports over the API: each report's data as JSON (what ``huikuan report … --json``
prints), and the report schedules (read by staff who see the whole ledger; written by the
``report_schedule.edit`` roles)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers, is_scoped
from huikuan.accounts.roles import CUSTOMER, ROLES
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.finance.models import ReportKind, ReportSchedule
from huikuan.finance.reports.build import report_build
from huikuan.finance.reports.periods import KINDS, SPECIAL, report_day
from huikuan.finance.reports.schedules import report_schedule_delete, report_schedule_save
from huikuan.ledger.models import Invoice, Language

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


def _whole_ledger_reader(request) -> None:
    if is_scoped(request.user):
        raise PermissionDenied(_("The reports cover the whole ledger: your role sees only some customers."))


class ReportQuerySerializer(serializers.Serializer):
    date = BusinessDateField(required=False, help_text="The last day covered (YYYY-MM-DD); see each report.")
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text="Monthly report: YYYY-MM.")
    year = serializers.IntegerField(
        min_value=1900, max_value=2199, required=False, help_text="Annual report."
    )
    customer = TextField(required=False, max_length=64, help_text="Special report: the customer's code.")


_SUMMARIES = {
    "daily": "Daily report: receipts, invoices newly overdue, promises falling due, actions done",
    "weekly": "Weekly report: receipts, overdue balance, overdue ratio and DSO by week; the week's warnings",
    "monthly": "Monthly report: balance, aging, KPIs, provision and its change, payment habits, reasons",
    "special": "Special report of one customer: history, promises, disputes, legal steps",
    "annual": "Annual report: each target of the year against its actual, month by month",
}


class _ReportView(APIView):
    kind = ""
    queryset = Invoice.objects.none()  # reads: staff who read invoices, and only whole-ledger roles

    def get(self, request):
        _whole_ledger_reader(request)
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        customer = None
        if self.kind == SPECIAL:
            if not values.get("customer"):
                raise ValidationError(
                    {"customer": [_("The special report is about one customer: give its code.")]}
                )
            customer = get_object_or_404(access_customers(user=request.user), code=values["customer"])
        try:
            day = report_day(
                kind=self.kind,
                today=timezone.localdate(),
                day=values.get("date"),
                month=values.get("month"),
                year=values.get("year"),
            )
            return Response(report_build(kind=self.kind, day=day, customer=customer))
        except (RuleViolation, ValueError) as error:
            raise ValidationError({"date": [str(error)]}) from None


def _report_view(kind: str) -> type[APIView]:
    def get(self, request):  # a function of its own per report: the schema is set on it
        return _ReportView.get(self, request)

    documented = extend_schema(
        summary=_SUMMARIES[kind],
        operation_id=f"reports_{kind}",
        parameters=[ReportQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )(get)
    return type(
        f"{kind.title()}ReportView",
        (_ReportView,),
        {"kind": kind, "__doc__": _SUMMARIES[kind], "get": documented},
    )


REPORT_VIEWS = {kind: _report_view(kind) for kind in KINDS}


class ReportScheduleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    recipient_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=[role for role in ROLES if role != CUSTOMER]),
        required=False,
        default=list,
    )
    recipient_addresses = serializers.ListField(child=serializers.EmailField(), required=False, default=list)
    language = serializers.ChoiceField(choices=Language.values, default=Language.ZH_HANS)
    enabled = serializers.BooleanField(default=True)


class ReportScheduleReadSerializer(ReportScheduleSerializer):
    id = serializers.IntegerField()
    updated_by = TextField()
    updated_at = serializers.DateTimeField()


def schedule_as_dict(schedule: ReportSchedule) -> dict:
    return {
        "id": schedule.pk,
        "kind": schedule.kind,
        "recipient_roles": schedule.recipient_roles,
        "recipient_addresses": schedule.recipient_addresses,
        "language": schedule.language,
        "enabled": schedule.enabled,
        "updated_by": schedule.updated_by,
        "updated_at": schedule.updated_at.isoformat(),
    }


def _save(request, schedule: ReportSchedule | None) -> ReportSchedule:
    body = ReportScheduleSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    try:
        with audit_context(actor=request.user, source="api"):
            return report_schedule_save(
                schedule=schedule,
                kind=data["kind"],
                roles=data["recipient_roles"],
                addresses=data["recipient_addresses"],
                language=data["language"],
                enabled=data["enabled"],
                updated_by=request.user.get_username(),
            )
    except RuleViolation as error:
        raise ValidationError({"recipient_roles": [str(error)]}) from None


class ScheduleListView(APIView):
    queryset = Invoice.objects.none()
    write_actions = {"POST": "report_schedule.edit"}

    @extend_schema(
        summary="Report schedules",
        operation_id="report_schedules_list",
        responses={200: ReportScheduleReadSerializer(many=True), 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        _whole_ledger_reader(request)
        return Response([schedule_as_dict(s) for s in ReportSchedule.objects.order_by("kind", "pk")])

    @extend_schema(
        summary="Add a report schedule",
        operation_id="report_schedules_create",
        request=ReportScheduleSerializer,
        responses={201: ReportScheduleReadSerializer, **ERRORS},
    )
    def post(self, request):
        return Response(schedule_as_dict(_save(request, None)), status=status.HTTP_201_CREATED)


class ScheduleDetailView(APIView):
    queryset = Invoice.objects.none()
    write_actions = {"PUT": "report_schedule.edit", "DELETE": "report_schedule.edit"}

    @extend_schema(
        summary="One report schedule",
        operation_id="report_schedules_read",
        responses={200: ReportScheduleReadSerializer, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        _whole_ledger_reader(request)
        return Response(schedule_as_dict(get_object_or_404(ReportSchedule, pk=pk)))

    @extend_schema(
        summary="Change a report schedule",
        operation_id="report_schedules_update",
        request=ReportScheduleSerializer,
        responses={200: ReportScheduleReadSerializer, **ERRORS},
    )
    def put(self, request, pk: int):
        return Response(schedule_as_dict(_save(request, get_object_or_404(ReportSchedule, pk=pk))))

    @extend_schema(
        summary="Delete a report schedule",
        operation_id="report_schedules_delete",
        responses={204: None, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def delete(self, request, pk: int):
        schedule = get_object_or_404(ReportSchedule, pk=pk)
        with audit_context(actor=request.user, source="api"):
            report_schedule_delete(schedule=schedule, deleted_by=request.user.get_username())
        return Response(status=status.HTTP_204_NO_CONTENT)

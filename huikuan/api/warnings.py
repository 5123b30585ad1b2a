"""Early warnings over the API: list (filter by grade, status, rule), read one, acknowledge.

Each user sees the warnings of the customers they may see (a collector: their own); the
same selectors and service as the web page and ``huikuan warnings``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from huikuan.accounts.permissions import may
from huikuan.api.fields import TextField
from huikuan.api.permissions import WriteAction
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.finance.models import WarningRule, WarningStatus
from huikuan.finance.warning_selectors import access_warnings, warning_as_dict, warnings_filtered
from huikuan.finance.warning_services import warning_acknowledge

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class StaffOnly(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may(request.user, "staff.read")


class WarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=WarningRule.values)
    grade = serializers.IntegerField(help_text="1 info, 2 warning, 3 severe")
    customer_code = TextField()
    customer_name = TextField()
    invoice = TextField(allow_null=True)
    raised_on = serializers.DateField()
    message = TextField(help_text="What the warning says, in the request's language")
    figures = serializers.DictField(help_text="The figures the rule found (amounts as decimal strings)")
    routed_to = TextField(help_text="collector, or the role the grade goes to")
    status = serializers.ChoiceField(choices=WarningStatus.values)
    acknowledged_by = TextField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    note = TextField()


class ListQuerySerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=["1", "2", "3"], required=False)
    status = serializers.ChoiceField(choices=WarningStatus.values, required=False)
    rule = serializers.ChoiceField(choices=WarningRule.values, required=False)


class AcknowledgeSerializer(serializers.Serializer):
    note = TextField(required=False, allow_blank=True, default="", max_length=500)


@extend_schema_view(
    list=extend_schema(summary="Early warnings, newest first", parameters=[ListQuerySerializer]),
    retrieve=extend_schema(summary="One early warning"),
)
class EarlyWarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [StaffOnly, WriteAction]
    write_actions = {"acknowledge": "warning.acknowledge"}
    serializer_class = WarningSerializer
    filter_backends: list = []

    def get_queryset(self):
        warnings = access_warnings(user=self.request.user)
        if self.action != "list":
            return warnings
        query = ListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        try:
            return warnings_filtered(warnings, **query.validated_data)
        except RuleViolation as error:
            raise ValidationError({"grade": [str(error)]}) from None

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [warning_as_dict(warning) for warning in (page if page is not None else self.get_queryset())]
        return self.get_paginated_response(rows) if page is not None else Response(rows)

    def retrieve(self, request, *args, **kwargs):
        return Response(warning_as_dict(self.get_object()))

    @extend_schema(
        summary="Acknowledge a warning: it was handled",
        description="409 when it was acknowledged already.",
        request=AcknowledgeSerializer,
        responses={200: WarningSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        warning = self.get_object()
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api"):
            done = warning_acknowledge(warning=warning, user=request.user, note=body.validated_data["note"])
        return Response(warning_as_dict(access_warnings(user=request.user).get(pk=done.pk)))

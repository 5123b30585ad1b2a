"""Finance control over the API: the KPIs, exactly what ``huikuan kpi --json`` prints."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import is_scoped
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.core.errors import RuleViolation
from huikuan.finance.kpis import KPI_NAMES
from huikuan.finance.selectors import KPI_GROUPINGS, kpi_report
from huikuan.ledger.models import Invoice


class KpiQuerySerializer(serializers.Serializer):
    locals()["from"] = BusinessDateField(help_text="The period's first day (YYYY-MM-DD).")
    to = BusinessDateField(help_text="The period's last day (YYYY-MM-DD).")
    by = serializers.ChoiceField(choices=KPI_GROUPINGS, default="company")


def _kpi_fields() -> dict:
    return {
        name: TextField(allow_null=True, help_text="A decimal string; null where its denominator is zero.")
        for name in KPI_NAMES
    }


KpiValuesSerializer = type("KpiValuesSerializer", (serializers.Serializer,), _kpi_fields())
KpiRowSerializer = type(
    "KpiRowSerializer",
    (KpiValuesSerializer,),
    {"key": TextField(help_text="company, a department, salesperson, collector, class or currency"),
     "name": TextField()},
)  # fmt: skip
KpiReportSerializer = type(
    "KpiReportSerializer",
    (serializers.Serializer,),
    {
        "from": BusinessDateField(),
        "to": BusinessDateField(),
        "days": serializers.IntegerField(),
        "group_by": serializers.ChoiceField(choices=KPI_GROUPINGS),
        "rows": KpiRowSerializer(many=True),
        "total": KpiValuesSerializer(),
    },
)


class KpiView(APIView):
    """Receivables KPIs for a period (DSO, CEI, collection rate …); the whole ledger's."""

    # Permission checks need a model: whoever may read invoices may read the KPIs.
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Receivables KPIs for a period",
        parameters=[KpiQuerySerializer],
        responses={200: KpiReportSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        if is_scoped(request.user):
            raise PermissionDenied(_("The KPIs cover the whole ledger: your role sees only some customers."))
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            report = kpi_report(first_day=data["from"], last_day=data["to"], group_by=data["by"])
        except RuleViolation as error:
            raise ValidationError({"from": [str(error)]}) from None
        return Response(report.as_dict())

"""Staff scorecards over the API: the months run, one month (a collector or salesperson sees
only their own line), running a month (queued: 202) and the approved month's payroll XLSX.
Thin: ``huikuan.finance.scorecards``. Approval is the approvals' endpoints."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.permissions import may
from huikuan.api.fields import TextField
from huikuan.core.audit import audit_context
from huikuan.core.exports import XLSX_CONTENT_TYPE
from huikuan.finance.models import ScorecardRun
from huikuan.finance.scorecards import (
    run_as_dict,
    scorecard_lines_visible,
    scorecard_run_enqueue,
    scorecard_xlsx,
)
from huikuan.ledger.models import Invoice

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class XlsxRenderer(BaseRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ScorecardMonthSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="The month to score, YYYY-MM.")


class ScorecardQueuedSerializer(serializers.Serializer):
    month = TextField()
    queued = serializers.BooleanField()
    task = serializers.IntegerField()


def _reader(user) -> None:
    if not may(user, "scorecard.read"):
        raise PermissionDenied


class ScorecardListView(APIView):
    # Reads: whoever reads the ledger, then ``scorecard.read`` (staff only).
    queryset = Invoice.objects.none()
    write_actions = {"POST": "scorecard.run"}

    @extend_schema(
        summary="The months scored, newest first (without their lines)",
        operation_id="scorecards_list",
        responses={200: build_array_type(build_basic_type(OpenApiTypes.OBJECT)), 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        _reader(request.user)
        runs = [
            run_as_dict(run, lines=[]) | {"lines": None} for run in ScorecardRun.objects.order_by("-month")
        ]
        return Response(runs)

    @extend_schema(
        summary="Score a month and propose its rewards and penalties for approval (queued: 202)",
        request=ScorecardMonthSerializer,
        responses={202: ScorecardQueuedSerializer, **ERRORS},
    )
    def post(self, request):
        form = ScorecardMonthSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        month = form.validated_data["month"]
        with audit_context(actor=request.user, source="api:scorecards"):
            task = scorecard_run_enqueue(month=month, computed_by=request.user.get_username())
        body = {"month": month, "queued": True, "task": task}
        return Response(ScorecardQueuedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class ScorecardDetailView(APIView):
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="One month's scorecards: the lines the reader may see",
        operation_id="scorecards_retrieve",
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, month: str):
        _reader(request.user)
        run = get_object_or_404(ScorecardRun, month=month)
        return Response(run_as_dict(run, lines=scorecard_lines_visible(run=run, user=request.user)))


class ScorecardExportView(APIView):
    queryset = Invoice.objects.none()
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(
        summary="An approved month's scorecards as an XLSX workbook for payroll",
        operation_id="scorecards_xlsx",
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, month: str):
        if not may(request.user, "scorecard.export"):
            raise PermissionDenied
        run = get_object_or_404(ScorecardRun, month=month)
        response = HttpResponse(scorecard_xlsx(run), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="scorecards-{run.month}.xlsx"'
        return response

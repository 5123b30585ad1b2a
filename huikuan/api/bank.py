"""Bank statements through the API: import a file (multipart), read statements and lines,
list and save the profiles that read banks' CSV/Excel exports. Thin: the cash app's services."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.utils.text import get_valid_filename
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import is_scoped
from huikuan.api.fields import ModelSerializer
from huikuan.cash.imports import bank_statement_import
from huikuan.cash.match import statements_match_enqueue
from huikuan.cash.models import BankLine, BankProfile, BankStatement
from huikuan.cash.parsers import FORMATS
from huikuan.cash.profiles import profile_save, profiles_all
from huikuan.cash.selectors import access_bank_lines
from huikuan.core.audit import audit_context
from huikuan.ledger.imports.limits import check_file_size, import_limits

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


class BankStatementSerializer(ModelSerializer):
    profile = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = BankStatement
        fields = [
            "id", "account_number", "statement_ref", "format", "profile", "file_name", "sha256",
            "period_start", "period_end", "currency", "opening_balance", "closing_balance",
            "lines_read", "lines_new", "imported_by", "imported_at",
        ]  # fmt: skip


class BankStatementLineSerializer(ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = BankLine
        fields = [
            "id", "statement", "account_number", "bank_ref", "booking_date", "value_date",
            "transaction_date", "amount", "currency", "direction", "payer_name", "payer_account",
            "memo", "status", "customer",
        ]  # fmt: skip


class BankImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=FORMATS, default="auto")
    profile = serializers.CharField(required=False, allow_blank=True, max_length=100)
    account = serializers.CharField(required=False, allow_blank=True, max_length=64)
    dry_run = serializers.BooleanField(default=False)


class BankProfileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    builtin = serializers.BooleanField(read_only=True)
    encoding = serializers.CharField(default="auto", max_length=20)
    skip_rows = serializers.IntegerField(default=0, min_value=0, max_value=1000)
    delimiter = serializers.CharField(default=",", max_length=4, trim_whitespace=False)
    columns = serializers.DictField(help_text="field → header or list of headers (memo: several joined)")
    amount_layout = serializers.ChoiceField(choices=["signed", "split", "direction"], default="signed")
    thousands_separator = serializers.CharField(
        default=",", max_length=2, allow_blank=True, trim_whitespace=False
    )
    decimal_separator = serializers.CharField(default=".", max_length=2)
    date_format = serializers.CharField(default="%Y-%m-%d", max_length=40)
    currency = serializers.CharField(default="", max_length=3, allow_blank=True)


IMPORT_RESULT = inline_serializer(
    "BankImportResult",
    {
        "file_name": serializers.CharField(),
        "format": serializers.CharField(),
        "profile": serializers.CharField(),
        "statements": serializers.IntegerField(),
        "statements_created": serializers.IntegerField(),
        "lines_read": serializers.IntegerField(),
        "lines_new": serializers.IntegerField(),
        "duplicates": serializers.IntegerField(),
        "credits": serializers.IntegerField(),
        "debits": serializers.IntegerField(),
        "totals": serializers.DictField(),
        "statement_ids": serializers.ListField(child=serializers.IntegerField()),
    },
)


class BankImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    write_actions = {"POST": "bank.import"}
    queryset = BankStatement.objects.none()  # for the role permission's model

    @extend_schema(
        summary="Import a bank statement file (camt.053/054, MT940, BAI2, OFX, CSV/XLS/XLSX): all or nothing",
        request={"multipart/form-data": BankImportSerializer},
        responses={201: IMPORT_RESULT, 200: IMPORT_RESULT, **ERRORS},
    )
    def post(self, request):
        form = BankImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        check_file_size(upload.size, import_limits(), file_name=upload.name)
        with tempfile.TemporaryDirectory(prefix="huikuan-bank-") as directory:
            path = Path(directory) / (get_valid_filename(Path(upload.name).name) or "statement")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            with audit_context(actor=request.user, source="api:bank-import"):
                result = bank_statement_import(
                    path=path,
                    fmt=data["format"],
                    profile_name=data.get("profile") or None,
                    account=data.get("account") or None,
                    imported_by=request.user.get_username(),
                    dry_run=data["dry_run"],
                )
                statements_match_enqueue(statement_ids=result.statement_ids)
        created = result.lines_new and not result.dry_run
        return Response(result.as_dict(), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Imported bank statements, newest first"),
    retrieve=extend_schema(summary="One imported bank statement"),
)
class BankStatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BankStatementSerializer
    queryset = BankStatement.objects.select_related("profile")


@extend_schema_view(
    list=extend_schema(
        summary="Bank lines",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, description="new, ignored, review …"),
            OpenApiParameter("statement", OpenApiTypes.INT),
            OpenApiParameter("direction", OpenApiTypes.STR, description="credit or debit"),
        ],
    ),
    retrieve=extend_schema(summary="One bank line"),
)
class BankLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BankStatementLineSerializer
    queryset = BankLine.objects.select_related("customer")  # for the role permission's model

    def get_queryset(self):
        # Every line of the statements (money out too); collectors and salespeople: only the
        # receipts proposed for or applied to their customers.
        user = self.request.user
        lines = access_bank_lines(user=user) if is_scoped(user) else BankLine.objects.all()
        return lines.select_related("customer")

    def filter_queryset(self, queryset):
        params = self.request.query_params
        for name in ("status", "direction"):
            if params.get(name):
                queryset = queryset.filter(**{name: params[name]})
        statement = params.get("statement", "")
        if statement:
            # An id the database can hold (at most 18 ASCII digits), else no such statement.
            if not re.fullmatch(r"[0-9]{1,18}", statement):
                return queryset.none()
            queryset = queryset.filter(statement_id=int(statement))
        return queryset


class BankProfileView(APIView):
    write_actions = {"POST": "bank_profile.edit"}
    queryset = BankProfile.objects.all()

    @extend_schema(
        summary="The built-in and saved bank profiles", responses={200: BankProfileSerializer(many=True)}
    )
    def get(self, request):
        return Response([profile.as_dict() for profile in profiles_all()])

    @extend_schema(
        summary="Save (create or update) a bank profile",
        request=BankProfileSerializer,
        responses={201: BankProfileSerializer, 200: BankProfileSerializer, **ERRORS},
    )
    def post(self, request):
        form = BankProfileSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api:bank-profile"):
            row, created = profile_save(data=dict(form.validated_data))
        body = {**form.validated_data, "name": row.name, "builtin": False}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

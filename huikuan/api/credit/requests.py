"""Term-extension requests, credit-limit applications and financial statements."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from huikuan.accounts.access import access_invoices
from huikuan.api.credit.common import (
    ERRORS,
    ScopedCreditViewSet,
)
from huikuan.api.credit.serializers import (
    ExtensionRequestSerializer,
    LimitApplicationSerializer,
    StatementSerializer,
)
from huikuan.core.audit import audit_context
from huikuan.credit.flows import (
    credit_limit_apply,
    term_extension_request,
)
from huikuan.credit.selectors import (
    access_extension_requests,
    access_limit_applications,
    access_statements,
)
from huikuan.credit.services import financial_statement_record


@extend_schema_view(
    list=extend_schema(summary="Term-extension requests"),
    create=extend_schema(
        summary="Ask for a term extension: class A/B go to approval, C/D are refused (409) with the reason",
        responses={201: ExtensionRequestSerializer, **ERRORS},
    ),
)
class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = ExtensionRequestSerializer
    write_actions = {"create": "extension.request"}
    access = staticmethod(access_extension_requests)

    def filter_queryset(self, queryset):
        code = self.request.query_params.get("customer")
        return queryset.filter(invoice__customer__code=code) if code else queryset

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("invoices", access_invoices(user=self.request.user))
        return viewsets.GenericViewSet.get_serializer(self, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = term_extension_request(
                invoice=data["invoice"],
                days=data["days"],
                reason=data["reason"],
                requested_by=self.request.user,
            )


@extend_schema_view(
    list=extend_schema(summary="Credit-limit applications"),
    create=extend_schema(
        summary="Apply for a new credit limit (the credit_limit approval chain)",
        responses={201: LimitApplicationSerializer, **ERRORS},
    ),
)
class LimitApplicationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = LimitApplicationSerializer
    write_actions = {"create": "limit.apply"}
    access = staticmethod(access_limit_applications)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = credit_limit_apply(
                customer=data["customer"],
                amount=data["amount"],
                reason=data.get("reason", ""),
                requested_by=self.request.user,
            )


@extend_schema_view(
    list=extend_schema(summary="Financial statements with their Altman Z-score"),
    create=extend_schema(
        summary="Enter a customer's statement (one per date; entering it again corrects it)",
        responses={201: StatementSerializer, **ERRORS},
    ),
)
class StatementViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = StatementSerializer
    write_actions = {"create": "statement.record"}
    access = staticmethod(access_statements)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = financial_statement_record(
                **data, entered_by=self.request.user.get_username()
            )

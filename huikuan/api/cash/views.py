"""Cash application through the API: the queue of bank lines and the decisions on them,
each a call of ``huikuan.cash.services`` on a line and a customer of the caller's scope."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.api.cash.serializers import (
    AcceptSerializer,
    BankLineSerializer,
    DecidedSerializer,
    OnAccountRequestSerializer,
    QueueQuerySerializer,
    ReasonSerializer,
    SplitRequestSerializer,
    WriteOffRequestSerializer,
)
from huikuan.api.permissions import RolePermissions
from huikuan.cash import services
from huikuan.cash.models import BankLine
from huikuan.cash.proposals import Split
from huikuan.cash.selectors import LineFilters, bank_line_get, bank_line_queue
from huikuan.core.audit import audit_context

SOURCE = "api:cash"
ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class BankLineListView(ListAPIView):
    permission_classes = [RolePermissions]
    serializer_class = BankLineSerializer
    queryset = BankLine.objects.none()

    @extend_schema(
        summary="The cash-application queue: lines to review first, then unmatched ones",
        parameters=[QueueQuerySerializer],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = QueueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = LineFilters(
            status=data["status"],
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            search=data["q"],
        )
        return bank_line_queue(user=self.request.user, filters=filters)


class LineView(APIView):
    permission_classes = [RolePermissions]
    queryset = BankLine.objects.none()
    write_actions = {"POST": "cash.decide"}

    def line(self, pk: int) -> BankLine:
        return get_object_or_404(
            bank_line_queue(user=self.request.user, filters=LineFilters(status="")), pk=pk
        )

    def customer(self, code: str):
        return get_object_or_404(access_customers(user=self.request.user), code=code)

    def valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, line: BankLine, posted: bool) -> Response:
        fresh = bank_line_get(user=self.request.user, pk=line.pk)
        return Response(DecidedSerializer({"posted": posted, "line": fresh}).data)


class BankLineDetailView(LineView):
    @extend_schema(
        summary="One bank line, its proposal and its current decision", responses=BankLineSerializer
    )
    def get(self, request, pk: int):
        return Response(BankLineSerializer(self.line(pk)).data)


def _decision_schema(summary: str, request):
    return extend_schema(summary=summary, request=request, responses={200: DecidedSerializer, **ERRORS})


class AcceptView(LineView):
    @_decision_schema("Accept a candidate of the matcher (1: the best) as proposed", AcceptSerializer)
    def post(self, request, pk: int):
        line = self.line(pk)
        data = self.valid(AcceptSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            outcome = services.line_accept(
                line=line,
                decided_by=request.user.get_username(),
                rank=data["candidate"] - 1,
                customers=access_customers(user=request.user),
            )
        return self.answer(line, outcome.posted)


class SplitView(LineView):
    @_decision_schema(
        "Apply the line across invoices by hand; the rest stays on account", SplitRequestSerializer
    )
    def post(self, request, pk: int):
        line = self.line(pk)
        data = self.valid(SplitRequestSerializer)
        customer = self.customer(data["customer_code"])
        with audit_context(actor=request.user, source=SOURCE):
            outcome = services.line_split(
                line=line,
                customer=customer,
                splits=[Split(part["invoice_number"], part["amount"]) for part in data["allocations"]],
                write_offs=[
                    services.WriteOffSplit(part["invoice_number"], part["amount"], part["reason"])
                    for part in data["write_offs"]
                ],
                decided_by=request.user.get_username(),
            )
        return self.answer(line, outcome.posted)


class WriteOffView(LineView):
    @_decision_schema(
        "Pay one invoice with the whole line and write off the short-pay (within the tolerance)",
        WriteOffRequestSerializer,
    )
    def post(self, request, pk: int):
        line = self.line(pk)
        data = self.valid(WriteOffRequestSerializer)
        customer = self.customer(data["customer_code"])
        with audit_context(actor=request.user, source=SOURCE):
            outcome = services.line_write_off_difference(
                line=line,
                customer=customer,
                invoice_number=data["invoice_number"],
                reason=data["reason"],
                decided_by=request.user.get_username(),
            )
        return self.answer(line, outcome.posted)


class OnAccountView(LineView):
    @_decision_schema(
        "Put the whole line on account of a customer, or record it as an advance receipt (预收)",
        OnAccountRequestSerializer,
    )
    def post(self, request, pk: int):
        line = self.line(pk)
        data = self.valid(OnAccountRequestSerializer)
        customer = self.customer(data["customer_code"])
        with audit_context(actor=request.user, source=SOURCE):
            outcome = services.line_put_on_account(
                line=line,
                customer=customer,
                decided_by=request.user.get_username(),
                as_advance=data["as_advance"],
                order_number=data["order_number"],
            )
        return self.answer(line, outcome.posted)


class NotCustomerView(LineView):
    @_decision_schema("Mark the line as not a customer's receipt", ReasonSerializer)
    def post(self, request, pk: int):
        line = self.line(pk)
        reason = self.valid(ReasonSerializer)["reason"]
        with audit_context(actor=request.user, source=SOURCE):
            outcome = services.line_mark_not_customer(
                line=line, decided_by=request.user.get_username(), reason=reason
            )
        return self.answer(line, outcome.posted)


class UndoView(LineView):
    @_decision_schema(
        "Undo the line's decision: reversed in the ledger, the line back in the queue", ReasonSerializer
    )
    def post(self, request, pk: int):
        line = self.line(pk)
        reason = self.valid(ReasonSerializer)["reason"]
        with audit_context(actor=request.user, source=SOURCE):
            services.line_undo(line=line, undone_by=request.user.get_username(), reason=reason)
        return self.answer(line, True)

"""Advance receipts (预收), the AR/AP offset (应收冲应付) and rounding tails (尾差) over the API.
Thin: ``huikuan.ledger.advances`` and ``huikuan.finance.offsets``; decisions are the approvals'
endpoints."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.core.audit import audit_context
from huikuan.finance.models import ArApOffset, TailWriteOff
from huikuan.finance.offsets import (
    offset_as_dict,
    offset_candidates,
    offset_propose,
    tails_as_dict,
    tails_open,
    tails_propose,
)
from huikuan.ledger.advances import advance_offset, advance_receipt_record, customer_advances
from huikuan.ledger.models import AdvanceReceipt, AdvanceSource, Invoice, Payment

SOURCE = "api:advance"
ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}
OBJECTS = build_array_type(build_basic_type(OpenApiTypes.OBJECT))


def _staff(user):
    if not may(user, "staff.read"):
        raise PermissionDenied


class AdvanceRecordSerializer(serializers.Serializer):
    payment_ref = TextField(max_length=100)
    order_number = TextField(max_length=64, required=False, default="", allow_blank=True)


class AdvanceOffsetSerializer(serializers.Serializer):
    invoice_number = TextField(max_length=64)
    amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=Decimal("0.01"), required=False, default=None
    )
    date = BusinessDateField(required=False, default=None)


class AdvanceListView(APIView):
    write_actions = {"POST": "advance.record"}
    queryset = Invoice.objects.none()  # reads: whoever may read invoices, within their customers

    @extend_schema(
        summary="Advance receipts (预收), newest first, with what was offset and what is left",
        operation_id="advance_receipts_list",
        parameters=[OpenApiParameter("customer", str, description="A customer code")],
        responses={200: OBJECTS},
    )
    def get(self, request):
        _staff(request.user)
        customers = access_customers(user=request.user)
        if code := request.query_params.get("customer"):
            customers = customers.filter(code=code)
        ids = list(customers.values_list("pk", flat=True))
        return Response([line.as_dict() for line in customer_advances(customer_ids=ids)])

    @extend_schema(
        summary="Record a payment on account as an advance receipt (预收), for the customer or one order",
        request=AdvanceRecordSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = AdvanceRecordSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        payment = get_object_or_404(
            Payment,
            reference=form.validated_data["payment_ref"],
            customer__in=access_customers(user=request.user),
        )
        with audit_context(actor=request.user, source=SOURCE):
            receipt = advance_receipt_record(
                payment=payment,
                recorded_on=timezone.localdate(),
                order_number=form.validated_data["order_number"],
                recorded_by=request.user.get_username(),
                source=AdvanceSource.API,
            )
        [line] = [
            x for x in customer_advances(customer_ids=[receipt.customer_id]) if x.receipt.pk == receipt.pk
        ]
        return Response(line.as_dict(), status=status.HTTP_201_CREATED)


class AdvanceOffsetView(APIView):
    write_actions = {"POST": "advance.record"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Offset an advance receipt against one of the customer's invoices (预收冲应收)",
        request=AdvanceOffsetSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, reference: str):
        customers = access_customers(user=request.user)
        receipt = get_object_or_404(AdvanceReceipt, payment__reference=reference, customer__in=customers)
        form = AdvanceOffsetSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        invoice = get_object_or_404(Invoice, number=data["invoice_number"], customer__in=customers)
        with audit_context(actor=request.user, source=SOURCE):
            offset = advance_offset(
                receipt=receipt,
                invoice=invoice,
                amount=data["amount"],
                on=data["date"],
                offset_by=request.user.get_username(),
            )
        return Response(
            {
                "reference": reference,
                "invoice": invoice.number,
                "amount": f"{offset.allocation.amount:.2f}",
                "date": offset.allocation.allocation_date.isoformat(),
                "automatic": offset.automatic,
            },
            status=status.HTTP_201_CREATED,
        )


class OffsetProposeSerializer(serializers.Serializer):
    customer_code = TextField(max_length=64)
    supplier_code = TextField(max_length=64)


class OffsetListView(APIView):
    write_actions = {"POST": "offset.propose"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="AR/AP offsets (应收冲应付): the payables with what could be offset, and the offsets",
        operation_id="ar_ap_offsets_list",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        _staff(request.user)
        ids = list(access_customers(user=request.user).values_list("pk", flat=True))
        offsets = ArApOffset.objects.filter(customer_id__in=ids).select_related(
            "customer", "payable", "payment"
        )
        return Response(
            {
                "candidates": [c.as_dict() for c in offset_candidates(customer_ids=ids)],
                "offsets": [offset_as_dict(o) for o in offsets],
            }
        )

    @extend_schema(
        summary="Propose offsetting min(open receivables, payable) for approval",
        request=OffsetProposeSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = OffsetProposeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        customer = get_object_or_404(
            access_customers(user=request.user), code=form.validated_data["customer_code"]
        )
        payable = get_object_or_404(customer.payables, supplier_code=form.validated_data["supplier_code"])
        with audit_context(actor=request.user, source=SOURCE):
            offset = offset_propose(payable=payable, requested_by=request.user)
        return Response(offset_as_dict(offset), status=status.HTTP_201_CREATED)


class TailsView(APIView):
    write_actions = {"POST": "offset.propose"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Rounding tails (尾差): the open balances under the setting, and the proposals",
        operation_id="rounding_tails_list",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        _staff(request.user)
        visible = set(access_customers(user=request.user).values_list("pk", flat=True))
        return Response(
            {
                "tails": [
                    {
                        "invoice": i.number,
                        "customer": i.customer.code,
                        "open": f"{i.open_amount:.2f}",
                        "currency": i.currency,
                    }
                    for i in tails_open()
                    if i.customer_id in visible
                ],
                "proposals": [tails_as_dict(p) for p in TailWriteOff.objects.all()[:50]],
            }
        )

    @extend_schema(
        summary="Propose writing off every rounding tail with one approval",
        request=None,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        with audit_context(actor=request.user, source=SOURCE):
            proposal = tails_propose(requested_by=request.user)
        return Response(tails_as_dict(proposal), status=status.HTTP_201_CREATED)

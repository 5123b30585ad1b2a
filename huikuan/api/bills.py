"""Acceptance bills over the API: the register, receive a bill against invoices, and each move
of its life (endorse, discount, present, honour, dishonour). Thin: ``huikuan.bills``."""

from __future__ import annotations

import re
from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.serializers import money, rate
from huikuan.bills import services
from huikuan.bills.rules import BillKind, BillStatus
from huikuan.bills.selectors import access_bills, bill_as_dict, bills_due_soon, bills_filtered
from huikuan.core.audit import audit_context
from huikuan.ledger.models import Invoice

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


def _readable(user):
    if not may(user, "bill.read"):  # a customer's portal user sees no bills register
        raise PermissionDenied
    return access_bills(user=user).prefetch_related("settlements__invoice").select_related("costs_invoice")


class SettlementSerializer(serializers.Serializer):
    invoice_number = TextField(max_length=64)
    amount = money(required=False, allow_null=True, default=None, min_value=services.CENT_FLOOR)


class BillReceiveSerializer(serializers.Serializer):
    customer_code = TextField(max_length=64)
    number = TextField(max_length=40)
    sub_range_start = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    sub_range_end = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    electronic = serializers.BooleanField(default=True)
    kind = serializers.ChoiceField(choices=BillKind.choices)
    drawer = TextField(max_length=300)
    acceptor = TextField(max_length=300)
    acceptor_bank = TextField(max_length=300, required=False, default="", allow_blank=True)
    issue_date = BusinessDateField()
    maturity_date = BusinessDateField()
    received_on = BusinessDateField()
    amount = money(min_value=services.CENT_FLOOR)
    currency = TextField(max_length=3, required=False, default="", allow_blank=True)
    exchange_rate = rate(required=False, allow_null=True, default=None)
    invoices = SettlementSerializer(many=True, required=False, default=list)
    payment_reference = TextField(max_length=100, required=False, default="", allow_blank=True)


class BillListView(APIView):
    write_actions = {"POST": "bill.manage"}
    queryset = Invoice.objects.none()  # reads: the "bill.read" rule, within the user's customers

    @extend_schema(
        summary="The bills register: by maturity, acceptor or status; due_within=N for the bills falling due",
        operation_id="bills_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="held, endorsed, discounted, collecting, honoured, dishonoured or live",
            ),
            OpenApiParameter("acceptor", str, description="part of the acceptor's or its bank's name"),
            OpenApiParameter("kind", str, enum=BillKind.values),
            OpenApiParameter("customer", str, description="customer code"),
            OpenApiParameter("order", str, enum=["maturity", "acceptor", "status", "received"]),
            OpenApiParameter("due_within", int, description="only live bills maturing within this many days"),
            OpenApiParameter("as_of", OpenApiTypes.DATE),
        ],
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params
        bills = bills_filtered(
            _readable(request.user),
            status=params.get("status", "")
            if params.get("status", "") in {*BillStatus.values, "live", ""}
            else "",
            acceptor=params.get("acceptor", "")[:300],
            kind=params.get("kind", "") if params.get("kind") in BillKind.values else "",
            customer=params.get("customer", "")[:64],
            order=params.get("order", "maturity"),
        )
        if re.fullmatch(r"[0-9]{1,6}", within := params.get("due_within", "")):
            as_of = _as_of(params.get("as_of"))
            bills = bills_due_soon(bills, as_of=as_of, days=min(int(within), 3660))
        return Response({"results": [bill_as_dict(bill) for bill in bills[:1000]]})

    @extend_schema(
        summary="Receive an acceptance bill from a customer as payment of its invoices",
        request=BillReceiveSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = BillReceiveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customer = get_object_or_404(access_customers(user=request.user), code=data["customer_code"])
        bill = services.BillIn(
            customer=customer,
            number=data["number"],
            kind=data["kind"],
            drawer=data["drawer"],
            acceptor=data["acceptor"],
            acceptor_bank=data["acceptor_bank"],
            issue_date=data["issue_date"],
            maturity_date=data["maturity_date"],
            received_on=data["received_on"],
            amount=data["amount"],
            currency=data["currency"],
            fx_rate=data["exchange_rate"],
            electronic=data["electronic"],
            sub_range_start=data.get("sub_range_start"),
            sub_range_end=data.get("sub_range_end"),
            invoices=tuple((part["invoice_number"], part["amount"]) for part in data["invoices"]),
            payment_reference=data["payment_reference"],
        )
        with audit_context(actor=request.user, source="api:bill"):
            received = services.bill_receive(bill=bill)
        return Response(bill_as_dict(received), status=status.HTTP_201_CREATED)


def _as_of(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


class BillDetailView(APIView):
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="One acceptance bill", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
    )
    def get(self, request, pk: int):
        return Response(bill_as_dict(get_object_or_404(_readable(request.user), pk=pk)))


class MoveSerializer(serializers.Serializer):
    on = BusinessDateField()


class EndorseSerializer(MoveSerializer):
    endorsee = TextField(max_length=300)


class DiscountSerializer(MoveSerializer):
    bank = TextField(max_length=300)
    annual_rate = rate(required=False, allow_null=True, default=None)
    interest = money(required=False, allow_null=True, default=None)


class DishonourSerializer(MoveSerializer):
    reason = TextField(max_length=500)
    costs = money(required=False, default=services.ZERO_COSTS)


def _move_view(serializer: type[serializers.Serializer], move, summary: str) -> type[APIView]:
    class MoveView(APIView):
        write_actions = {"POST": "bill.manage"}
        queryset = Invoice.objects.none()

        @extend_schema(summary=summary, request=serializer, responses={200: OpenApiTypes.OBJECT, **ERRORS})
        def post(self, request, pk: int):
            bill = get_object_or_404(_readable(request.user), pk=pk)
            form = serializer(data=request.data)
            form.is_valid(raise_exception=True)
            with audit_context(actor=request.user, source="api:bill"):
                moved = move(bill=bill, **form.validated_data)
            return Response(bill_as_dict(moved))

    MoveView.__name__ = f"Bill{move.__name__.split('_')[1].title()}View"
    return MoveView


MOVE_VIEWS = {
    "endorse": _move_view(
        EndorseSerializer, services.bill_endorse, "Endorse the bill on to a supplier (背书)"
    ),
    "discount": _move_view(DiscountSerializer, services.bill_discount, "Discount the bill at a bank (贴现)"),
    "present": _move_view(
        MoveSerializer, services.bill_present, "Present the bill for collection at maturity (托收)"
    ),
    "honour": _move_view(MoveSerializer, services.bill_honour, "Record the bill honoured at maturity"),
    "dishonour": _move_view(
        DishonourSerializer,
        services.bill_dishonour,
        "Record the bill dishonoured (拒付): the invoices reopen",
    ),
}

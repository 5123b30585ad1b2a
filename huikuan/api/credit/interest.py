"""Statutory late-payment interest (保障中小企业款项支付条例): the figures, their charge as a
debit note, customers' contract rates and the LPR table."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.api.credit.common import (
    AS_OF,
    ERRORS,
    ReadsCredit,
    as_of_param,
    customer_ids_param,
    scoped_customer,
)
from huikuan.api.credit.evaluations import fee_charge_post
from huikuan.api.credit.serializers import FeeChargeRequestSerializer
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.permissions import WriteAction
from huikuan.collections.late_interest import late_interest, late_interest_charge
from huikuan.core.audit import audit_context
from huikuan.credit.interest_rates import contract_interest_rate_set, lpr_rate_add, lpr_table

RATE = {"max_digits": 9, "decimal_places": 6}


class InterestView(APIView):
    """Late-payment interest per customer and invoice as of a date (the undisputed part only)."""

    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="Statutory late-payment interest",
        parameters=[AS_OF, OpenApiParameter("customer", OpenApiTypes.STR)],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of = as_of_param(request)
        entries = late_interest(as_of=as_of, customer_ids=customer_ids_param(request))
        total = sum((entry.total for entry in entries), Decimal("0.00"))
        return Response(
            {"as_of": as_of.isoformat(), "total": f"{total:.2f}", "customers": [e.as_dict() for e in entries]}
        )


class InterestChargeView(APIView):
    """Charge a customer's late-payment interest not yet charged up to a date as a debit note
    (LX-…): 201 with the charge and its lines; 200 with ``charged: false`` when nothing is left."""

    permission_classes = [ReadsCredit, WriteAction]
    write_actions = {"POST": "fee.charge"}

    @extend_schema(
        summary="Charge the late-payment interest as a debit note",
        request=FeeChargeRequestSerializer,
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        return fee_charge_post(request, late_interest_charge)


class ContractRateSerializer(serializers.Serializer):
    customer = TextField(max_length=64)
    annual_rate = serializers.DecimalField(**RATE, min_value=Decimal("0.000001"))
    effective_from = BusinessDateField()
    contract_reference = TextField(max_length=100, required=False, allow_blank=True, default="")


class ContractRateView(APIView):
    """Record a customer's contractual late-payment rate (annual, as a fraction); refused (409)
    below the one-year LPR in force on the day it was agreed."""

    permission_classes = [ReadsCredit, WriteAction]
    write_actions = {"POST": "interest_rate.set"}

    @extend_schema(
        summary="Set a customer's contractual late-payment rate",
        request=ContractRateSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        body = ContractRateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        customer = scoped_customer(request, data["customer"])
        with audit_context(actor=request.user, source="api"):
            rate = contract_interest_rate_set(
                customer=customer,
                annual_rate=data["annual_rate"],
                effective_from=data["effective_from"],
                contract_reference=data["contract_reference"],
                set_by=request.user.get_username(),
            )
        return Response(
            {
                "customer_code": customer.code,
                "annual_rate": str(rate.annual_rate),
                "effective_from": rate.effective_from.isoformat(),
                "lpr_checked": None if rate.lpr_checked is None else str(rate.lpr_checked),
            },
            status=201,
        )


class LprSerializer(serializers.Serializer):
    effective_from = BusinessDateField()
    rate = serializers.DecimalField(**RATE, min_value=Decimal("0.000001"))


class LprView(APIView):
    """The one-year LPR table (dated rows); a credit manager adds a newly published row."""

    permission_classes = [ReadsCredit, WriteAction]
    write_actions = {"POST": "interest_rate.set"}

    @extend_schema(summary="The one-year LPR table", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(
            {"rows": [{"effective_from": day.isoformat(), "rate": str(rate)} for day, rate in lpr_table()]}
        )

    @extend_schema(
        summary="Add a published one-year LPR",
        request=LprSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        body = LprSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api"):
            row = lpr_rate_add(**body.validated_data, entered_by=request.user.get_username())
        return Response({"effective_from": row.effective_from.isoformat(), "rate": str(row.rate)}, status=201)

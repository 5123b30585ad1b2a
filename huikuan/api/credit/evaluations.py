"""Evaluations, the credit check, a customer's credit summary and class history, overdue fees."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.api.credit.common import (
    AS_OF,
    ERRORS,
    ReadsCredit,
    ScopedCreditViewSet,
    as_of_param,
    customer_ids_param,
    scoped_customer,
)
from huikuan.api.credit.serializers import (
    CheckSerializer,
    ClassChangeSerializer,
    EvaluationSerializer,
    FeeChargeRequestSerializer,
)
from huikuan.api.permissions import WriteAction
from huikuan.core.audit import audit_context
from huikuan.credit.charges import fee_charge_as_dict, overdue_fee_charge
from huikuan.credit.models import (
    ClassChange,
    CreditEvaluation,
)
from huikuan.credit.selectors import (
    access_evaluations,
    credit_check,
    customer_credit_summary,
    evaluation_as_dict,
    overdue_fees,
)


@extend_schema_view(list=extend_schema(summary="Monthly credit evaluations (?period=YYYY-MM&customer=CODE)"))
class EvaluationViewSet(mixins.ListModelMixin, ScopedCreditViewSet):
    serializer_class = EvaluationSerializer
    access = staticmethod(access_evaluations)
    permission_classes = [ReadsCredit]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        period = self.request.query_params.get("period")
        if period:
            queryset = queryset.filter(period=period)
        return queryset.order_by("-period", "customer__code", "-version")


class CreditCheckView(APIView):
    """Would an order of this amount pass the credit check, and if not, every reason why."""

    permission_classes = [ReadsCredit, WriteAction]
    write_actions = {"POST": "credit.check"}

    @extend_schema(
        summary="Credit check of an order amount: pass or blocked with every reason",
        request=CheckSerializer,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        body = CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        customer = scoped_customer(request, data["customer"])
        result = credit_check(
            customer=customer,
            amount=data["amount"],
            as_of=data.get("as_of") or timezone.localdate(),
        )
        return Response(result.as_dict())


class CustomerCreditView(APIView):
    """A customer's credit: limit, exposure, available, class, latest evaluation, Z-score, holds, fee."""

    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="A customer's credit summary",
        parameters=[AS_OF],
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, customer_code: str):
        customer = scoped_customer(request, customer_code)
        summary = customer_credit_summary(customer=customer, as_of=as_of_param(request))
        return Response(summary.as_dict())


class ClassHistoryView(APIView):
    """Every evaluation of a customer (newest first) and every applied change of class."""

    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="A customer's class history", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
    )
    def get(self, request, customer_code: str):
        customer = scoped_customer(request, customer_code)
        evaluations = CreditEvaluation.objects.filter(customer=customer).order_by("-period", "-version")[:120]
        changes = ClassChange.objects.filter(customer=customer).select_related("evaluation", "changed_by")
        return Response(
            {
                "customer_code": customer.code,
                "credit_class": customer.credit_class,
                "evaluations": [evaluation_as_dict(evaluation) for evaluation in evaluations],
                "class_changes": ClassChangeSerializer(changes, many=True).data,
            }
        )


class FeesView(APIView):
    """Overdue capital-occupation fees per invoice and customer, as of a date."""

    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="Overdue capital-occupation fees",
        parameters=[AS_OF, OpenApiParameter("customer", OpenApiTypes.STR)],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of = as_of_param(request)
        entries = overdue_fees(as_of=as_of, customer_ids=customer_ids_param(request))
        total = sum((entry.total for entry in entries), Decimal("0.00"))
        return Response(
            {"as_of": as_of.isoformat(), "total": f"{total:.2f}", "customers": [e.as_dict() for e in entries]}
        )


class FeeChargeView(APIView):
    """Charge a customer's overdue fee not yet charged up to a date as a debit note (ZJF-…).

    201 with the charge and its lines; 200 with ``charged: false`` when nothing is left to
    charge (days once charged are never charged again); 409 when CREDIT_FEE_CHARGE is not
    ``debit_note``."""

    permission_classes = [ReadsCredit, WriteAction]
    write_actions = {"POST": "fee.charge"}

    @extend_schema(
        summary="Charge the overdue capital-occupation fee as a debit note",
        request=FeeChargeRequestSerializer,
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        return fee_charge_post(request, overdue_fee_charge)


def fee_charge_post(request, charge_service) -> Response:
    """A charge of the customer's fee or interest up to a date (``charge_service``: the overdue
    fee's or the late interest's), as the two charge endpoints answer it."""
    body = FeeChargeRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    customer = scoped_customer(request, body.validated_data["customer"])
    with audit_context(actor=request.user, source="api"):
        charge = charge_service(
            customer=customer, as_of=body.validated_data["as_of"], charged_by=request.user.get_username()
        )
    if charge is None:
        return Response({"charged": False, "customer_code": customer.code})
    return Response({"charged": True, **fee_charge_as_dict(charge)}, status=201)

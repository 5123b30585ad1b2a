"""Late-payment scores over the API (read only): the open invoices' scores of a day and a
customer's risk history. Thin: ``huikuan.risk.selectors``. Whoever reads credit records, for the
customers they may see (a collector: their own)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.api.credit.common import AS_OF, ReadsCredit, as_of_param, scoped_customer
from huikuan.api.fields import TextField
from huikuan.core.policy import policy_value
from huikuan.risk.selectors import customer_risk_history, customer_scores_fresh, invoice_scores_fresh


class ReasonSerializer(serializers.Serializer):
    feature = TextField(help_text="The feature that pushed the probability up (see docs/risk.md).")
    push = serializers.FloatField(
        help_text="How much P(late) drops when the feature is set to its usual value."
    )


class InvoiceScoreSerializer(serializers.Serializer):
    invoice_number = TextField(source="invoice.number")
    customer_code = TextField(source="customer.code")
    as_of = serializers.DateField()
    probability_late = serializers.DecimalField(max_digits=5, decimal_places=4)
    expected_days = serializers.DecimalField(
        max_digits=7, decimal_places=1, help_text="Days from invoice to settlement."
    )
    reasons = ReasonSerializer(many=True)


class CustomerScoreSerializer(serializers.Serializer):
    customer_code = TextField(source="customer.code")
    as_of = serializers.DateField()
    probability_late = serializers.DecimalField(max_digits=5, decimal_places=4)
    settled_invoices = serializers.IntegerField()
    segment = TextField(
        help_text="premium, normal or high_risk; empty: too little history (class heuristic)."
    )
    reasons = ReasonSerializer(many=True)


class ScoresSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    invoices = InvoiceScoreSerializer(many=True)
    customers = CustomerScoreSerializer(many=True)


class RiskScoresView(APIView):
    """The newest scores made on or within ``RISK_SCORE_MAX_AGE_DAYS`` before the day."""

    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="Late-payment scores of the open invoices and the customers",
        parameters=[AS_OF, OpenApiParameter("customer", OpenApiTypes.STR, description="a customer code")],
        responses={200: ScoresSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        as_of = as_of_param(request)
        customers = access_customers(user=request.user)
        code = request.query_params.get("customer")
        if code:
            customers = customers.filter(code=code) if "\x00" not in code else customers.none()
        ids = list(customers.values_list("pk", flat=True))
        age = policy_value("RISK_SCORE_MAX_AGE_DAYS")
        by_customer = customer_scores_fresh(as_of=as_of, max_age_days=age, customer_ids=ids)
        newest = invoice_scores_fresh(as_of=as_of, max_age_days=age, customer_ids=ids)
        data = {
            "as_of": as_of,
            "invoices": sorted(
                (s for s in newest.values() if s.invoice.closed_on is None or s.invoice.closed_on > as_of),
                key=lambda s: (-s.probability_late, s.invoice.number),
            ),
            "customers": sorted(
                (score for score in by_customer.values()), key=lambda s: (-s.probability_late, s.customer_id)
            ),
        }
        return Response(ScoresSerializer(data).data)


class HistorySerializer(serializers.Serializer):
    customer_code = TextField()
    scores = CustomerScoreSerializer(many=True)


class CustomerRiskHistoryView(APIView):
    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="A customer's risk scores over time, newest first",
        responses={200: HistorySerializer, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, customer_code: str):
        customer = scoped_customer(request, customer_code)
        return Response(
            HistorySerializer(
                {"customer_code": customer.code, "scores": customer_risk_history(customer_id=customer.pk)}
            ).data
        )

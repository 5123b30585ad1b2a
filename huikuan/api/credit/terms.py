"""A customer's terms: extensions beyond its class's term, asked for through approvals."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.api.credit.common import ERRORS, ReadsCredit, scoped_customer
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.api.permissions import WriteAction
from huikuan.core.audit import audit_context
from huikuan.core.limits import DAYS_MAX
from huikuan.credit.flows import customer_terms_extension_request


class CustomerTermsRequestSerializer(serializers.Serializer):
    customer = TextField(max_length=64)
    days = serializers.IntegerField(min_value=1, max_value=DAYS_MAX)
    reason = TextField(max_length=500)
    valid_until = BusinessDateField(required=False, allow_null=True, default=None)


class CustomerTermsView(APIView):
    """Ask that a customer's terms may exceed its class's by some days (the customer_terms
    approval chain); once approved, imports and API writes accept term days up to the class's
    term plus the days granted."""

    permission_classes = [ReadsCredit, WriteAction]
    write_actions = {"POST": "extension.request"}

    @extend_schema(
        summary="Ask for an extension of a customer's terms beyond its class's",
        request=CustomerTermsRequestSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        body = CustomerTermsRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        customer = scoped_customer(request, data["customer"])
        with audit_context(actor=request.user, source="api"):
            approval = customer_terms_extension_request(
                customer=customer,
                days=data["days"],
                reason=data["reason"],
                valid_until=data["valid_until"],
                requested_by=request.user,
            )
        return Response(
            {"customer_code": customer.code, "days": data["days"], "approval_number": approval.number},
            status=201,
        )

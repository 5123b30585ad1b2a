"""Orders: created through the credit check, released by an approval."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from huikuan.api.credit.common import (
    ERRORS,
    ReadsCredit,
    ScopedCreditViewSet,
)
from huikuan.api.credit.serializers import (
    ApprovalFiledSerializer,
    OrderSerializer,
    ReleaseSerializer,
)
from huikuan.api.idempotency import IdempotentCreateMixin
from huikuan.api.permissions import WriteAction
from huikuan.api.views import IDEMPOTENCY_KEY
from huikuan.core.audit import audit_context
from huikuan.credit.flows import (
    order_release_request,
)
from huikuan.credit.selectors import (
    access_orders,
)
from huikuan.credit.services import order_create


@extend_schema_view(
    list=extend_schema(summary="Orders and shipment requests with their credit check"),
    retrieve=extend_schema(summary="One order, by number"),
    create=extend_schema(
        summary="Record an order: the credit check runs, a pass gets a shipment approval number",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: OrderSerializer, **ERRORS},
    ),
)
class OrderViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedCreditViewSet,
):
    serializer_class = OrderSerializer
    write_actions = {"create": "order.create", "release": "order.release"}
    lookup_field = "number"
    lookup_url_kwarg = "order_number"
    lookup_value_regex = "[^/]+"
    access = staticmethod(access_orders)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        check = self.request.query_params.get("check_status")
        if check:
            queryset = queryset.filter(check_status=check)
        return queryset.order_by("-id")

    def get_object(self):
        if "\x00" in self.kwargs.get("order_number", ""):
            raise NotFound()
        return super().get_object()

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = order_create(
                number=data["number"],
                customer=data["customer"],
                order_date=data["order_date"],
                amount=data["amount"],
                currency=data.get("currency", ""),
                fx_rate=data.get("fx_rate"),
                created_by=self.request.user.get_username(),
                price=data.get("price"),
                break_even_price=data.get("break_even_price"),
                target_profit=data.get("target_profit"),
            )

    @extend_schema(
        summary="Send a blocked order for release (an order_release approval)",
        request=ReleaseSerializer,
        responses={201: ApprovalFiledSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[ReadsCredit, WriteAction])
    def release(self, request, order_number=None):
        order = self.get_object()
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api"):
            approval = order_release_request(
                order=order, requested_by=request.user, reason=body.validated_data["reason"]
            )
        return Response({"approval_number": approval.number}, status=status.HTTP_201_CREATED)

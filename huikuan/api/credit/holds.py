"""Credit holds: placed by hand, lifted through an approval."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from huikuan.api.credit.common import (
    ERRORS,
    ReadsCredit,
    ScopedCreditViewSet,
)
from huikuan.api.credit.serializers import (
    ApprovalFiledSerializer,
    HoldSerializer,
    ReleaseSerializer,
)
from huikuan.api.permissions import WriteAction
from huikuan.core.audit import audit_context
from huikuan.credit.flows import (
    hold_lift_request,
)
from huikuan.credit.selectors import (
    access_credit_holds,
)
from huikuan.credit.services import customer_hold_place


@extend_schema_view(
    list=extend_schema(summary="Credit holds"),
    create=extend_schema(summary="Put a customer on credit hold", responses={201: HoldSerializer, **ERRORS}),
)
class HoldViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = HoldSerializer
    write_actions = {"create": "hold.place", "lift": "hold.lift"}
    access = staticmethod(access_credit_holds)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = customer_hold_place(
                customer=data["customer"],
                reason=data["reason"],
                source="manual",
                on=data.get("placed_on") or timezone.localdate(),
                actor=self.request.user,
            )

    @extend_schema(
        summary="Ask for a hold to be lifted (a hold_lift approval)",
        request=ReleaseSerializer,
        responses={201: ApprovalFiledSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[ReadsCredit, WriteAction])
    def lift(self, request, pk=None):
        hold = self.get_object()
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api"):
            approval = hold_lift_request(
                hold=hold, requested_by=request.user, reason=body.validated_data["reason"]
            )
        return Response({"approval_number": approval.number}, status=status.HTTP_201_CREATED)

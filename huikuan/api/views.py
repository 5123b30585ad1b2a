"""The REST API's endpoints: thin interfaces over the ``access_*`` selectors (reads) and the
ledger services (writes). Records are addressed by their business keys."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import (
    access_allocations,
    access_credit_notes,
    access_customer_ids,
    access_customers,
    access_invoices,
    access_payments,
    customer_filter,
)
from huikuan.api import filters
from huikuan.api.auth import LoginRateThrottle
from huikuan.api.idempotency import HEADER, IdempotentCreateMixin
from huikuan.api.serializers import (
    AgingQuerySerializer,
    AgingReportSerializer,
    AllocationSerializer,
    CreditNoteSerializer,
    CustomerSerializer,
    InvoiceSerializer,
    PaymentSerializer,
)
from huikuan.core.audit import audit_context
from huikuan.ledger.filters import InvoiceFilter
from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate
from huikuan.reporting.selectors import aging_report

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional. A retry with the same key and body returns the first response and writes nothing.",
)
ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class LedgerViewSet(viewsets.GenericViewSet):
    """Reads through the user's scope: a record out of it is 404, exactly like one that is not there.

    Each endpoint names its ``access_*`` selector; every query starts from it.
    """

    access = staticmethod(access_customers)

    def get_queryset(self):
        return self.access(user=self.request.user)

    def get_object(self):
        if "\x00" in self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""):
            raise NotFound()  # no key holds a NUL character, and PostgreSQL cannot even compare one
        return super().get_object()


@extend_schema_view(
    list=extend_schema(summary="Customers the user may see"),
    retrieve=extend_schema(summary="One customer, by code"),
    create=extend_schema(
        summary="Create a customer",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CustomerSerializer, **ERRORS},
    ),
)
class CustomerViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    LedgerViewSet,
):
    serializer_class = CustomerSerializer
    write_actions = {"create": "customer.create"}
    lookup_field = "code"
    lookup_url_kwarg = "customer_code"
    lookup_value_regex = "[^/]+"
    filterset_class = filters.CustomerFilter
    ordering_fields = ["code", "name", "credit_class", "status", "created_at"]
    ordering = ["code"]

    access = staticmethod(access_customers)

    def perform_create(self, serializer):
        allowed = customer_filter(self.request.user)
        if allowed is not None:
            # A scoped user creates only customers that will be in their own scope.
            probe = Customer(**serializer.validated_data)
            in_scope = (
                probe.collector == self.request.user.get_username()
                or probe.salesperson == self.request.user.get_username()
            )
            if not in_scope:
                raise PermissionDenied("you may only create customers assigned to you")
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = customer_create(**serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Invoices the user may see"),
    retrieve=extend_schema(summary="One invoice, by number"),
    create=extend_schema(
        summary="Record an invoice; without due_date it falls due by the customer's terms",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: InvoiceSerializer, **ERRORS},
    ),
)
class InvoiceViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    LedgerViewSet,
):
    serializer_class = InvoiceSerializer
    write_actions = {"create": "invoice.create"}
    lookup_field = "number"
    lookup_url_kwarg = "invoice_number"
    lookup_value_regex = "[^/]+"
    filterset_class = InvoiceFilter
    ordering_fields = ["number", "invoice_date", "due_date", "amount", "applied_amount", "created_at"]
    ordering = ["id"]  # in the order recorded, off the primary key: no sort of the whole ledger

    access = staticmethod(access_invoices)

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("customers", access_customers(user=self.request.user))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = invoice_issue(**data)


@extend_schema_view(
    list=extend_schema(summary="Payments (receipts) the user may see"),
    retrieve=extend_schema(summary="One payment, by reference"),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    serializer_class = PaymentSerializer
    lookup_field = "reference"
    lookup_url_kwarg = "payment_ref"
    lookup_value_regex = "[^/]+"
    filterset_class = filters.PaymentFilter
    ordering_fields = ["reference", "payment_date", "amount", "created_at"]
    ordering = ["id"]

    access = staticmethod(access_payments)


@extend_schema_view(
    list=extend_schema(summary="Allocations of payments to invoices the user may see"),
    create=extend_schema(
        summary="Allocate part of a payment to an invoice",
        description="Refused with 409 beyond the invoice's open balance or the payment's unallocated rest.",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: AllocationSerializer, **ERRORS},
    ),
)
class AllocationViewSet(IdempotentCreateMixin, mixins.ListModelMixin, mixins.CreateModelMixin, LedgerViewSet):
    serializer_class = AllocationSerializer
    write_actions = {"create": "allocation.create"}
    filterset_class = filters.AllocationFilter
    ordering_fields = ["allocation_date", "amount", "created_at"]
    ordering = ["id"]

    access = staticmethod(access_allocations)

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("payments", access_payments(user=self.request.user))
        kwargs.setdefault("invoices", access_invoices(user=self.request.user))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = payment_allocate(
                payment=data["payment"],
                invoice=data["invoice"],
                amount=data["amount"],
                allocation_date=data.get("allocation_date"),
            )


@extend_schema_view(
    list=extend_schema(summary="Credit notes the user may see"),
    retrieve=extend_schema(summary="One credit note, by number"),
)
class CreditNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    serializer_class = CreditNoteSerializer
    lookup_field = "number"
    lookup_url_kwarg = "credit_note_number"
    lookup_value_regex = "[^/]+"
    filterset_class = filters.CreditNoteFilter
    ordering_fields = ["number", "note_date", "amount", "created_at"]
    ordering = ["id"]

    access = staticmethod(access_credit_notes)


class AgingView(APIView):
    """The aging of receivables: exactly what ``huikuan aging --json`` prints, over the user's scope."""

    # Permission checks need a model: whoever may read invoices may read their aging.
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Aging of receivables as of a date",
        parameters=[AgingQuerySerializer],
        responses={200: AgingReportSerializer, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        query = AgingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = aging_report(
            as_of=query.validated_data["as_of"],
            group_by=query.validated_data["by"],
            basis=query.validated_data["basis"],
            customer_ids=access_customer_ids(user=request.user),
        )
        return Response(report.as_dict())


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token; throttled per address."""

    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        summary="Obtain an API token", responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT}
    )
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response.status_code = status.HTTP_200_OK
        return response

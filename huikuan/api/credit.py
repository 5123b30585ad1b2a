"""Credit management through the API (SPEC §5): evaluations, class history, the credit check,
orders and their release, term-extension requests, credit-limit applications, holds,
financial statements with their Z-score, overdue fees and each customer's credit summary.

Records are addressed by business keys (customer code, order number, invoice number); every
read starts from the user's scope, so a customer out of it is 404 like one that does not exist.
Writes call one credit service each; decisions go through ``/api/approvals/``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers, access_invoices
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, ModelSerializer, TextField
from huikuan.api.idempotency import IdempotentCreateMixin
from huikuan.api.permissions import WriteAction
from huikuan.api.serializers import KeyRelatedField, money, rate
from huikuan.api.views import IDEMPOTENCY_KEY
from huikuan.core.audit import audit_context
from huikuan.core.limits import DAYS_MAX
from huikuan.credit.altman import KINDS
from huikuan.credit.flows import (
    credit_limit_apply,
    hold_lift_request,
    order_release_request,
    term_extension_request,
)
from huikuan.credit.models import (
    ClassChange,
    CreditEvaluation,
    CreditHold,
    CreditLimitApplication,
    FinancialStatement,
    Order,
    TermExtensionRequest,
)
from huikuan.credit.selectors import (
    access_credit_holds,
    access_evaluations,
    access_extension_requests,
    access_limit_applications,
    access_orders,
    access_statements,
    credit_check,
    customer_credit_summary,
    evaluation_as_dict,
    overdue_fees,
    statement_score,
)
from huikuan.credit.services import customer_hold_place, financial_statement_record, order_create
from huikuan.ledger.models import Customer, Invoice

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD (default: today)")


class ReadsCredit(BasePermission):
    """Any role that may read credit records (every staff role); writes check their own permission."""

    def has_permission(self, request, view) -> bool:
        return may(request.user, "credit.read")


def _as_of(request):
    text = request.query_params.get("as_of")
    if not text:
        return timezone.localdate()
    field = BusinessDateField()
    try:
        return field.run_validation(text)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"as_of": error.detail}) from None


def _scoped_customer(request, code: str):
    customer = access_customers(user=request.user).filter(code=code).first() if "\x00" not in code else None
    if customer is None:
        raise NotFound()
    return customer


# ---------------------------------------------------------------- serializers


class EvaluationSerializer(ModelSerializer):
    customer = TextField(source="customer.code")
    scores = serializers.SerializerMethodField()
    total = money(source="total_score")
    customer_revenue = money()
    department_revenue = money()
    receipts = money()
    overdue_at_start = money()
    falling_due = money()
    weighted_margin = rate(allow_null=True)
    benchmark_margin = rate()
    collection_rate = rate(allow_null=True)

    class Meta:
        model = CreditEvaluation
        fields = [
            "customer",
            "period",
            "version",
            "scores",
            "total",
            "proposed_class",
            "current_class",
            "notes",
            "customer_revenue",
            "department",
            "department_revenue",
            "weighted_margin",
            "benchmark_margin",
            "receipts",
            "overdue_at_start",
            "falling_due",
            "collection_rate",
            "industry_position",
            "approval_number",
            "created_at",
        ]

    def get_scores(self, evaluation) -> dict[str, str]:
        return {item: str(value) for item, value in evaluation.scores.items()}


class ClassChangeSerializer(ModelSerializer):
    period = TextField(source="evaluation.period", default=None)
    changed_by = TextField(source="changed_by.get_username", default=None)

    class Meta:
        model = ClassChange
        fields = ["from_class", "to_class", "period", "approval_number", "source", "changed_by", "changed_at"]


class CheckSerializer(serializers.Serializer):
    customer = TextField(max_length=64)
    amount = money(min_value=0)
    as_of = BusinessDateField(required=False)
    prepaid = serializers.BooleanField(required=False, default=False)


class OrderSerializer(ModelSerializer):
    takes_customers = True
    order_number = TextField(source="number", max_length=64)
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    amount = money(min_value=0)
    fx_rate = rate(required=False, allow_null=True, default=None)
    currency = TextField(max_length=3, required=False, allow_blank=True, default="")

    class Meta:
        model = Order
        fields = [
            "order_number",
            "customer",
            "order_date",
            "amount",
            "currency",
            "fx_rate",
            "status",
            "prepaid",
            "check_status",
            "check_reasons",
            "checked_on",
            "shipment_approval_number",
            "release_approval_number",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "check_status",
            "check_reasons",
            "checked_on",
            "shipment_approval_number",
            "release_approval_number",
            "created_at",
        ]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers


class ReleaseSerializer(serializers.Serializer):
    reason = TextField(max_length=500, required=False, allow_blank=True, default="")


class ApprovalFiledSerializer(serializers.Serializer):
    approval_number = TextField()


class ExtensionRequestSerializer(ModelSerializer):
    invoice = KeyRelatedField(slug_field="number", queryset=Invoice.objects.none())
    customer = TextField(source="invoice.customer.code", read_only=True)
    requested_by = TextField(source="requested_by.get_username", read_only=True)
    days = serializers.IntegerField(min_value=1, max_value=DAYS_MAX)

    class Meta:
        model = TermExtensionRequest
        fields = [
            "id",
            "invoice",
            "customer",
            "days",
            "reason",
            "requested_by",
            "requested_on",
            "status",
            "approval_number",
            "decided_at",
        ]
        read_only_fields = ["id", "requested_on", "status", "approval_number", "decided_at"]

    def __init__(self, *args, invoices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invoices is not None:
            self.fields["invoice"].queryset = invoices


class LimitApplicationSerializer(ModelSerializer):
    takes_customers = True
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    amount = money(min_value=0)
    previous_limit = money(read_only=True, allow_null=True)
    requested_by = TextField(source="requested_by.get_username", read_only=True)

    class Meta:
        model = CreditLimitApplication
        fields = [
            "id",
            "customer",
            "amount",
            "currency",
            "previous_limit",
            "reason",
            "requested_by",
            "requested_on",
            "status",
            "approval_number",
            "decided_at",
        ]
        read_only_fields = ["id", "currency", "requested_on", "status", "approval_number", "decided_at"]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers


class HoldSerializer(ModelSerializer):
    takes_customers = True
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    placed_on = BusinessDateField(required=False)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = CreditHold
        fields = [
            "id",
            "customer",
            "reason",
            "source",
            "placed_on",
            "active",
            "lifted_on",
            "lift_approval_number",
        ]
        read_only_fields = ["id", "source", "lifted_on", "lift_approval_number"]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers


class StatementSerializer(ModelSerializer):
    takes_customers = True
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    kind = serializers.ChoiceField(choices=KINDS)
    working_capital = money()
    retained_earnings = money()
    ebit = money()
    book_equity = money()
    market_equity = money(required=False, allow_null=True, default=None)
    total_liabilities = money()
    sales = money()
    total_assets = money()
    currency = TextField(max_length=3, required=False, allow_blank=True, default="")
    altman = serializers.SerializerMethodField()

    class Meta:
        model = FinancialStatement
        fields = [
            "customer",
            "statement_date",
            "kind",
            "currency",
            "working_capital",
            "retained_earnings",
            "ebit",
            "book_equity",
            "market_equity",
            "total_liabilities",
            "sales",
            "total_assets",
            "altman",
        ]
        validators: list = []

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers

    def get_altman(self, statement) -> dict:
        return statement_score(statement).as_dict()


# ---------------------------------------------------------------- views


class ScopedCreditViewSet(viewsets.GenericViewSet):
    access = staticmethod(access_orders)

    def get_queryset(self):
        return self.access(user=self.request.user)

    def customers(self):
        return access_customers(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        if getattr(self.get_serializer_class(), "takes_customers", False):
            kwargs.setdefault("customers", self.customers())
        return super().get_serializer(*args, **kwargs)

    def filter_queryset(self, queryset):
        code = self.request.query_params.get("customer")
        if code:
            queryset = queryset.filter(customer__code=code)
        return queryset


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
                prepaid=data.get("prepaid", False),
                created_by=self.request.user.get_username(),
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


@extend_schema_view(
    list=extend_schema(summary="Term-extension requests"),
    create=extend_schema(
        summary="Ask for a term extension: class A/B go to approval, C/D are refused (409) with the reason",
        responses={201: ExtensionRequestSerializer, **ERRORS},
    ),
)
class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = ExtensionRequestSerializer
    write_actions = {"create": "extension.request"}
    access = staticmethod(access_extension_requests)

    def filter_queryset(self, queryset):
        code = self.request.query_params.get("customer")
        return queryset.filter(invoice__customer__code=code) if code else queryset

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("invoices", access_invoices(user=self.request.user))
        return viewsets.GenericViewSet.get_serializer(self, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = term_extension_request(
                invoice=data["invoice"],
                days=data["days"],
                reason=data["reason"],
                requested_by=self.request.user,
            )


@extend_schema_view(
    list=extend_schema(summary="Credit-limit applications"),
    create=extend_schema(
        summary="Apply for a new credit limit (the credit_limit approval chain)",
        responses={201: LimitApplicationSerializer, **ERRORS},
    ),
)
class LimitApplicationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = LimitApplicationSerializer
    write_actions = {"create": "limit.apply"}
    access = staticmethod(access_limit_applications)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = credit_limit_apply(
                customer=data["customer"],
                amount=data["amount"],
                reason=data.get("reason", ""),
                requested_by=self.request.user,
            )


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


@extend_schema_view(
    list=extend_schema(summary="Financial statements with their Altman Z-score"),
    create=extend_schema(
        summary="Enter a customer's statement (one per date; entering it again corrects it)",
        responses={201: StatementSerializer, **ERRORS},
    ),
)
class StatementViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedCreditViewSet):
    serializer_class = StatementSerializer
    write_actions = {"create": "statement.record"}
    access = staticmethod(access_statements)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with audit_context(actor=self.request.user, source="api"):
            serializer.instance = financial_statement_record(
                **data, entered_by=self.request.user.get_username()
            )


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
        customer = _scoped_customer(request, data["customer"])
        result = credit_check(
            customer=customer,
            amount=data["amount"],
            as_of=data.get("as_of") or timezone.localdate(),
            prepaid=data["prepaid"],
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
        customer = _scoped_customer(request, customer_code)
        summary = customer_credit_summary(customer=customer, as_of=_as_of(request))
        return Response(summary.as_dict())


class ClassHistoryView(APIView):
    """Every evaluation of a customer (newest first) and every applied change of class."""

    permission_classes = [ReadsCredit]

    @extend_schema(
        summary="A customer's class history", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
    )
    def get(self, request, customer_code: str):
        customer = _scoped_customer(request, customer_code)
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
        code = request.query_params.get("customer")
        customers = access_customers(user=request.user)
        if code:
            customers = customers.filter(code=code) if "\x00" not in code else customers.none()
        ids = list(customers.values_list("pk", flat=True))
        as_of = _as_of(request)
        entries = overdue_fees(as_of=as_of, customer_ids=ids)
        total = sum((entry.total for entry in entries), Decimal("0.00"))
        return Response(
            {"as_of": as_of.isoformat(), "total": f"{total:.2f}", "customers": [e.as_dict() for e in entries]}
        )

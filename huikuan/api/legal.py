"""Legal cases and collection agencies over the API. Thin: ``huikuan.collections.legal``,
``huikuan.collections.agencies`` and, to close a case, ``huikuan.finance.legal_cases``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.collections.agencies import (
    access_agency_assignments,
    agencies,
    agency_assign,
    agency_assignment_end,
    agency_create,
    agency_recovery_record,
    assignment_totals,
)
from huikuan.collections.legal import (
    RECORDED_KINDS,
    legal_case_open,
    legal_case_record,
    legal_case_recovery_record,
    legal_document_add,
)
from huikuan.collections.legal_models import AgencyKind, CollectionAgency
from huikuan.collections.legal_selectors import access_legal_cases, case_file, case_invoices
from huikuan.core.audit import audit_context
from huikuan.finance.legal_cases import legal_case_close
from huikuan.ledger.imports.limits import import_limits
from huikuan.ledger.models import Invoice

SOURCE = "api:legal"
OBJECT = build_basic_type(OpenApiTypes.OBJECT)
ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


def _reader(user) -> None:
    if not may(user, "legal.read"):  # a customer's portal user sees no legal case
        raise PermissionDenied


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _agency(name: str) -> CollectionAgency | None:
    return get_object_or_404(CollectionAgency, name=name) if name else None


class LegalView(APIView):
    queryset = Invoice.objects.none()  # reads: staff who read invoices, within their customers


class CaseOpenSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=64)
    invoices = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        help_text="invoice numbers; none: all the customer's open invoices",
    )
    opened_on = BusinessDateField(required=False)
    lawyer = TextField(required=False, allow_blank=True, default="", max_length=200)
    agency = serializers.CharField(required=False, allow_blank=True, default="", help_text="an agency's name")
    note = TextField(required=False, allow_blank=True, default="")


class CaseListView(LegalView):
    write_actions = {"POST": "legal_case.edit"}

    @extend_schema(
        summary="Legal cases, newest first",
        operation_id="legal_cases_list",
        responses={200: build_array_type(OBJECT)},
    )
    def get(self, request):
        _reader(request.user)
        cases = access_legal_cases(user=request.user).order_by("-opened_on", "-id")
        return Response([case_file(case=case).as_dict() for case in cases[:200]])

    @extend_schema(
        summary="Open a legal case on a customer's invoices (or add them to the case open)",
        request=CaseOpenSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        data = _valid(CaseOpenSerializer, request)
        customer = get_object_or_404(access_customers(user=request.user), code=data["customer"])
        with audit_context(actor=request.user, source=SOURCE):
            case = legal_case_open(
                customer=customer,
                invoices=case_invoices(customer=customer, numbers=data["invoices"]),
                opened_on=data.get("opened_on") or timezone.localdate(),
                opened_by=request.user,
                lawyer=data["lawyer"],
                agency=_agency(data["agency"]),
                note=data["note"],
            )
        return Response(case_file(case=case).as_dict(), status=status.HTTP_201_CREATED)


def _case(request, number: str):
    _reader(request.user)
    return get_object_or_404(access_legal_cases(user=request.user), number=number)


class CaseDetailView(LegalView):
    @extend_schema(
        summary="One legal case: its timeline, documents and figures", responses={200: OBJECT, 404: OBJECT}
    )
    def get(self, request, number: str):
        return Response(case_file(case=_case(request, number)).as_dict())


class CaseEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in RECORDED_KINDS])
    occurred_on = BusinessDateField()
    text = TextField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    court = TextField(required=False, allow_blank=True, default="", max_length=200)
    court_case_number = TextField(required=False, allow_blank=True, default="", max_length=100)


class CaseEventView(LegalView):
    write_actions = {"POST": "legal_case.edit"}

    @extend_schema(
        summary="Record an event on a case: filed, hearing, judgment, enforcement, bankruptcy claim, cost",
        request=CaseEventSerializer,
        responses={201: OBJECT, **ERRORS},
    )
    def post(self, request, number: str):
        case = _case(request, number)
        data = _valid(CaseEventSerializer, request)
        with audit_context(actor=request.user, source=SOURCE):
            legal_case_record(case=case, by=request.user, **data)
        case.refresh_from_db()
        return Response(case_file(case=case).as_dict(), status=status.HTTP_201_CREATED)


class CaseRecoverySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    received_on = BusinessDateField()
    reference = TextField(required=False, allow_blank=True, default="", max_length=100)


class CaseRecoveryView(LegalView):
    write_actions = {"POST": "legal_case.edit"}

    @extend_schema(
        summary="Record money recovered through a case (posted as the customer's payment)",
        request=CaseRecoverySerializer,
        responses={201: OBJECT, **ERRORS},
    )
    def post(self, request, number: str):
        case = _case(request, number)
        data = _valid(CaseRecoverySerializer, request)
        with audit_context(actor=request.user, source=SOURCE):
            legal_case_recovery_record(case=case, by=request.user, **data)
        case.refresh_from_db()
        return Response(case_file(case=case).as_dict(), status=status.HTTP_201_CREATED)


class DocumentSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="a PDF, JPEG or PNG file, within the upload size limit")


class CaseDocumentView(LegalView):
    parser_classes = [MultiPartParser, FormParser]
    write_actions = {"POST": "legal_case.edit"}

    @extend_schema(
        summary="Add a document to a case",
        request={"multipart/form-data": DocumentSerializer},
        responses={201: OBJECT, **ERRORS},
    )
    def post(self, request, number: str):
        case = _case(request, number)
        upload = _valid(DocumentSerializer, request)["file"]
        if upload.size > import_limits().max_file_bytes:  # before reading it into memory
            raise ValidationError({"file": [f"{upload.name}: larger than the upload limit"]})
        with audit_context(actor=request.user, source=SOURCE):
            legal_document_add(case=case, name=upload.name, content=upload.read(), by=request.user)
        return Response(case_file(case=case).as_dict(), status=status.HTTP_201_CREATED)


class CloseSerializer(serializers.Serializer):
    closed_on = BusinessDateField()
    note = TextField(required=False, allow_blank=True, default="")


class CaseCloseView(LegalView):
    write_actions = {"POST": "legal_case.edit"}

    @extend_schema(
        summary="Close a case (nothing recovered: a write-off is proposed)",
        request=CloseSerializer,
        responses={200: OBJECT, **ERRORS},
    )
    def post(self, request, number: str):
        case = _case(request, number)
        data = _valid(CloseSerializer, request)
        with audit_context(actor=request.user, source=SOURCE):
            case = legal_case_close(case=case, by=request.user, **data)
        return Response(case_file(case=case).as_dict())


# --- Agencies ---------------------------------------------------------------------------------


class AgencySerializer(serializers.Serializer):
    name = TextField(max_length=200)
    kind = serializers.ChoiceField(choices=AgencyKind.choices)
    commission_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    contact = TextField(required=False, allow_blank=True, default="", max_length=200)
    phone = TextField(required=False, allow_blank=True, default="", max_length=50)
    email = serializers.EmailField(required=False, allow_blank=True)


def agency_as_dict(agency: CollectionAgency) -> dict:
    return {
        "name": agency.name,
        "kind": agency.kind,
        "commission_percent": str(agency.commission_percent),
        "contact": agency.contact,
        "phone": agency.phone,
        "email": agency.email,
        "active": agency.active,
    }


class AgencyListView(LegalView):
    write_actions = {"POST": "agency.assign"}

    @extend_schema(
        summary="Collection agencies and law firms",
        operation_id="legal_agencies_list",
        responses={200: build_array_type(OBJECT)},
    )
    def get(self, request):
        _reader(request.user)
        return Response([agency_as_dict(agency) for agency in agencies()])

    @extend_schema(
        summary="Add a collection agency or law firm",
        request=AgencySerializer,
        responses={201: OBJECT, **ERRORS},
    )
    def post(self, request):
        data = _valid(AgencySerializer, request)
        with audit_context(actor=request.user, source=SOURCE):
            agency = agency_create(by=request.user, **data)
        return Response(agency_as_dict(agency), status=status.HTTP_201_CREATED)


class AssignSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=200, help_text="the agency's name")
    customer = serializers.CharField(max_length=64)
    invoices = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False)
    assigned_on = BusinessDateField(required=False)
    commission_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="the agency's own rate when left out",
    )
    note = TextField(required=False, allow_blank=True, default="")


def assignment_as_dict(assignment) -> dict:
    totals = assignment_totals(assignment)
    return {
        "id": assignment.pk,
        "agency": assignment.agency.name,
        "customer_code": assignment.customer.code,
        "invoices": sorted(invoice.number for invoice in assignment.invoices.all()),
        "commission_percent": str(assignment.commission_percent),
        "status": assignment.status,
        "assigned_on": assignment.assigned_on.isoformat(),
        "ended_on": assignment.ended_on.isoformat() if assignment.ended_on else None,
        **{key: str(value) for key, value in totals.items()},
        "recoveries": [
            {
                "date": recovery.received_on.isoformat(),
                "gross": str(recovery.gross),
                "commission": str(recovery.commission),
                "net": str(recovery.net),
                "currency": recovery.currency,
                "payment_reference": recovery.payment_reference,
            }
            for recovery in assignment.recoveries.all()
        ],
    }


class AssignmentListView(LegalView):
    write_actions = {"POST": "agency.assign"}

    @extend_schema(
        summary="Debts handed to agencies",
        operation_id="legal_assignments_list",
        responses={200: build_array_type(OBJECT)},
    )
    def get(self, request):
        _reader(request.user)
        assignments = access_agency_assignments(user=request.user)[:200]
        return Response([assignment_as_dict(assignment) for assignment in assignments])

    @extend_schema(
        summary="Hand a customer's invoices to an agency (they leave the dunning ladder)",
        request=AssignSerializer,
        responses={201: OBJECT, **ERRORS},
    )
    def post(self, request):
        data = _valid(AssignSerializer, request)
        customer = get_object_or_404(access_customers(user=request.user), code=data["customer"])
        with audit_context(actor=request.user, source=SOURCE):
            assignment = agency_assign(
                agency=get_object_or_404(CollectionAgency, name=data["agency"]),
                customer=customer,
                invoices=case_invoices(customer=customer, numbers=data["invoices"]),
                assigned_on=data.get("assigned_on") or timezone.localdate(),
                by=request.user,
                commission_percent=data["commission_percent"],
                note=data["note"],
            )
        return Response(assignment_as_dict(assignment), status=status.HTTP_201_CREATED)


def _assignment(request, pk: int):
    return get_object_or_404(access_agency_assignments(user=request.user), pk=pk)


class AgencyRecoverySerializer(serializers.Serializer):
    gross = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="what the customer paid")
    received_on = BusinessDateField()
    reference = TextField(required=False, allow_blank=True, default="", max_length=100)


class AssignmentRecoveryView(LegalView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    write_actions = {"POST": "agency.assign"}

    @extend_schema(
        summary="Record money the agency recovered: gross to the ledger, commission and net",
        request=AgencyRecoverySerializer,
        responses={201: OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        assignment = _assignment(request, pk)
        data = _valid(AgencyRecoverySerializer, request)
        with audit_context(actor=request.user, source=SOURCE):
            agency_recovery_record(assignment=assignment, by=request.user, **data)
        assignment.refresh_from_db()
        return Response(assignment_as_dict(assignment), status=status.HTTP_201_CREATED)


class EndSerializer(serializers.Serializer):
    ended_on = BusinessDateField()
    note = TextField(required=False, allow_blank=True, default="")


class AssignmentEndView(LegalView):
    write_actions = {"POST": "agency.assign"}

    @extend_schema(
        summary="Take the invoices back from the agency (the ladder resumes)",
        request=EndSerializer,
        responses={200: OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        assignment = _assignment(request, pk)
        data = _valid(EndSerializer, request)
        with audit_context(actor=request.user, source=SOURCE):
            assignment = agency_assignment_end(assignment=assignment, by=request.user, **data)
        return Response(assignment_as_dict(assignment))

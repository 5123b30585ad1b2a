"""Write-off proposals over the API: propose (multipart, with evidence files), list, read.
Thin: ``huikuan.finance.write_offs``. Decisions are the approvals' endpoints."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.core.audit import audit_context
from huikuan.core.policy import policy_value
from huikuan.finance.models import WriteOffProposal
from huikuan.finance.write_offs import (
    EvidenceFile,
    proposal_as_dict,
    proposals_with_details,
    write_off_propose,
    write_off_recovery_record,
)
from huikuan.ledger.models import Invoice

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class WriteOffProposeSerializer(serializers.Serializer):
    invoice = serializers.CharField(required=False, allow_blank=True, max_length=64)
    customer = serializers.CharField(required=False, allow_blank=True, max_length=64)
    reason = TextField(max_length=2000)
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="PDF, JPEG or PNG files"
    )

    def validate(self, data):
        if bool(data.get("invoice")) == bool(data.get("customer")):
            raise ValidationError({"invoice": [_("give an invoice or a customer, one of them")]})
        return data


def _visible(user):
    if not may(user, "staff.read"):  # a customer's portal user sees no write-off proposal
        raise PermissionDenied
    return proposals_with_details(WriteOffProposal.objects.filter(customer__in=access_customers(user=user)))


class WriteOffListView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    write_actions = {"POST": "writeoff.propose"}
    queryset = Invoice.objects.none()  # reads: whoever may read invoices, within their customers

    @extend_schema(
        summary="Write-off proposals, newest first",
        operation_id="write_offs_list",
        responses={200: build_array_type(build_basic_type(OpenApiTypes.OBJECT))},
    )
    def get(self, request):
        return Response([proposal_as_dict(proposal) for proposal in _visible(request.user).order_by("-id")])

    @extend_schema(
        summary="Propose writing off an invoice's or a customer's open balance, with evidence files",
        request={"multipart/form-data": WriteOffProposeSerializer},
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = WriteOffProposeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customers = access_customers(user=request.user)
        invoice = customer = None
        if data.get("invoice"):
            invoice = get_object_or_404(Invoice, number=data["invoice"], customer__in=customers)
        else:
            customer = get_object_or_404(customers, code=data["customer"])
        limit = policy_value("WRITE_OFF_EVIDENCE_MAX_BYTES")
        evidence = []
        for upload in data["evidence"]:
            if upload.size > limit:  # before reading it into memory
                raise ValidationError(
                    {
                        "evidence": [
                            _("%(name)s: %(size)s bytes, more than the limit of %(limit)s bytes")
                            % {"name": upload.name, "size": upload.size, "limit": limit}
                        ]
                    }
                )
            evidence.append(EvidenceFile(upload.name, upload.read()))
        with audit_context(actor=request.user, source="api:write-off"):
            proposal = write_off_propose(
                requested_by=request.user,
                reason=data["reason"],
                invoice=invoice,
                customer=customer,
                evidence=evidence,
            )
        return Response(proposal_as_dict(proposal), status=status.HTTP_201_CREATED)


class WriteOffDetailView(APIView):
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="One write-off proposal", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
    )
    def get(self, request, number: str):
        return Response(proposal_as_dict(get_object_or_404(_visible(request.user), number=number)))


class RecoverySerializer(serializers.Serializer):
    invoice = serializers.CharField(max_length=64)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    date = BusinessDateField(required=False)


class WriteOffRecoveryView(APIView):
    write_actions = {"POST": "writeoff.recover"}
    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Record money collected on a written-off invoice (坏账收回); the invoice stays written off",
        request=RecoverySerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = RecoverySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        invoices = Invoice.objects.filter(customer__in=access_customers(user=request.user))
        invoice = get_object_or_404(invoices, number=data["invoice"])
        write_off = invoice.write_offs.order_by("-id").first()
        if write_off is None:
            raise ValidationError(
                {"invoice": [_("invoice %(number)s has no write-off") % {"number": invoice.number}]}
            )
        with audit_context(actor=request.user, source="api:write-off"):
            recovery = write_off_recovery_record(
                write_off=write_off, amount=data["amount"], recovery_date=data.get("date")
            )
        body = {
            "invoice": invoice.number,
            "amount": f"{recovery.amount:.2f}",
            "date": recovery.recovery_date.isoformat(),
        }
        return Response(body, status=status.HTTP_201_CREATED)

"""VAT invoices, the invoicing report and red-letter corrections (红冲) over the API. Thin:
``huikuan.vat.services``, ``huikuan.reporting.invoicing``, ``huikuan.ledger.corrections``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers, access_invoices
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.collections.corrections import dispute_correct
from huikuan.collections.models import Dispute
from huikuan.core.audit import audit_context
from huikuan.ledger.corrections import correction_as_dict, red_letter_confirm, red_letter_raise
from huikuan.ledger.models import CorrectionReason, Invoice, RedLetterCorrection
from huikuan.reporting.aging import BASES
from huikuan.reporting.invoicing import invoicing_report
from huikuan.vat.models import VatInvoice, VatInvoiceKind
from huikuan.vat.services import vat_invoice_record

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
AMOUNT = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}


def vat_invoice_as_dict(vat: VatInvoice) -> dict:
    return {
        "number": vat.number,
        "kind": vat.kind,
        "customer": vat.customer.code,
        "issue_date": vat.issue_date.isoformat(),
        "amount": f"{vat.amount:.2f}",
        "currency": vat.currency,
        "links": [
            {"invoice": link.invoice.number, "amount": f"{link.amount:.2f}"} for link in vat.links.all()
        ],
    }


class LinkSerializer(serializers.Serializer):
    invoice = serializers.CharField(max_length=64)
    amount = serializers.DecimalField(**AMOUNT)


class VatInvoiceSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=VatInvoiceKind.choices)
    customer = serializers.CharField(max_length=64)
    issue_date = BusinessDateField()
    amount = serializers.DecimalField(**AMOUNT)
    links = LinkSerializer(many=True)


class VatInvoiceListView(APIView):
    queryset = VatInvoice.objects.none()
    write_actions = {"POST": "vat.record"}

    @extend_schema(
        summary="VAT invoices and the receivables they invoice, newest first",
        operation_id="vat_invoices_list",
        responses={200: build_array_type(build_basic_type(OpenApiTypes.OBJECT))},
    )
    def get(self, request):
        vats = (
            VatInvoice.objects.filter(customer__in=access_customers(user=request.user))
            .select_related("customer")
            .prefetch_related("links__invoice")[:500]
        )
        return Response([vat_invoice_as_dict(vat) for vat in vats])

    @extend_schema(
        summary="Record a VAT invoice with the receivables it invoices",
        request=VatInvoiceSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = VatInvoiceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customer = get_object_or_404(access_customers(user=request.user), code=data["customer"])
        invoices = Invoice.objects.filter(customer=customer)
        links = [
            (get_object_or_404(invoices, number=link["invoice"]), link["amount"]) for link in data["links"]
        ]
        with audit_context(actor=request.user, source="api:vat-invoice"):
            vat = vat_invoice_record(
                number=data["number"],
                kind=data["kind"],
                customer=customer,
                issue_date=data["issue_date"],
                amount=data["amount"],
                links=links,
            )
        return Response(vat_invoice_as_dict(vat), status=status.HTTP_201_CREATED)


class InvoicingQuerySerializer(serializers.Serializer):
    as_of = BusinessDateField()
    basis = serializers.ChoiceField(choices=BASES, default="due")


class InvoicingReportView(APIView):
    """应收未开票 and invoiced-not-collected: what ``huikuan invoicing --json`` prints, in scope."""

    queryset = Invoice.objects.none()

    @extend_schema(
        summary="Receivables not yet invoiced and invoiced but not collected, by customer and bucket",
        parameters=[InvoicingQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        if not may(request.user, "staff.read"):  # a customer's portal user: not this report
            raise PermissionDenied
        query = InvoicingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = invoicing_report(
            invoices=access_invoices(user=request.user),
            as_of=query.validated_data["as_of"],
            basis=query.validated_data["basis"],
        )
        return Response(report.as_dict())


class CorrectionSerializer(serializers.Serializer):
    invoice = serializers.CharField(max_length=64)
    form_number = serializers.CharField(max_length=64)
    amount = serializers.DecimalField(**AMOUNT, required=False)
    reason = serializers.ChoiceField(choices=CorrectionReason.choices)
    note = TextField(max_length=500, required=False, allow_blank=True, default="")
    dispute = serializers.IntegerField(required=False, help_text="the dispute it settles")

    def validate(self, data):
        if "amount" not in data and "dispute" not in data:
            raise serializers.ValidationError({"amount": ["give the amount (or the dispute it settles)"]})
        return data


def _corrections(user):
    return RedLetterCorrection.objects.filter(customer__in=access_customers(user=user)).select_related(
        "customer", "invoice"
    )


class CorrectionListView(APIView):
    queryset = RedLetterCorrection.objects.none()
    write_actions = {"POST": "correction.raise"}

    @extend_schema(
        summary="Red-letter corrections, newest first",
        operation_id="red_letters_list",
        responses={200: build_array_type(build_basic_type(OpenApiTypes.OBJECT))},
    )
    def get(self, request):
        return Response([correction_as_dict(c) for c in _corrections(request.user)[:500]])

    @extend_schema(
        summary="Raise a red-letter correction (pending until the other side confirms its form)",
        request=CorrectionSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request):
        form = CorrectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        invoice = get_object_or_404(access_invoices(user=request.user), number=data["invoice"])
        with audit_context(actor=request.user, source="api:red-letter"):
            if "dispute" in data:
                dispute = get_object_or_404(Dispute, pk=data["dispute"], invoice=invoice)
                correction = dispute_correct(
                    dispute=dispute,
                    form_number=data["form_number"],
                    reason=data["reason"],
                    raised_by=request.user,
                    amount=data.get("amount"),
                    note=data["note"],
                )
            else:
                correction = red_letter_raise(
                    invoice=invoice,
                    form_number=data["form_number"],
                    amount=data["amount"],
                    reason=data["reason"],
                    raised_by=request.user,
                    note=data["note"],
                )
        return Response(correction_as_dict(correction), status=status.HTTP_201_CREATED)


class ConfirmSerializer(serializers.Serializer):
    confirmed_on = BusinessDateField()
    red_vat_invoice_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )


class CorrectionConfirmView(APIView):
    queryset = RedLetterCorrection.objects.none()
    write_actions = {"POST": "correction.confirm"}

    @extend_schema(
        summary="The other side confirmed the red-letter form: the correction is applied",
        request=ConfirmSerializer,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, form_number: str):
        correction = get_object_or_404(_corrections(request.user), form_number=form_number)
        form = ConfirmSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with audit_context(actor=request.user, source="api:red-letter"):
            correction = red_letter_confirm(
                correction=correction,
                confirmed_on=form.validated_data["confirmed_on"],
                confirmed_by=request.user,
                red_vat_invoice_number=form.validated_data["red_vat_invoice_number"],
            )
        return Response(correction_as_dict(correction))

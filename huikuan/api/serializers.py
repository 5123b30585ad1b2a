"""What the API reads and writes. Amounts are decimal strings; records are named by their
business keys (customer code, invoice number, payment reference), never by database ids."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from huikuan.api.fields import BusinessDateField, ModelSerializer, TextField
from huikuan.core.limits import GROSS_MARGIN_MAX, GROSS_MARGIN_MIN, TERM_DAYS_MAX
from huikuan.ledger.fields import CUSTOMER_FIELDS, PAYMENT_FIELDS
from huikuan.ledger.models import Allocation, Billing, CreditNote, Customer, Invoice, Payment
from huikuan.reporting.aging import BASES, GROUPINGS

CENT = Decimal("0.01")


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


def rate(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=6, **kwargs)


class KeyRelatedField(serializers.SlugRelatedField):
    """A record named by its business key. No key holds a NUL character, and PostgreSQL cannot
    even compare one, so such a key names no record rather than failing the query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class CustomerSerializer(ModelSerializer):
    credit_limit = money(required=False, allow_null=True, min_value=0)

    class Meta:
        model = Customer
        fields = ["code", "name", *CUSTOMER_FIELDS, "created_at"]
        read_only_fields = ["created_at"]
        # Uniqueness is the model's to check, on create, through the service.
        extra_kwargs = {
            "code": {"validators": []},
            "term_days": {"min_value": 0, "max_value": TERM_DAYS_MAX},
        }


class InvoiceSerializer(ModelSerializer):
    customer = KeyRelatedField(slug_field="code", queryset=Customer.objects.none())
    customer_name = TextField(source="customer.name", read_only=True)
    amount = money(min_value=CENT)
    fx_rate = rate(required=False, allow_null=True, default=None)
    due_date = BusinessDateField(required=False, allow_null=True, default=None)
    shipment_date = BusinessDateField(
        required=False,
        allow_null=True,
        help_text="The day the goods were shipped; the dunning steps counted from the shipment "
        "count from the invoice date when it is not known.",
    )
    applied_amount = money(read_only=True)
    open_amount = money(read_only=True)
    # Declared, so that its schema admits the empty value (not known).
    billing = serializers.ChoiceField(
        choices=Billing.choices,
        allow_blank=True,
        read_only=True,
        help_text="How the invoice reached the customer: paper (by post or courier) or electronic "
        "(an e-invoice or e-mail); empty when not known. Set by the invoices import.",
    )
    gross_margin = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        allow_null=True,
        min_value=GROSS_MARGIN_MIN,
        max_value=GROSS_MARGIN_MAX,
        help_text=f"A fraction of the price, such as 0.18, from {GROSS_MARGIN_MIN} to {GROSS_MARGIN_MAX}.",
    )

    class Meta:
        model = Invoice
        fields = [
            "number",
            "customer",
            "customer_name",
            "invoice_date",
            "due_date",
            "original_due_date",
            "shipment_date",
            "amount",
            "currency",
            "fx_rate",
            "applied_amount",
            "open_amount",
            "closed_on",
            "order_number",
            "contract_number",
            "vat_invoice_number",
            "salesperson",
            "department",
            "description",
            "disputed",
            "billing",
            "gross_margin",
            "created_at",
        ]
        read_only_fields = ["original_due_date", "closed_on", "created_at"]
        extra_kwargs = {"number": {"validators": []}, "currency": {"required": False}}

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            # Only the customers the user may see can be invoiced through the API.
            self.fields["customer"].queryset = customers


class PaymentSerializer(ModelSerializer):
    reference = TextField(read_only=True)
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    amount = money(read_only=True)
    fx_rate = rate(read_only=True)
    allocated_amount = money(read_only=True)
    unallocated_amount = money(read_only=True)

    class Meta:
        model = Payment
        fields = [*PAYMENT_FIELDS, "unallocated_amount", "closed_on", "created_at"]
        read_only_fields = fields


class AllocationSerializer(ModelSerializer):
    payment = KeyRelatedField(slug_field="reference", queryset=Payment.objects.none())
    invoice = KeyRelatedField(slug_field="number", queryset=Invoice.objects.none())
    customer = TextField(source="invoice.customer.code", read_only=True)
    amount = money(min_value=CENT)
    allocation_date = BusinessDateField(required=False, allow_null=True, default=None)

    class Meta:
        model = Allocation
        fields = ["payment", "invoice", "customer", "amount", "allocation_date", "created_at"]
        read_only_fields = ["created_at"]
        # The service refuses a second allocation of the same pair, as a rule violation.
        validators = []

    def __init__(self, *args, payments=None, invoices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if payments is not None:
            self.fields["payment"].queryset = payments
        if invoices is not None:
            self.fields["invoice"].queryset = invoices


class CreditNoteSerializer(ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    invoice = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    amount = money(read_only=True)
    fx_rate = rate(read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "number",
            "customer",
            "invoice",
            "note_date",
            "amount",
            "currency",
            "fx_rate",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class AgingQuerySerializer(serializers.Serializer):
    as_of = BusinessDateField(help_text="Balances at the end of this day (YYYY-MM-DD).")
    by = serializers.ChoiceField(choices=GROUPINGS, default="customer")
    basis = serializers.ChoiceField(
        choices=BASES, default="due", help_text="due: days past due; invoice: years since the invoice date"
    )


# The aging report's shape, for the schema: what ``huikuan aging --json`` prints.
class AgingTotalSerializer(serializers.Serializer):
    balance = money()
    buckets = serializers.DictField(child=money(), help_text="Amount by bucket name.")
    unapplied = money()
    advance = money(help_text="Advance receipts (预收) not yet offset against invoices.")


class AgingRowSerializer(AgingTotalSerializer):
    key = TextField(help_text="Customer code, salesperson, department, class or currency.")
    name = TextField()


class AgingReportSerializer(serializers.Serializer):
    as_of = BusinessDateField()
    basis = serializers.ChoiceField(choices=BASES)
    group_by = serializers.ChoiceField(choices=GROUPINGS)
    currency = TextField(help_text="The functional currency all amounts are in.")
    buckets = serializers.ListField(child=TextField())
    rows = AgingRowSerializer(many=True)
    total = AgingTotalSerializer()
    share = serializers.DictField(child=money(), help_text="Percent of the total balance by bucket.")
    unidentified = money(help_text="Payments not yet matched to any customer.")

"""The receivables ledger (SPEC §2).

History is append-only: allocations, credit notes and write-offs are records that reduce
an invoice; the invoice keeps cached figures (``applied_amount``, ``closed_on`` …)
that tests prove equal to the records they summarise. Every change is in the audit trail
(django-auditlog, registered at the end of this module).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField
from huikuan.core.numbers import number_body
from huikuan.ledger.balances import STILL_OPEN


class CreditClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CREDIT_HOLD = "credit_hold", _("credit hold")
    LEGAL = "legal", _("legal")
    CLOSED = "closed", _("closed")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("bank transfer")
    BANK_ACCEPTANCE_BILL = "bank_acceptance_bill", _("bank acceptance bill")
    COMMERCIAL_ACCEPTANCE_BILL = "commercial_acceptance_bill", _("commercial acceptance bill")
    CHEQUE = "cheque", _("cheque")
    CASH = "cash", _("cash")
    OTHER = "other", _("other")


class Billing(models.TextChoices):
    """How an invoice reached the customer; "" (no choice) when it is not known."""

    PAPER = "paper", _("paper")  # 纸质: by post or courier
    ELECTRONIC = "electronic", _("electronic")  # 电子: an e-invoice (数电票) or e-mail


class ImportBatch(models.Model):
    """One run of an import: what file, by whom, and what it changed.

    Records created by an import point at their batch; that link is their creation entry
    in the audit trail. Changes to existing records are logged field by field.
    """

    kind = models.CharField(max_length=32)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    imported_by = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("importing")
    DONE = "done", _("imported")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """A large uploaded file imported in the background, its progress shown on the page.

    The file waits in the data folder (``HUIKUAN_HOME/imports/``) until the job has run.
    """

    kind = models.CharField(max_length=32)
    file_name = models.CharField(max_length=500)
    stored_path = models.CharField(max_length=1000)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    stage = models.CharField(max_length=16, blank=True)  # reading, checking, writing
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.REFUSED, ImportJobStatus.FAILED)


class Customer(models.Model):
    code = models.CharField(_("customer code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    # What payers also write for it: the short form (简称) and the English name; the bank
    # matcher reads them beside the name.
    short_name = models.CharField(_("short name"), max_length=150, blank=True)
    english_name = models.CharField(_("English name"), max_length=300, blank=True)
    credit_class = models.CharField(_("credit class"), max_length=1, choices=CreditClass.choices, blank=True)
    credit_limit = ScaledDecimalField(_("credit limit"), null=True, blank=True)
    term_days = models.PositiveIntegerField(_("term days"), null=True, blank=True)
    salesperson = models.CharField(_("salesperson"), max_length=150, blank=True)
    collector = models.CharField(_("collector"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    industry_position = models.CharField(_("industry position"), max_length=32, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # The language of letters and emails to this customer (zh-Hans by default, or en).
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default="zh-hans")
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# The fields an invoice's number keys are computed from (see ``Invoice.fill_keys``).
KEYED_FIELDS = frozenset({"number", "order_number", "contract_number"})
KEY_FIELDS = ("number_key", "order_key", "contract_key")


class InvoiceQuerySet(models.QuerySet):
    """Keeps the number keys of the invoices written in bulk up to date, as ``save`` does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for invoice in objs:
            invoice.fill_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if KEYED_FIELDS & set(fields):
            for invoice in objs:
                invoice.fill_keys()
            fields = [*fields, *(name for name in KEY_FIELDS if name not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        for name, key in (
            ("number", "number_key"),
            ("order_number", "order_key"),
            ("contract_number", "contract_key"),
        ):
            if name in kwargs and key not in kwargs:  # (bulk_update sets both)
                if not isinstance(kwargs[name], str):
                    raise ValueError(f"an invoice's {name} is updated to a plain value (its key follows it)")
                kwargs[key] = number_body(kwargs[name])
        return super().update(**kwargs)


class Invoice(models.Model):
    """A receivable (应收单). Its open balance is amount − applied_amount."""

    number = models.CharField(_("invoice number"), max_length=64, unique=True)
    # The number, the order number and the contract number as payers may write them
    # (``huikuan.core.numbers``: no prefix, separators or leading zeros), kept by every write:
    # the cash matcher looks up the invoices a bank memo names by them.
    number_key = models.CharField(max_length=64, default="", db_default="", editable=False)
    order_key = models.CharField(max_length=64, default="", db_default="", editable=False)
    contract_key = models.CharField(max_length=64, default="", db_default="", editable=False)
    # Indexed by invoice_customer_date, whose first column is the customer.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices", db_index=False)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    # The due date before any granted extension; extensions are TermExtension records.
    original_due_date = models.DateField(_("original due date"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    # Units of the functional currency per unit of ``currency``.
    fx_rate = ScaledDecimalField(_("exchange rate"), places=6, default=Decimal("1"))
    # The day the goods left (seed 002's contacts of the credit period count from it); null:
    # not known, and those contacts count from the invoice date.
    shipment_date = models.DateField(_("shipment date"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True)
    # Several VAT invoices may cover one receivable: numbers separated by ";".
    vat_invoice_number = models.CharField(_("VAT invoice number"), max_length=500, blank=True)
    salesperson = models.CharField(_("salesperson"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    disputed = models.BooleanField(_("disputed"), default=False)
    # The database's default too, so that adding the column rewrites no row and bulk writers
    # that leave it out still insert.
    billing = models.CharField(
        _("billing"), max_length=16, choices=Billing.choices, blank=True, default="", db_default=""
    )
    gross_margin = ScaledDecimalField(_("gross margin"), places=4, null=True, blank=True)
    # Cached: sum of allocations, credit notes and write-offs against this invoice.
    applied_amount = ScaledDecimalField(default=Decimal("0"))
    # Cached: the date the applied records first covered the amount; null while open.
    closed_on = models.DateField(null=True, blank=True)
    # Cached: the date of the first allocation, credit note or write-off; null if none.
    first_applied_on = models.DateField(null=True, blank=True)
    # Cached: how long the invoice was open, as a power-of-two class (balances.open_span).
    # Lets aging find the invoices open on a date without reading the others.
    open_span = models.PositiveSmallIntegerField(default=STILL_OPEN)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["invoice_date", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(applied_amount__gte=0) & Q(applied_amount__lte=F("amount")),
                name="invoice_never_applied_beyond_amount",
            ),
        ]
        indexes = [
            # Aging as of a date reads only the invoices open on that date.
            # Aging as of a date reads the invoices open on it from this index alone.
            models.Index(
                fields=[
                    "open_span",
                    "invoice_date",
                    "closed_on",
                    "first_applied_on",
                    "customer",
                    "due_date",
                    "amount",
                    "fx_rate",
                ],
                # PostgreSQL needs the id in the index for an index-only scan; SQLite's
                # indexes hold the rowid anyway and ignore INCLUDE.
                include=["id"],
                name="invoice_open_span",
            ),
            models.Index(fields=["customer", "invoice_date"], name="invoice_customer_date"),
            # The cash matcher: the invoices a memo names, and how many open invoices carry an
            # amount (only open rows).
            models.Index(fields=["number_key"], name="invoice_number_key"),
            models.Index(fields=["order_key"], condition=~Q(order_key=""), name="invoice_order_key"),
            models.Index(fields=["contract_key"], condition=~Q(contract_key=""), name="invoice_contract_key"),
            # The VAT invoice number a memo names (发票号码), as the invoice file wrote it.
            models.Index(
                fields=["vat_invoice_number"], condition=~Q(vat_invoice_number=""), name="invoice_vat_number"
            ),
            models.Index(
                F("amount") - F("applied_amount"),
                condition=Q(amount__gt=F("applied_amount")),
                name="invoice_open_amount",
            ),
            # Each customer's open invoices, for balances per customer: only open rows.
            models.Index(
                fields=["customer", "due_date"],
                condition=Q(open_span=STILL_OPEN),
                name="invoice_open_by_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        self.fill_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and KEYED_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *KEY_FIELDS}
        super().save(*args, **kwargs)

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.applied_amount

    def fill_keys(self) -> None:
        """Compute the number keys from the number, the order number and the contract number."""
        self.number_key = number_body(self.number)
        self.order_key = number_body(self.order_number)
        self.contract_key = number_body(self.contract_number)


class Payment(models.Model):
    """A receipt (回款). What is not allocated stays on account as a customer credit."""

    reference = models.CharField(_("payment reference"), max_length=100, unique=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    payment_date = models.DateField(_("payment date"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    fx_rate = ScaledDecimalField(_("exchange rate"), places=6, default=Decimal("1"))
    method = models.CharField(
        _("method"), max_length=32, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    payer_name = models.CharField(_("payer name"), max_length=300, blank=True)
    memo = models.CharField(_("memo"), max_length=1000, blank=True)
    # Cached: sum of this payment's allocations.
    allocated_amount = ScaledDecimalField(default=Decimal("0"))
    # Cached: the date its allocations first used it up; null while money is on account.
    closed_on = models.DateField(null=True, blank=True)
    # Cached: how long money stayed on account, as a power-of-two class (balances.open_span).
    open_span = models.PositiveSmallIntegerField(default=STILL_OPEN)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["payment_date", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=F("amount")),
                name="payment_never_allocated_beyond_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "payment_date"], name="payment_customer_date"),
            models.Index(fields=["payment_date", "id"], name="payment_date_id"),  # the list, newest first
            models.Index(
                fields=["open_span", "payment_date", "closed_on", "customer", "amount", "fx_rate"],
                include=["id"],
                name="payment_open_span",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def unallocated_amount(self) -> Decimal:
        return self.amount - self.allocated_amount


class Allocation(models.Model):
    """Part of a payment applied to an invoice, from ``allocation_date`` on."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = ScaledDecimalField(_("amount"))
    allocation_date = models.DateField(_("allocation date"))
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once_per_pair"),
        ]
        indexes = [models.Index(fields=["invoice", "allocation_date"], name="allocation_invoice_date")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class CreditNote(models.Model):
    """A credit note (贷项通知单). Without an invoice it is a credit on the customer's account."""

    number = models.CharField(_("credit note number"), max_length=64, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_notes")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    note_date = models.DateField(_("date"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    fx_rate = ScaledDecimalField(_("exchange rate"), places=6, default=Decimal("1"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive")]
        indexes = [models.Index(fields=["invoice", "note_date"], name="credit_note_invoice_date")]

    def __str__(self) -> str:
        return self.number


class WriteOff(models.Model):
    """Bad debt written off (坏账核销) against one invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="write_offs")
    writeoff_date = models.DateField(_("write-off date"))
    amount = ScaledDecimalField(_("amount"))
    reason = models.CharField(_("reason"), max_length=500)
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_amount_positive")]
        indexes = [models.Index(fields=["invoice", "writeoff_date"], name="write_off_invoice_date")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"


class Recovery(models.Model):
    """Money collected on a written-off amount (坏账收回). It does not reopen the invoice."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.PROTECT, related_name="recoveries")
    recovery_date = models.DateField(_("recovery date"))
    amount = ScaledDecimalField(_("amount"))
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]

    def __str__(self) -> str:
        return f"{self.write_off_id}: {self.amount}"


class TermExtension(models.Model):
    """A granted extension of an invoice's due date (延期), kept; never an overwrite."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="term_extensions")
    previous_due_date = models.DateField()
    new_due_date = models.DateField()
    reason = models.CharField(_("reason"), max_length=500)
    approved_by = models.CharField(_("approved by"), max_length=150)
    granted_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_date__gt=F("previous_due_date")),
                name="term_extension_moves_due_date_later",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.previous_due_date} → {self.new_due_date}"

    @property
    def days(self) -> int:
        return (self.new_due_date - self.previous_due_date).days


class CorrectionReason(models.TextChoices):
    RETURN = "return", _("goods returned")
    ALLOWANCE = "allowance", _("sales allowance")
    INVOICING_ERROR = "invoicing_error", _("invoicing error")


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    LAPSED = "lapsed", _("lapsed")


class RedLetterCorrection(models.Model):
    """A red-letter correction (红冲): a negative receivable against ``invoice``, made by its
    red-letter confirmation form (红字确认单). Pending, it changes no balance; confirmed by the
    other side, it is applied as credit notes (``credit_note`` against the invoice, and
    ``account_credit_note`` for any part beyond the invoice's open balance); unconfirmed past
    ``lapses_at`` it lapses and changes nothing."""

    form_number = models.CharField(_("red-letter confirmation form number"), max_length=64, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="red_letter_corrections")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="red_letter_corrections")
    amount = ScaledDecimalField(_("amount"))  # what the receivable is reduced by, positive
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.CharField(_("reason"), max_length=32, choices=CorrectionReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    red_vat_invoice_number = models.CharField(_("red-letter VAT invoice number"), max_length=32, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CorrectionState.choices, default=CorrectionState.PENDING
    )
    raised_at = models.DateTimeField(_("raised at"))
    raised_by = models.CharField(_("raised by"), max_length=150)
    lapses_at = models.DateTimeField(_("lapses at"))
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=150, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    credit_note = models.OneToOneField(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="red_letter_correction"
    )
    account_credit_note = models.OneToOneField(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="red_letter_amount_positive")]
        indexes = [models.Index(fields=["state", "lapses_at"], name="red_letter_state_lapses")]

    def __str__(self) -> str:
        return self.form_number

    @property
    def signed_amount(self) -> Decimal:
        """The negative receivable it is."""
        return -self.amount


class AdvanceSource(models.TextChoices):
    IMPORT = "import", _("import")
    API = "api", _("API")
    WEB = "web", _("web")
    CASH = "cash", _("cash workbench")
    CLI = "cli", _("command line")
    DEMO = "demo", _("demo")


class AdvanceReceipt(models.Model):
    """A payment recorded as an advance receipt (预收): money received before the invoices it
    pays, for the customer or for one of its orders (``order_number``). Its balance is the
    payment's unallocated rest; it is offset against invoices (预收冲应收) by allocations, each
    kept as an ``AdvanceOffset``."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="advance_receipt")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="advance_receipts")
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AdvanceSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_on", "id"]
        indexes = [models.Index(fields=["customer", "order_number"], name="advance_customer_order")]

    def __str__(self) -> str:
        return self.payment.reference if self.payment_id else ""


class AdvanceOffset(models.Model):
    """One offset of an advance receipt against an invoice (预收冲应收): the allocation it made,
    whether it was automatic (the order's invoice was issued) or a user's, and by whom."""

    receipt = models.ForeignKey(AdvanceReceipt, on_delete=models.PROTECT, related_name="offsets")
    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="advance_offset")
    automatic = models.BooleanField(_("automatic"), default=False)
    offset_by = models.CharField(_("offset by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.receipt_id} → {self.allocation_id}"


class CustomerTermGrant(models.Model):
    """An approved extension of a customer's terms beyond its class's (seed 002: terms follow the
    class, plus what was granted): while in force it raises the ceiling of the customer's own
    term days by ``days``. Granted through the approvals mechanism; kept, never overwritten."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="term_grants")
    days = models.PositiveIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=500)
    approved_by = models.CharField(_("approved by"), max_length=150)
    approval_number = models.CharField(_("approval"), max_length=32, blank=True)
    granted_on = models.DateField(_("granted on"))
    # The last day the extension is in force; none: until withdrawn.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "granted_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(days__gt=0), name="term_grant_days_positive")]

    def __str__(self) -> str:
        return f"{self.customer_id}: +{self.days} days"

    def in_force(self, on: date) -> bool:
        return self.granted_on <= on and (self.valid_until is None or self.valid_until >= on)


for audited in (
    Customer,
    Payment,
    Allocation,
    CreditNote,
    WriteOff,
    Recovery,
    TermExtension,
    RedLetterCorrection,
    AdvanceReceipt,
    AdvanceOffset,
    CustomerTermGrant,
):
    auditlog.register(audited)
# The number keys follow the numbers: nothing of their own to audit.
auditlog.register(Invoice, exclude_fields=list(KEY_FIELDS))

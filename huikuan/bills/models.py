"""Acceptance bills (承兑汇票) received as payment, and the invoices each one settled.

A receipt by bill is a payment (method bank/commercial acceptance bill) allocated to the
invoices: in the aging they are paid, and the bill is a note receivable (应收票据) until it
is honoured at maturity. The bill's moves (endorsed, discounted, presented, honoured,
dishonoured) are fields set once, each change in the audit trail (django-auditlog).
"""

from __future__ import annotations

from decimal import Decimal

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huikuan.bills.rules import BillKind, BillStatus
from huikuan.core.fields import ScaledDecimalField
from huikuan.ledger.models import Customer, ImportBatch, Invoice, Payment


class Bill(models.Model):
    number = models.CharField(_("bill number"), max_length=40)
    # An electronic bill's sub-range (子票区间), in cents of its amount; null for a whole bill.
    sub_range_start = models.BigIntegerField(_("sub-range start"), null=True, blank=True)
    sub_range_end = models.BigIntegerField(_("sub-range end"), null=True, blank=True)
    electronic = models.BooleanField(_("electronic"), default=True)
    kind = models.CharField(_("kind"), max_length=16, choices=BillKind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bills")
    drawer = models.CharField(_("drawer"), max_length=300)
    acceptor = models.CharField(_("acceptor"), max_length=300)
    acceptor_bank = models.CharField(_("acceptor's bank"), max_length=300, blank=True)
    issue_date = models.DateField(_("issue date"))
    maturity_date = models.DateField(_("maturity date"))
    received_on = models.DateField(_("received on"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    fx_rate = ScaledDecimalField(_("exchange rate"), places=6, default=Decimal("1"))
    status = models.CharField(_("status"), max_length=16, choices=BillStatus.choices, default=BillStatus.HELD)
    # The receipt that settled the invoices; gone (null) once a dishonour took it back.
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="bill"
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100)
    endorsee = models.CharField(_("endorsee"), max_length=300, blank=True)
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    discount_bank = models.CharField(_("discounting bank"), max_length=300, blank=True)
    discounted_on = models.DateField(_("discounted on"), null=True, blank=True)
    discount_rate = ScaledDecimalField(_("discount rate"), places=6, null=True, blank=True)
    discount_interest = ScaledDecimalField(_("discount interest"), null=True, blank=True)
    presented_on = models.DateField(_("presented on"), null=True, blank=True)
    honoured_on = models.DateField(_("honoured on"), null=True, blank=True)
    dishonoured_on = models.DateField(_("dishonoured on"), null=True, blank=True)
    dishonour_reason = models.CharField(_("dishonour reason"), max_length=500, blank=True)
    dishonour_costs = ScaledDecimalField(_("dishonour costs"), null=True, blank=True)
    # The receivable raised for the dishonour costs (a debit note to the customer).
    costs_invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the reminder to present it at maturity was sent (once).
    reminded_on = models.DateField(null=True, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["maturity_date", "number", "sub_range_start"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(
                condition=Q(maturity_date__gt=models.F("issue_date")), name="bill_matures_after_issue"
            ),
            models.UniqueConstraint(
                fields=["number"], condition=Q(sub_range_start__isnull=True), name="bill_whole_once"
            ),
            models.UniqueConstraint(
                fields=["number", "sub_range_start"],
                condition=Q(sub_range_start__isnull=False),
                name="bill_sub_range_once",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "received_on"], name="bill_customer_received"),
            models.Index(fields=["status", "maturity_date"], name="bill_status_maturity"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The number, with the sub-range of an electronic bill split off a larger one."""
        if self.sub_range_start is None:
            return self.number
        return f"{self.number} [{self.sub_range_start}-{self.sub_range_end}]"


class BillSettlement(models.Model):
    """What a bill paid of one invoice: what a dishonour puts back on it."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="settlements")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="bill_settlements")
    amount = ScaledDecimalField(_("amount"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_settlement_amount_positive"),
            models.UniqueConstraint(fields=["bill", "invoice"], name="bill_settlement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} → {self.invoice_id}: {self.amount}"


for audited in (Bill, BillSettlement):
    auditlog.register(audited)

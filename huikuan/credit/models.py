"""Credit management records (SPEC §5): evaluations, class changes, orders, holds,
term-extension and credit-limit requests, financial statements.

Decisions go through approvals; a record here keeps the approval's number, so the
history reads "class B → C, approval AP-…, by whom, when". Every model is in the audit trail.
"""

from __future__ import annotations

from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huikuan.core.fields import ScaledDecimalField
from huikuan.credit.altman import KINDS as STATEMENT_KINDS
from huikuan.ledger.models import Customer, ImportBatch, Invoice, TermExtension


class CreditEvaluation(models.Model):
    """One customer's monthly classification (SPEC §5.1), with every input it was scored from.

    Re-evaluating a month with the same inputs keeps this row; changed inputs add a new
    version, and the earlier ones stay as history.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_evaluations")
    period = models.CharField(_("period"), max_length=7)  # YYYY-MM
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # Inputs, in the functional currency.
    customer_revenue = ScaledDecimalField(_("customer revenue"))
    department = models.CharField(_("department"), max_length=150, blank=True)
    department_revenue = ScaledDecimalField(_("department revenue"))
    weighted_margin = ScaledDecimalField(_("weighted gross margin"), places=6, null=True, blank=True)
    benchmark_margin = ScaledDecimalField(_("benchmark margin"), places=6)
    receipts = ScaledDecimalField(_("receipts in the month"))
    overdue_at_start = ScaledDecimalField(_("overdue at the month's start"))
    falling_due = ScaledDecimalField(_("falling due in the month"))
    collection_rate = ScaledDecimalField(_("collection completion rate"), places=6, null=True, blank=True)
    industry_position = models.CharField(_("industry position"), max_length=32, blank=True)
    # Scores, each capped at its maximum; none for an item without data (insufficient data).
    revenue_score = ScaledDecimalField(_("revenue score"), null=True, blank=True)
    profitability_score = ScaledDecimalField(_("profitability score"), null=True, blank=True)
    payment_score = ScaledDecimalField(_("payment score"), null=True, blank=True)
    industry_score = ScaledDecimalField(_("industry score"), null=True, blank=True)
    total_score = ScaledDecimalField(_("total score"))
    proposed_class = models.CharField(_("proposed class"), max_length=1)
    current_class = models.CharField(_("class at the time"), max_length=1, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    # The class_change approval raised for this evaluation, if any.
    approval_number = models.CharField(_("approval"), max_length=32, blank=True)
    evaluated_by = models.CharField(_("evaluated by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "period", "version"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "period", "version"], name="evaluation_version_once"),
        ]
        indexes = [models.Index(fields=["period", "customer", "version"], name="evaluation_period")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period} v{self.version}: {self.proposed_class}"

    @property
    def scores(self) -> dict[str, Decimal]:
        return {
            "revenue": self.revenue_score,
            "profitability": self.profitability_score,
            "payment": self.payment_score,
            "industry": self.industry_score,
        }


class ClassChange(models.Model):
    """An applied change of a customer's credit class: from, to, why and who."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="class_changes")
    from_class = models.CharField(_("from class"), max_length=1, blank=True)
    to_class = models.CharField(_("to class"), max_length=1)
    evaluation = models.ForeignKey(
        CreditEvaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="class_changes"
    )
    approval_number = models.CharField(_("approval"), max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=32)  # approval, auto, review
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_class or '-'} → {self.to_class}"


class OrderStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("order status", "open")
    SHIPPED = "shipped", _("shipped, not invoiced")
    INVOICED = "invoiced", _("invoiced")
    CANCELLED = "cancelled", _("cancelled")


# Orders in these states count in credit exposure: not yet invoiced, not cancelled.
EXPOSURE_STATUSES = (OrderStatus.OPEN, OrderStatus.SHIPPED)


class CheckStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("not checked")
    PASSED = "passed", _("passed")
    BLOCKED = "blocked", _("blocked")
    RELEASED = "released", _("released")


class PriceLevel(models.TextChoices):
    NONE = "", _("no price given")
    SALES_MANAGER = "sales_manager", _("sales manager")
    DEPARTMENT_HEAD = "department_head", _("department head")
    BUSINESS_UNIT_HEAD = "business_unit_head", _("business unit head")


class Order(models.Model):
    """A sales order or shipment request (SPEC §5.3): counts in exposure until invoiced."""

    number = models.CharField(_("order number"), max_length=64, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    order_date = models.DateField(_("order date"))
    amount = ScaledDecimalField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    fx_rate = ScaledDecimalField(_("exchange rate"), places=6, default=Decimal("1"))
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    # Class D (现款现货): the money received in advance the passing check relied on, reserved
    # for this order while it is open or shipped: [{"reference", "amount"}] and their sum, in
    # the functional currency. A covered order owes nothing: it is not in exposure.
    covered_by = models.JSONField(_("covered by receipts"), default=list, blank=True)
    covered_amount = ScaledDecimalField(_("covered amount"), default=Decimal("0"))
    check_status = models.CharField(
        _("credit check"), max_length=16, choices=CheckStatus.choices, default=CheckStatus.UNCHECKED
    )
    # Every reason of the last check: [{"code", "message", "figures"}].
    check_reasons = models.JSONField(_("check reasons"), default=list, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    # 发货批准单: given when the order passes, or is released by approval.
    shipment_approval_number = models.CharField(
        _("shipment approval number"), max_length=32, blank=True, db_index=True
    )
    release_approval_number = models.CharField(_("release approval"), max_length=32, blank=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    # Seed 002 (price = base price + overdue fee): the fee added to this order's amount, in
    # its currency, and the fee charge it came from (CREDIT_FEE_CHARGE "order_surcharge").
    fee_amount = ScaledDecimalField(_("overdue fee surcharge"), default=Decimal("0"))
    fee_charge = models.ForeignKey(
        "FeeCharge", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    # Price approval powers (seed 002 §价格政策): the unit (or total) price, the product's
    # break-even price and target profit on the same basis, in the order's currency; whose
    # power the price is in (pricing.price_level) and, when that is above the sales manager's,
    # the price_approval request and who approved it.
    price = ScaledDecimalField(_("price"), places=4, null=True, blank=True)
    break_even_price = ScaledDecimalField(_("break-even price"), places=4, null=True, blank=True)
    target_profit = ScaledDecimalField(_("target profit"), places=4, null=True, blank=True)
    price_level = models.CharField(
        _("price level"), max_length=32, choices=PriceLevel.choices, default=PriceLevel.NONE, blank=True
    )
    price_approval_number = models.CharField(_("price approval"), max_length=32, blank=True)
    price_approved_by = models.CharField(_("price approved by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_date", "number"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="order_amount_positive")]
        indexes = [models.Index(fields=["customer", "status"], name="order_customer_status")]

    def __str__(self) -> str:
        return self.number


class NumberSequence(models.Model):
    """The last number issued in a series ("SA-2026"); taken under a row lock."""

    name = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"


class CreditHold(models.Model):
    """A suspension of credit sales (暂停发货): orders are blocked until it is lifted by approval."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_holds")
    reason = models.CharField(_("reason"), max_length=500)
    source = models.CharField(_("source"), max_length=64)  # review, legal, manual…
    placed_on = models.DateField(_("placed on"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_approval_number = models.CharField(_("lifting approval"), max_length=32, blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "placed_on", "id"]
        indexes = [models.Index(fields=["customer", "lifted_on"], name="hold_customer_active")]

    def __str__(self) -> str:
        return f"{self.customer_id} hold {self.placed_on}: {self.reason}"

    @property
    def active(self) -> bool:
        return self.lifted_on is None


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class TermExtensionRequest(models.Model):
    """A request to extend an invoice's due date (SPEC §5.2), decided through approvals."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="extension_requests")
    days = models.PositiveIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    approval_number = models.CharField(_("approval"), max_length=32, blank=True, db_index=True)
    extension = models.ForeignKey(TermExtension, null=True, blank=True, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice_id} +{self.days}d ({self.status})"


class CreditLimitApplication(models.Model):
    """An application for a new credit limit (信用额度申请), decided through the approval chain."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="limit_applications")
    amount = ScaledDecimalField(_("requested limit"))
    currency = models.CharField(_("currency"), max_length=3)
    previous_limit = ScaledDecimalField(_("limit before"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    approval_number = models.CharField(_("approval"), max_length=32, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="limit_application_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} limit {self.amount} ({self.status})"


class StatementKind(models.TextChoices):
    LISTED_MANUFACTURER = STATEMENT_KINDS[0], _("listed manufacturer")
    PRIVATE_MANUFACTURER = STATEMENT_KINDS[1], _("private manufacturer")
    NON_MANUFACTURER = STATEMENT_KINDS[2], _("non-manufacturer")


class FinancialStatement(models.Model):
    """A customer's balance-sheet and income figures on one date, for its Altman Z-score."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="financial_statements")
    statement_date = models.DateField(_("statement date"))
    kind = models.CharField(_("kind of company"), max_length=32, choices=StatementKind.choices)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    working_capital = ScaledDecimalField(_("working capital"))
    retained_earnings = ScaledDecimalField(_("retained earnings"))
    ebit = ScaledDecimalField(_("EBIT"))
    book_equity = ScaledDecimalField(_("book value of equity"))
    market_equity = ScaledDecimalField(_("market value of equity"), null=True, blank=True)
    total_liabilities = ScaledDecimalField(_("total liabilities"))
    sales = ScaledDecimalField(_("sales"))
    total_assets = ScaledDecimalField(_("total assets"))
    entered_by = models.CharField(_("entered by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "-statement_date"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "statement_date"], name="statement_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.statement_date}"


class FeeChargeMode(models.TextChoices):
    DEBIT_NOTE = "debit_note", _("debit note")
    ORDER_SURCHARGE = "order_surcharge", _("order surcharge")


class FeeKind(models.TextChoices):
    OVERDUE_FEE = "overdue_fee", _("overdue capital-occupation fee")
    LATE_INTEREST = "late_interest", _("statutory late-payment interest")


class FeeCharge(models.Model):
    """The overdue capital-occupation fee (超期资金占用费) or the statutory late-payment interest
    (逾期利息) charged to a customer up to a date: as a debit note (an invoice of its own) or, for
    the fee, as a surcharge on an order. Its lines name the invoices and the days charged; days
    once charged (of the same kind) are never charged again."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="fee_charges")
    kind = models.CharField(_("kind"), max_length=16, choices=FeeKind.choices, default=FeeKind.OVERDUE_FEE)
    as_of = models.DateField(_("charged up to"))
    mode = models.CharField(_("charged as"), max_length=16, choices=FeeChargeMode.choices)
    amount = ScaledDecimalField(_("fee"))
    debit_note = models.OneToOneField(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="fee_charge"
    )
    charged_by = models.CharField(_("charged by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["as_of", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fee_charge_amount_positive")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of} {self.amount}"


class FeeChargeLine(models.Model):
    """One overdue invoice of a fee charge: its balance (functional currency), the days
    charged (after ``days_from`` up to the charge's date), the annual rate and the fee."""

    charge = models.ForeignKey(FeeCharge, on_delete=models.CASCADE, related_name="lines")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="fee_charge_lines")
    balance = ScaledDecimalField(_("balance"))
    days_from = models.DateField(_("days counted after"))
    days = models.PositiveIntegerField(_("days"))
    rate = ScaledDecimalField(_("annual rate"), places=6)
    amount = ScaledDecimalField(_("fee"))

    class Meta:
        ordering = ["charge", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.days} {self.amount}"


class MarketItem(models.TextChoices):
    INDUSTRY = "industry", _("industry position")
    REVENUE = "revenue", _("revenue contribution")


class MarketAssessment(models.Model):
    """An item of the monthly classification entered or confirmed by market development (seed
    002: items 1 and 4 are theirs, 2 and 3 finance's): the industry position, in force from the
    day confirmed; or, where the company wants it, the revenue contribution of a month."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="market_assessments")
    item = models.CharField(_("item"), max_length=16, choices=MarketItem.choices)
    period = models.CharField(_("period"), max_length=7, blank=True)  # revenue: YYYY-MM
    industry_position = models.CharField(_("industry position"), max_length=32, blank=True)
    revenue = ScaledDecimalField(_("revenue contribution"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=150)
    confirmed_on = models.DateField(_("confirmed on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "item", "confirmed_on", "id"]
        indexes = [models.Index(fields=["item", "customer", "confirmed_on"], name="market_item_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.item} {self.period}"


class LprRate(models.Model):
    """The one-year loan prime rate (1年期贷款市场报价利率, LPR) in force from a date, as published;
    a contract's late-payment rate may not be below the LPR on the day it was agreed."""

    effective_from = models.DateField(_("in force from"), unique=True)
    rate = ScaledDecimalField(_("one-year LPR (annual)"), places=6)
    entered_by = models.CharField(_("entered by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [models.CheckConstraint(condition=Q(rate__gt=0), name="lpr_rate_positive")]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.rate}"


class ContractInterestRate(models.Model):
    """A customer's contractual late-payment interest rate (annual) from a date; without one the
    statutory rate applies (保障中小企业款项支付条例: 0.05% a day)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="interest_rates")
    annual_rate = ScaledDecimalField(_("annual rate"), places=6)
    effective_from = models.DateField(_("agreed on"))
    contract_reference = models.CharField(_("contract"), max_length=100, blank=True)
    # The LPR in force on the day the rate was agreed, which it was checked against.
    lpr_checked = ScaledDecimalField(_("LPR on that day"), places=6, null=True, blank=True)
    set_by = models.CharField(_("set by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "effective_from"], name="interest_rate_once_a_day"),
            models.CheckConstraint(condition=Q(annual_rate__gt=0), name="interest_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.effective_from}: {self.annual_rate}"


for _model in (
    MarketAssessment,
    FeeCharge,
    LprRate,
    ContractInterestRate,
    FeeChargeLine,
    CreditEvaluation,
    ClassChange,
    Order,
    CreditHold,
    TermExtensionRequest,
    CreditLimitApplication,
    FinancialStatement,
):
    auditlog.register(_model)

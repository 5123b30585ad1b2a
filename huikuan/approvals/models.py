"""Approval requests, the chains they follow, their decisions and the notifications they send.

A chain (``ApprovalStep`` rows per kind) is data a credit manager edits. A request copies the
steps that apply to its amount when it is submitted (``ApprovalRequestStep``), so that editing
a chain changes the requests submitted afterwards, never one already on its way.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Decision(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    RECONSIDER = "reconsider", _("reconsideration requested")


def roles_text(roles: list[str] | tuple[str, ...]) -> str:
    """``["cfo", "president"]`` → ``",cfo,president,"``: one role is found with ``contains=",cfo,"``."""
    return "," + ",".join(roles) + "," if roles else ""


def roles_list(text: str) -> list[str]:
    return [role for role in text.split(",") if role]


class ApprovalStep(models.Model):
    """One step of the chain of a kind: who decides it, and from which amount it applies."""

    kind = models.CharField(_("kind"), max_length=64)
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("step"), max_length=100)
    roles = models.JSONField(_("roles"), default=list)
    # In the functional currency (CNY); the step applies when the request's amount ≥ this.
    min_amount = ScaledDecimalField(_("minimum amount"), null=True, blank=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "position"]
        constraints = [models.UniqueConstraint(fields=["kind", "position"], name="approval_step_position")]

    def __str__(self) -> str:
        return f"{self.kind} {self.position}: {self.name}"


class ApprovalRequest(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    customer = models.ForeignKey(
        "ledger.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="approval_requests"
    )
    amount = ScaledDecimalField(_("amount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # Units of the functional currency per unit of ``currency``; thresholds compare amount × rate.
    fx_rate = ScaledDecimalField(_("exchange rate"), places=6, default=1)
    summary = models.CharField(_("summary"), max_length=500)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    subject_ref = models.CharField(_("subject"), max_length=200, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_requests"
    )
    current_step = models.ForeignKey(
        "ApprovalRequestStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reconsidered = models.BooleanField(_("reconsidered"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "kind"], name="approval_status_kind")]

    def __str__(self) -> str:
        return f"{self.number} {self.kind} ({self.status})"

    @property
    def amount_functional(self):
        if self.amount is None:
            return None
        return self.amount * self.fx_rate


class ApprovalRequestStep(models.Model):
    """A step of one request, copied from its chain at submission."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveIntegerField()
    name = models.CharField(_("step"), max_length=100)
    roles = models.CharField(_("roles"), max_length=500)  # ",credit_manager,cfo,"
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="approval_request_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def role_names(self) -> list[str]:
        return roles_list(self.roles)


class ApprovalDecision(models.Model):
    """One line of a request's history: a submission, a decision or a reconsideration."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="decisions")
    step = models.ForeignKey(
        ApprovalRequestStep, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=64, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.decision} by {self.actor_id}"


class Notification(models.Model):
    """An in-app message to one user, unread until they open it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    request = models.ForeignKey(
        ApprovalRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("message"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.message}"


for audited in (ApprovalStep, ApprovalRequest, ApprovalRequestStep, ApprovalDecision):
    auditlog.register(audited)

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskModel(models.Model):
    """A trained pair of models (late-payment classifier, days-to-settle regressor), versioned with
    its training window, data size, features and metrics; reproducible from its seed."""

    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    as_of = models.DateField(_("trained as of"))
    window_start = models.DateField(_("first invoice"), null=True)
    grace_days = models.PositiveSmallIntegerField(_("grace days"))
    seed = models.PositiveIntegerField(_("seed"))
    train_size = models.PositiveIntegerField(_("training invoices"))
    late_share = models.DecimalField(_("share late"), max_digits=6, decimal_places=4)
    features = models.JSONField(_("features"), default=list)
    metrics = models.JSONField(_("metrics"), default=dict)
    trained_by = models.CharField(max_length=150, blank=True)
    # The fitted estimators (pickle, written only by ``risk_train``), and the SHA-256 of the
    # blob: a blob whose hash does not match is never unpickled.
    blob = models.BinaryField()
    blob_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("risk model")

    def __str__(self) -> str:
        return f"risk model {self.pk} ({self.as_of})"


class RiskScore(models.Model):
    """An open invoice's score on a day: P(late), the expected days to settle, the reasons."""

    invoice = models.ForeignKey("ledger.Invoice", on_delete=models.CASCADE, related_name="risk_scores")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE, related_name="risk_scores")
    as_of = models.DateField(_("as of"))
    model = models.ForeignKey(RiskModel, null=True, on_delete=models.SET_NULL, related_name="scores")
    probability_late = models.DecimalField(_("probability late"), max_digits=5, decimal_places=4)
    expected_days = models.DecimalField(_("expected days to settle"), max_digits=7, decimal_places=1)
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invoice", "as_of"], name="risk_score_once_a_day")]
        indexes = [models.Index(fields=["customer", "as_of"], name="risk_score_customer_day")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.as_of}: {self.probability_late}"


class CustomerRiskScore(models.Model):
    """A customer's risk on a day: the model's P(late) of a usual new invoice issued that day,
    with what is overdue now left out (the ladder escalates on that, the segment must not), its
    segment and the reasons. The segments and the credit page's risk history read it."""

    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE, related_name="risk_history")
    as_of = models.DateField(_("as of"))
    model = models.ForeignKey(RiskModel, null=True, on_delete=models.SET_NULL, related_name="customer_scores")
    probability_late = models.DecimalField(_("probability late"), max_digits=5, decimal_places=4)
    settled_invoices = models.PositiveIntegerField(_("invoices settled before"))
    segment = models.CharField(_("risk segment"), max_length=16)
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "as_of"], name="risk_customer_once_a_day")]
        ordering = ["customer", "-as_of"]
        verbose_name = _("customer risk score")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of}: {self.probability_late} ({self.segment})"

    @property
    def reason_codes(self) -> list[str]:
        return [reason["feature"] for reason in self.reasons]

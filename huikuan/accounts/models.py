"""Who is who: a customer's portal users are linked to their customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.ledger.models import Customer


class CustomerUser(models.Model):
    """A user of the customer role and the one customer whose records they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_link"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="portal_users")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer user")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.customer_id}"

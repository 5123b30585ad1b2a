"""Business settings a finance manager changes at run time (SPEC: every number is a default).

``settings.HUIKUAN`` holds the defaults; a ``PolicySetting`` row overrides one of them.
Read them through :func:`huikuan.core.policy.policy_value`, change them through
:func:`huikuan.core.policy.policy_set`; every change is in the audit trail.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicySetting(models.Model):
    key = models.CharField(_("setting"), max_length=100, unique=True)
    # JSON text; decimals are written as strings so that they stay exact.
    value = models.JSONField(_("value"))
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("policy setting")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


auditlog.register(PolicySetting)

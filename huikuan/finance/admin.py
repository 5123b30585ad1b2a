"""The Django admin for specific provisions: added and ended here (never deleted), each change
in the audit trail."""

from __future__ import annotations

from django.contrib import admin

from huikuan.finance.models import SpecificProvision


@admin.register(SpecificProvision)
class SpecificProvisionAdmin(admin.ModelAdmin):
    list_display = ("customer", "invoice", "rate", "effective_from", "ended_on", "reason", "created_by")
    list_filter = ("effective_from", "ended_on")
    search_fields = ("customer__code", "customer__name", "invoice__number", "reason")
    raw_id_fields = ("customer", "invoice")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user.get_username()
        obj.full_clean()
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

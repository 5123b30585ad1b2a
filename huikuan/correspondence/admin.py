"""The Django admin for letters and email: templates and letterhead editable, letters and emails read."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from huikuan.core.errors import RuleViolation
from huikuan.correspondence.documents import template_check
from huikuan.correspondence.models import DocumentTemplate, Letter, Letterhead, OutboundEmail


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ("name", "subject", "body")

    def clean(self):
        cleaned = super().clean()
        try:
            template_check(
                subject=cleaned.get("subject", ""), body=cleaned.get("body", ""), kind=self.instance.kind
            )
        except RuleViolation as refused:
            raise forms.ValidationError(refused.message) from None
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ("code", "language", "kind", "name", "updated_by", "updated_at")
    list_filter = ("kind", "language")
    search_fields = ("code", "name", "subject")
    readonly_fields = ("code", "language", "kind", "updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    list_display = ("company_name_zh", "company_name_en", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return not Letterhead.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ("reference", "customer", "template_code", "language", "created_at")
    search_fields = ("reference", "customer__code", "customer__name")
    exclude = ("pdf",)
    readonly_fields = (
        "reference",
        "customer",
        "template_code",
        "language",
        "subject",
        "sha256",
        "created_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "purpose", "status", "attempts", "next_attempt_at", "sent_at", "created_at")
    list_filter = ("status", "purpose")
    search_fields = ("subject", "idempotency_key", "customer__code")
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False

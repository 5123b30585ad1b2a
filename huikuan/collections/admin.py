"""The Django admin for collections: dunning policies and their steps editable (credit manager,
admin); runs and actions read-only (they are written by the daily run only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from huikuan.collections.ladder import Ladder, LadderStep
from huikuan.collections.models import Channel, DunningAction, DunningPolicy, DunningRun, DunningStep
from huikuan.collections.services import STEP_FIELDS


class DunningStepForm(forms.ModelForm):
    class Meta:
        model = DunningStep
        fields = ("code", "sequence", *STEP_FIELDS)

    def clean_channels(self):
        channels = self.cleaned_data["channels"] or []
        unknown = [channel for channel in channels if channel not in Channel.values]
        if unknown or not isinstance(channels, list):
            raise forms.ValidationError(f"channels are a list of {', '.join(Channel.values)}")
        return channels


class StepsFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        steps = [
            LadderStep(
                form.cleaned_data["code"],
                form.cleaned_data["sequence"],
                form.cleaned_data["day_offset"],
                form.cleaned_data.get("anchor") or "due",
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            Ladder(steps)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class DunningStepInline(admin.TabularInline):
    model = DunningStep
    form = DunningStepForm
    formset = StepsFormSet
    extra = 0


@admin.register(DunningPolicy)
class DunningPolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "priority", "is_default", "active")
    inlines = [DunningStepInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DunningRun)
class DunningRunAdmin(ReadOnlyAdmin):
    list_display = (
        "run_date",
        "invoices_considered",
        "invoices_stepped",
        "invoices_paused",
        "actions_created",
    )


@admin.register(DunningAction)
class DunningActionAdmin(ReadOnlyAdmin):
    list_display = ("action_date", "customer", "step_code", "channel", "assigned_to", "status")
    list_filter = ("step_code", "channel", "status")
    list_select_related = ("customer",)

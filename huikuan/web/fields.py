"""The pages' form fields with Huikuan's range rules (huikuan.core.limits), as in the API."""

from __future__ import annotations

from django import forms

from huikuan.core.limits import validate_business_date, validate_plain_text


class BusinessDateField(forms.DateField):
    """A business date within the accepted range."""

    default_validators = [validate_business_date]


class TextField(forms.CharField):
    """Text without NUL or other control characters."""

    default_validators = [validate_plain_text]

"""The API's fields with Huikuan's range rules (huikuan.core.limits), stated in the schema.

``ModelSerializer`` here builds every date field as a business date, every text field
refusing control characters and every money field (``ScaledDecimalField``, stored as whole
cents) as a decimal string with its places; ``BusinessDateField`` and ``TextField`` are the same for the
serializers written by hand.
"""

from __future__ import annotations

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huikuan.core.fields import ScaledDecimalField
from huikuan.core.limits import date_range, validate_business_date, validate_plain_text


def _date_schema() -> dict:
    first, last = date_range()
    return {
        "type": "string",
        "format": "date",
        "description": f"YYYY-MM-DD, from {first} to {last}",
    }


@extend_schema_field(_date_schema())
class BusinessDateField(serializers.DateField):
    """A business date within the accepted range (read: any stored date)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.read_only:
            self.validators.append(validate_business_date)


class TextField(serializers.CharField):
    """Text without NUL or other control characters (a pattern in the schema) when written."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.read_only:
            self.validators.append(validate_plain_text)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: BusinessDateField,
        models.CharField: TextField,
        models.TextField: TextField,
    }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, ScaledDecimalField):  # a Decimal, not the integer it is stored as
            kwargs.pop("min_value", None)
            kwargs.pop("max_value", None)
            kwargs.update(max_digits=18, decimal_places=model_field.places)
            field_class = serializers.DecimalField
        return field_class, kwargs

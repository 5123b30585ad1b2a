"""Model fields for exact decimals stored as scaled integers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class ScaledDecimalField(models.BigIntegerField):
    """A ``Decimal`` with a fixed number of places, stored as an integer.

    ``Decimal("12.34")`` with ``places=2`` is stored as ``1234``. Sums and comparisons in
    SQL are exact on SQLite and PostgreSQL alike, and raw SQL may work in minor units.
    A value with more places than the field holds is refused, never rounded silently.
    """

    def __init__(self, *args: Any, places: int = 2, **kwargs: Any) -> None:
        self.places = places
        self.scale = 10**places
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        kwargs["places"] = self.places
        return name, path, args, kwargs

    def from_db_value(self, value: int | None, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            raise ValidationError("money is never a float")
        try:
            return Decimal(str(value))
        except ArithmeticError as exc:
            raise ValidationError(f"not a decimal number: {value!r}") from exc

    def get_prep_value(self, value: Any) -> int | None:
        value = self.to_python(value)
        if value is None:
            return None
        scaled = value.scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValidationError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if prepared:
            return value
        return self.get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DecimalField(decimal_places=self.places, **kwargs)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

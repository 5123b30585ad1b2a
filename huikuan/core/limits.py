"""The range rules of every date, count, ratio and text Huikuan accepts: one definition.

The API (its serializer fields, so the OpenAPI schema states the bounds), the imports
(their cell parsers) and the web forms all use these validators, so a value refused in one
is refused in the others with the same reason. The rules are documented in docs/limits.md.

- **Business dates** (invoice, due, payment, order, promise, activity, as-of …) lie within
  ``settings.HUIKUAN_DATE_RANGE`` (default 1900-01-01 … 2199-12-31): date arithmetic on them
  (terms, look-backs, ladder offsets) then always stays within the calendar.
- **Term days** 0 … 3650; other day counts (extensions, offsets, look-backs) within ±3650.
- **Gross margin**: a fraction of the price above -1 (a loss of the whole price) and at most 1.
- **Text** holds no NUL or other control character (tab, line feed and carriage return are
  allowed where text may span lines).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

TERM_DAYS_MAX = 3650
DAYS_MAX = 3650
GROSS_MARGIN_MIN = Decimal("-0.9999")
GROSS_MARGIN_MAX = Decimal("1")
# The largest count of anything a request may name (rows, days, priorities …).
COUNT_MAX = 1_000_000


def date_range() -> tuple[date, date]:
    """The first and last business date Huikuan accepts (``settings.HUIKUAN_DATE_RANGE``)."""
    first, last = getattr(settings, "HUIKUAN_DATE_RANGE", ("1900-01-01", "2199-12-31"))
    return date.fromisoformat(str(first)), date.fromisoformat(str(last))


@deconstructible
class BusinessDateValidator:
    """Refuses a date outside the business date range."""

    code = "date_out_of_range"

    def __call__(self, value: date) -> None:
        first, last = date_range()
        if value is not None and not first <= value <= last:
            raise ValidationError(
                _("a date between %(first)s and %(last)s") % {"first": first, "last": last},
                code=self.code,
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BusinessDateValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_business_date = BusinessDateValidator()


def term_days_validators() -> list:
    return [MinValueValidator(0), MaxValueValidator(TERM_DAYS_MAX)]


def day_count_validators(minimum: int = 0) -> list:
    return [MinValueValidator(max(minimum, -DAYS_MAX)), MaxValueValidator(DAYS_MAX)]


def gross_margin_validators() -> list:
    return [MinValueValidator(GROSS_MARGIN_MIN), MaxValueValidator(GROSS_MARGIN_MAX)]


# NUL, the other C0 controls (but tab, line feed and carriage return), DEL and the C1
# controls are refused. As a pattern, so that the OpenAPI schema states it and a
# schema-driven client generates within it.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
validate_plain_text = RegexValidator(
    TEXT_PATTERN, message=_("contains a control character"), code="control_character"
)


def check(validator, value):
    """``value`` if ``validator`` passes it, else ``ValueError`` with the reason (for parsers)."""
    try:
        validator(value)
    except ValidationError as error:
        raise ValueError("; ".join(str(message) for message in error.messages)) from None
    return value

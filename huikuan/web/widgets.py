"""Form widgets the pages share."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """``<input type="date">``. A browser reads only an ISO ``YYYY-MM-DD`` value; the
    language's own format (``2026/12/01`` in Chinese) leaves the field empty, so the value is
    always written in ISO, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English, whatever language a page test left active."""
    with translation.override("en"):
        yield

"""The API's distributor and personas, now in a browser: see tests/api/conftest.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.api.conftest import ledger, personas  # noqa: F401 - fixtures shared with the API tests

PASSWORD = "Huikuan-test-pw-1"


@pytest.fixture
def web_as(personas) -> Callable[..., Client]:  # noqa: F811 - the fixture imported above
    """A browser-like client logged in as a persona, in a language: ``web_as("auditor", "en")``."""

    def client_for(username: str, language: str = "zh-hans") -> Client:
        client = Client()
        client.force_login(personas[username])
        client.cookies["huikuan_language"] = language
        return client

    return client_for

"""The credit book of tests/credit (March 2026) seen through the web pages, in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.credit.conftest import customers, march, people  # noqa: F401 - shared fixtures

TODAY = "2026-04-02"


@pytest.fixture(autouse=True)
def april_second(monkeypatch):
    """The pages use today's date: pin it to 2 April 2026."""
    from datetime import date

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date.fromisoformat(TODAY))


@pytest.fixture
def web_as(people) -> Callable[..., Client]:  # noqa: F811 - the fixture imported above
    def client_for(username: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(people[username])
        client.cookies["huikuan_language"] = language
        return client

    return client_for

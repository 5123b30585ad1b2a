"""A schema-driven fuzzer: schemathesis reads the OpenAPI schema the app serves at
/api/schema/ and drives every operation, GET and POST, with generated data as the credit
manager, on the API tests' ledger. No input, however odd, may make the server answer 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from huikuan.accounts.services import user_token

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def token(personas) -> str:
    """The credit manager's token, and a WSGI handler that keeps the test's connection.

    A real handler closes the database connection after each request; the test runs in a
    transaction on that connection (PostgreSQL would lose it), so, as Django's test client
    does, the requests leave it open.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield user_token(username="credit_manager")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_input_makes_the_server_fail(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error])

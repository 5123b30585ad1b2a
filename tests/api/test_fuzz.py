"""A schema-driven fuzzer: schemathesis reads the OpenAPI schema the app serves at
/api/schema/ and drives every operation, GET and POST, with generated data as the credit
manager, on the API tests' ledger. No input, however odd, may make the server answer 5xx,
and every answer must match the schema's response for its status."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

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


# Keys of the ledger's records, so that generated writes and look-ups reach past "no such customer".
KNOWN = {
    "customer": "HZ001",
    "customer_code": "HZ001",
    "invoice": "YS-0401",
    "invoice_number": "YS-0302",
    "payment": "HK-002",
    "payment_ref": "HK-001",
    "credit_note_number": "CN-001",
}


def _grounded(values):
    if not isinstance(values, dict) or not KNOWN.keys() & values.keys():
        return None
    return {key: KNOWN.get(key, value) for key, value in values.items()}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_input_makes_the_server_fail(case, token):
    """Each generated request as it is, then again naming records that exist."""
    headers = {"Authorization": f"Token {token}"}
    checks = [not_a_server_error, response_schema_conformance]
    response = case.call(headers=headers)
    case.validate_response(response, checks=checks)
    path, body = _grounded(case.path_parameters), _grounded(case.body)
    if path is not None or body is not None:
        case.path_parameters = path if path is not None else case.path_parameters
        case.body = body if body is not None else case.body
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks)

"""A schema-driven fuzzer against a running server: ``huikuan serve`` as the Quickstart runs
it (debug off, gunicorn), on the API tests' ledger. schemathesis reads the OpenAPI schema the
server publishes at /api/schema/ and drives every operation, GET and POST, with generated data
as the credit manager. No input, however odd, may make the server answer 5xx, and every
answer must match the schema's response for its status.

Marked ``fuzz`` so that a fast lane can leave it out (``-m "not fuzz"``); the default run
includes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import ALLOCATIONS, CREDIT_NOTES, CUSTOMERS, INVOICES, PAYMENTS
from tests.serving import served_env, serving

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite"
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A served data folder with the API tests' ledger and a credit manager: (URL, token)."""
    home = tmp_path_factory.mktemp("fuzz-home")
    env = served_env(home)
    files = []
    for kind, text in (
        ("customers", CUSTOMERS),
        ("invoices", INVOICES),
        ("payments", PAYMENTS),
        ("allocations", ALLOCATIONS),
        ("credit-notes", CREDIT_NOTES),
    ):
        path = home / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        files.append((kind, str(path)))
    # One process for the set-up (each command would start Django anew): migrate, import,
    # and the credit manager with their token.
    setup = f"""
import django, json
django.setup()
from django.core.management import call_command
from huikuan.accounts.services import user_create, user_token
call_command("migrate", verbosity=0)
for kind, path in {files!r}:
    call_command("import", kind, path, verbosity=0)
user_create(username="credit_manager", role="credit_manager", password="Fuzz-pw-2026")
print(json.dumps(user_token(username="credit_manager")))
"""
    done = subprocess.run(
        [sys.executable, "-c", setup],
        env={**env, "DJANGO_SETTINGS_MODULE": "huikuan.config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    token = json.loads(done.stdout.strip().splitlines()[-1])
    with serving(env, workers=2) as base:
        yield base, token


# Keys of the ledger's records, so that generated writes and look-ups reach past "no such customer".
KNOWN = {
    "customer": "HZ001",
    "customer_code": "HZ001",
    "code": "HZ001",
    "invoice": "YS-0401",
    "invoice_number": "YS-0302",
    "number": "YS-0302",
    "payment": "HK-002",
    "payment_ref": "HK-001",
    "credit_note_number": "CN-001",
}


def _grounded(values):
    if not isinstance(values, dict) or not KNOWN.keys() & values.keys():
        return None
    return {key: KNOWN.get(key, value) for key, value in values.items()}


EXAMPLES = int(os.environ.get("HUIKUAN_FUZZ_EXAMPLES", "12"))


def test_no_input_makes_the_running_server_fail(server):
    """Every operation of the served schema: each generated request as it is, then again
    naming records that exist. Failures of all operations are reported together."""
    base, token = server
    api = schemathesis.openapi.from_url(f"{base}/api/schema/?format=json")
    headers = {"Authorization": f"Token {token}"}
    checks = [not_a_server_error, response_schema_conformance]
    failures: dict[str, str] = {}
    operations = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def fuzz(case):
            response = case.call(base_url=base, headers=headers, timeout=30)
            case.validate_response(response, checks=checks)
            path, body = _grounded(case.path_parameters), _grounded(case.body)
            if path is not None or body is not None:
                case.path_parameters = path if path is not None else case.path_parameters
                case.body = body if body is not None else case.body
                response = case.call(base_url=base, headers=headers, timeout=30)
                case.validate_response(response, checks=checks)

        try:
            fuzz()
        except Exception as failure:  # every operation's failure, then one report
            failures[f"{operation.method.upper()} {operation.path}"] = str(failure)[:3000]
    assert operations > 50, "the served schema lists every operation"
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())

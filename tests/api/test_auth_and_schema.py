"""Who gets in (tokens as Token or Bearer, sessions, throttled logins) and the OpenAPI
schema that documents every endpoint."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from huikuan.accounts.services import user_token


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_a_token_is_accepted_as_token_or_bearer(personas, keyword):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {user_token(username='auditor')}")
    assert client.get("/api/customers/").status_code == 200


def test_no_or_a_wrong_token_is_401(personas):
    assert APIClient().get("/api/invoices/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/invoices/").status_code == 401


def test_a_session_login_reads_the_api(personas):
    client = APIClient()
    assert client.login(username="collector_wang", password="Huikuan-test-pw-1")
    assert [c["code"] for c in client.get("/api/customers/").json()["results"]] == ["HZ001", "SZ002"]


def test_the_token_endpoint_exchanges_a_password_and_throttles_guessing(personas, settings):
    cache.clear()
    client = APIClient()
    token = client.post("/api/auth/token/", {"username": "auditor", "password": "Huikuan-test-pw-1"})
    assert token.status_code == 200
    assert token.json()["token"] == user_token(username="auditor")
    statuses = [
        client.post("/api/auth/token/", {"username": "auditor", "password": f"guess-{n}"}).status_code
        for n in range(12)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429
    cache.clear()


def _schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3_and_documents_every_endpoint(db):
    schema = _schema(APIClient())
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/customers/",
        "/api/customers/{customer_code}/",
        "/api/invoices/",
        "/api/invoices/{invoice_number}/",
        "/api/payments/",
        "/api/payments/{payment_ref}/",
        "/api/allocations/",
        "/api/credit-notes/",
        "/api/credit-notes/{credit_note_number}/",
        "/api/aging/",
    }
    aging = schema["paths"]["/api/aging/"]["get"]
    assert {p["name"] for p in aging["parameters"]} == {"as_of", "by", "basis"}
    assert aging["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("AgingReport")
    post = schema["paths"]["/api/allocations/"]["post"]
    assert "requestBody" in post and "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    assert {"tokenAuth", "bearerAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_generates_without_a_warning(db):
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_swagger_ui_is_served_from_local_static_files(db):
    page = APIClient().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()

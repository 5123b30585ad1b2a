"""``huikuan serve`` runs a real server with debug off: pages, the API schema and static files
answer; a missing page or API path shows no debug information; a Content-Security-Policy."""

import json
import os
import urllib.error
import urllib.request

import pytest

from tests.serving import served_env, serving

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite"
)


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_serve_answers_with_debug_off_and_a_content_security_policy(tmp_path):
    with serving(served_env(tmp_path)) as base:
        status, _, schema = get(f"{base}/api/schema/")
        assert status == 200
        assert b"openapi: 3" in schema
        # Static files come from the app server itself (WhiteNoise), compressed and hashed.
        status, _, css = get(f"{base}/static/admin/css/base.css")
        assert status == 200
        assert b"body" in css

        # A missing page: the translated 404 page, not Django's debug page listing the URLs.
        status, headers, page = get(f"{base}/no-such-page/", **{"Accept-Language": "zh-hans"})
        text = page.decode()
        assert status == 404
        assert "找不到页面" in text
        assert "URLconf" not in text and "huikuan.config.urls" not in text
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]

        # Under /api/ errors are JSON, not HTML.
        status, headers, body = get(f"{base}/api/no-such-endpoint/")
        assert status == 404
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["code"] == "NotFound"

        # Swagger UI's script comes from its own URL: the policy allows it.
        status, headers, page = get(f"{base}/api/docs/")
        assert status == 200
        assert b"<script>" not in page

    key = tmp_path / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text().strip()) >= 50

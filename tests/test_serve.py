"""``huikuan serve`` runs a real server: pages, the API schema and static files answer."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite"
)
def test_serve_answers_with_the_api_schema_and_static_files(tmp_path):
    port = free_port()
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "DATABASE_URL": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "huikuan", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Serving starts with migrate and collectstatic: slow on a busy machine, so wait long
        # but stop at once if the server has died.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, schema = get(f"{base}/api/schema/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            server.kill()
            pytest.fail(f"the server did not answer: {server.stdout.read().decode()}")
        assert status == 200
        assert b"openapi: 3" in schema
        # Static files come from the app server itself (WhiteNoise), compressed and hashed.
        status, css = get(f"{base}/static/admin/css/base.css")
        assert status == 200
        assert b"body" in css
    finally:
        server.terminate()
        server.wait(timeout=15)

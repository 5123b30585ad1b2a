"""Production settings pass Django's deployment checklist (``check --deploy``) with no issue."""

import os
import secrets
import subprocess
import sys


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(tmp_path),
        "HUIKUAN_DEBUG": "0",
        "HUIKUAN_SECRET_KEY": secrets.token_urlsafe(50),
        "HUIKUAN_ALLOWED_HOSTS": "huikuan.example.com",
    }
    # The browser tests allow Django's sync calls from Playwright's event loop; a deployment
    # would not, and Django's checklist says so.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "huikuan", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "HUIKUAN_DEBUG": "0", "HUIKUAN_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-m", "huikuan", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "HUIKUAN_SECRET_KEY must be set" in result.stderr

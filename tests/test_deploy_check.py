"""Django's deployment checklist (``check --deploy``): clean for production and for what
``huikuan serve`` runs by default."""

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
        "EMAIL_HOST": "smtp.example.com",
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


def test_what_serve_runs_by_default_passes_the_checklist(tmp_path):
    """``huikuan serve`` with no environment: debug off, a generated key, plain HTTP on
    loopback. Only the four HTTPS checks are silenced, and only while serving plain HTTP."""
    # The Quickstart keeps emails in the outbox (production needs EMAIL_HOST: huikuan.E001).
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(tmp_path),
        "HUIKUAN_DEBUG": "0",
        "HUIKUAN_EMAIL_BACKEND": "outbox",
    }
    for name in ("HUIKUAN_SECRET_KEY", "HUIKUAN_ALLOWED_HOSTS", "HUIKUAN_HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "huikuan", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (4 silenced)" in result.stdout


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "HUIKUAN_DEBUG": "0", "HUIKUAN_SECRET_KEY": ""}
    show = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    env["DJANGO_SETTINGS_MODULE"] = "huikuan.config.settings"
    keys = [
        subprocess.run(
            [sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    stored = tmp_path / "secret_key"
    assert keys[0] == keys[1] == stored.read_text().strip()
    assert len(keys[0]) >= 50
    assert stored.stat().st_mode & 0o777 == 0o600

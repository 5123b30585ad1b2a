"""The deployment files (deploy/, docs/deployment.md) name only what exists: every variable of
the environment example and of the guide is read by Huikuan, the systemd units run commands
and options that exist, the Celery tasks the guide names are registered, and nginx accepts
the site file. Also the product fixes found while trying the guide on a real machine."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_EXAMPLE = DEPLOY / "huikuan.env.example"
GUIDE = ROOT / "docs" / "deployment.md"
SOURCE = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "huikuan").rglob("*.py"))


def _env_example_names() -> list[str]:
    """Every variable of the example, set or commented out (``# NAME=value``)."""
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)


def _unit(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )


def test_the_three_units_are_shipped_with_one_environment_file():
    assert [unit.name for unit in UNITS] == [
        "huikuan-beat.service",
        "huikuan-web.service",
        "huikuan-worker.service",
    ]
    files = {_unit(unit)["EnvironmentFile"] for unit in UNITS}
    assert files == {"/etc/huikuan/huikuan.env"}, "worker and beat need the server's environment"


def test_every_variable_of_the_env_example_is_read_by_huikuan():
    names = _env_example_names()
    assert "HUIKUAN_SECRET_KEY" in names and "DATABASE_URL" in names and "EMAIL_HOST" in names
    unread = [name for name in names if f'"{name}"' not in SOURCE]
    assert not unread, f"not read anywhere in huikuan/: {unread}"


def test_every_huikuan_variable_the_guide_names_is_read_by_huikuan():
    named = set(re.findall(r"\bHUIKUAN_[A-Z0-9_]*[A-Z0-9]\b", GUIDE.read_text(encoding="utf-8")))
    assert "HUIKUAN_TRUSTED_PROXIES" in named
    unread = sorted(name for name in named if f'"{name}"' not in SOURCE)
    assert not unread, f"docs/deployment.md names settings Huikuan does not read: {unread}"


def _exec_start(name: str) -> list[str]:
    command = _unit(DEPLOY / "systemd" / name)["ExecStart"]
    words = shlex.split(command)
    if words[:2] == ["/bin/sh", "-c"]:
        words = shlex.split(words[2].replace('"$(nproc)"', "2"))
    return words[1:] if words[0] == "exec" else words


def test_the_web_unit_runs_huikuan_serve_with_options_it_has():
    from huikuan.cli.management.commands.serve import Command

    words = _exec_start("huikuan-web.service")
    assert words[0].endswith("/bin/huikuan") and words[1] == "serve"
    options = Command().create_parser("huikuan", "serve").parse_args(words[2:])
    assert (options.host, options.port) == ("127.0.0.1", 8000)


@pytest.mark.parametrize(
    "unit, subcommand", [("huikuan-worker.service", "worker"), ("huikuan-beat.service", "beat")]
)
def test_the_celery_units_run_the_app_with_options_celery_has(unit, subcommand):
    from celery.bin.celery import celery

    words = _exec_start(unit)
    assert words[0].endswith("/bin/celery")
    assert words[1:4] == ["-A", "huikuan.config.celery", subcommand]
    command = celery.commands[subcommand]
    known = {option for parameter in command.params for option in parameter.opts}
    given = [word for word in words[4:] if word.startswith("-")]
    assert set(given) <= known, set(given) - known
    if subcommand == "worker":
        assert "--concurrency" in given


def test_the_celery_tasks_the_guide_names_are_registered():
    from huikuan.config.celery import app

    app.loader.import_default_modules()
    # `huikuan.run_job` or `huikuan.run_job("dunning")`; not modules (`huikuan.config.celery`).
    tasks = set(re.findall(r"`(huikuan\.[a-z]+_[a-z_]+)[`(]", GUIDE.read_text(encoding="utf-8")))
    assert {"huikuan.run_job", "huikuan.execute_task", "huikuan.resume_stale_jobs"} <= tasks
    assert tasks <= set(app.tasks), tasks - set(app.tasks)


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx or openssl not installed"
)
def test_nginx_accepts_the_site_file(tmp_path):
    """``nginx -t`` on the shipped site file, its certificate paths pointed at a self-signed
    certificate made here."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=huikuan.test",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "huikuan.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/huikuan.example.com", str(tmp_path))
    assert str(tmp_path) in site
    (tmp_path / "huikuan.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n    include {tmp_path}/huikuan.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            "nginx",
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _settings_in(env: dict[str, str], *names: str) -> list[str]:
    show = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        env={**env, "DJANGO_SETTINGS_MODULE": "huikuan.config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split("\n")[: len(names)]


def test_a_worker_started_with_a_production_environment_runs_with_debug_off(tmp_path):
    """A Celery worker does not go through ``huikuan serve`` (which sets debug off): with the
    production environment file but no HUIKUAN_DEBUG it used to run with debug on, and then,
    with EMAIL_HOST forgotten, kept emails in the outbox as "sent" instead of failing them."""
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "HUIKUAN_ALLOWED_HOSTS": "huikuan.example.com"}
    for name in ("HUIKUAN_DEBUG", "EMAIL_HOST", "EMAIL_BACKEND", "HUIKUAN_EMAIL_BACKEND"):
        env.pop(name, None)
    assert _settings_in(env, "DEBUG", "EMAIL_BACKEND") == [
        "False",
        "huikuan.correspondence.backends.NotConfiguredBackend",
    ]
    # Development on loopback keeps debug on, and HUIKUAN_DEBUG still decides when set.
    env.pop("HUIKUAN_ALLOWED_HOSTS")
    assert _settings_in(env, "DEBUG") == ["True"]
    assert _settings_in(
        {**env, "HUIKUAN_ALLOWED_HOSTS": "huikuan.example.com", "HUIKUAN_DEBUG": "1"}, "DEBUG"
    ) == ["True"]


def test_csrf_trusted_origins_come_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(tmp_path),
        "HUIKUAN_CSRF_TRUSTED_ORIGINS": "https://a.example, https://b.example:8443",
    }
    assert _settings_in(env, "CSRF_TRUSTED_ORIGINS") == ["['https://a.example', 'https://b.example:8443']"]


def test_the_message_id_is_valid_when_the_sender_has_a_display_name(settings):
    """The env example's ``DEFAULT_FROM_EMAIL=应收账款 <huikuan@example.com>`` made
    ``<huikuan.outbox.1.…@example.com>>``: a Message-ID with a stray ``>``."""
    from huikuan.correspondence.services import message_id

    settings.DEFAULT_FROM_EMAIL = "应收账款 <huikuan@example.com>"
    made = message_id(SimpleNamespace(pk=1, idempotency_key="dunning:1"))
    assert re.fullmatch(r"<huikuan\.outbox\.1\.[0-9a-f]{12}@example\.com>", made), made
    settings.DEFAULT_FROM_EMAIL = "huikuan@example.com"
    assert message_id(SimpleNamespace(pk=1, idempotency_key="dunning:1")) == made

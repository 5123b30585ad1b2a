"""A quick command line (issue 11): ``huikuan aging`` imports the ORM, the reporting selectors
and the output helpers, not the web app, the API schema, the PDF renderer or Celery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each of these (or a module under it) would cost start-up time that `aging` does not use.
NOT_IMPORTED = (
    "huikuan.api",
    "huikuan.web",
    "huikuan.config.urls",
    "huikuan.config.celery",
    "huikuan.correspondence.pdf",
    "huikuan.correspondence.documents",
    "drf_spectacular.plumbing",
    "drf_spectacular.views",
    "rest_framework.fields",
    "rest_framework.views",
    "rest_framework.serializers",
    "reportlab",
    "weasyprint",
    "celery",
    "kombu",
    "requests",
    "django.contrib.postgres",
    "psycopg",
)


def _imported_modules(*args: str, home: Path) -> set[str]:
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(home),
        "DATABASE_URL": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "huikuan.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


_TEMPLATE: list[Path] = []


def _migrated_template(tmp_path: Path) -> Path:
    """A migrated data folder, made once per test session (migrating takes a while)."""
    if not _TEMPLATE:
        home = tmp_path / "migrated"
        env = {
            **os.environ,
            "HUIKUAN_HOME": str(home),
            "DATABASE_URL": "",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        subprocess.run(
            [sys.executable, "-m", "huikuan.cli.main", "migrate", "-v0"], env=env, check=True, timeout=300
        )
        _TEMPLATE.append(home)
    return _TEMPLATE[0]


@pytest.fixture(scope="module")
def migrated_home(tmp_path_factory) -> Path:
    return _migrated_template(tmp_path_factory.mktemp("cli-home"))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_IMPORTED))


def test_aging_imports_no_web_api_pdf_or_celery_module(migrated_home):
    modules = _imported_modules("aging", "--as-of", "2024-06-30", "--json", home=migrated_home)
    assert "huikuan.reporting.selectors" in modules  # the command did run
    assert _heavy(modules) == []


def test_kpi_and_provision_import_no_web_api_pdf_or_celery_module(migrated_home):
    modules = _imported_modules(
        "kpi", "--from", "2024-04-01", "--to", "2024-06-30", "--json", home=migrated_home
    )
    assert "huikuan.finance.selectors" in modules and _heavy(modules) == []
    modules = _imported_modules("provision", "--as-of", "2024-06-30", "--json", home=migrated_home)
    assert "huikuan.finance.provisioning" in modules and _heavy(modules) == []


def test_import_command_imports_no_web_api_pdf_or_celery_module(migrated_home, tmp_path):
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_code,name\nSTARTUP,Startup Ltd\n", encoding="utf-8")
    modules = _imported_modules("import", "customers", str(customers), home=migrated_home)
    assert "huikuan.ledger.imports" in modules
    assert _heavy(modules) == []


def test_a_database_missing_one_migration_is_reported_as_not_migrated(tmp_path):
    """The start-up check reads migration file names instead of loading every migration:
    one migration not applied is still found."""
    import shutil
    import sqlite3

    home = tmp_path / "home"
    shutil.copytree(_migrated_template(tmp_path), home)
    latest = max(path.stem for path in (ROOT / "huikuan" / "ledger" / "migrations").glob("0*.py"))
    with sqlite3.connect(home / "huikuan.sqlite3") as db:
        db.execute("DELETE FROM django_migrations WHERE app = 'ledger' AND name = ?", [latest])
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(home),
        "DATABASE_URL": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "huikuan.cli.main", "aging", "--as-of", "2024-06-30", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "is not migrated (1 migrations to apply): run `huikuan migrate`" in done.stderr


def test_json_output_is_one_row_a_line_and_the_same_data():
    """``--json`` output is written by json's C encoder (indent= would use the slow Python one)
    and stays readable: each member of the top level on its own line, each row of a list too."""
    import json

    from huikuan.cli.output import to_json

    report = {
        "as_of": "2026-11-25",
        "rows": [{"key": "C1", "name": "甲公司", "buckets": {"current": "1.00"}}, {"key": "C2"}],
        "total": {"balance": "1.00"},
        "empty": [],
    }
    text = to_json(report)
    assert json.loads(text) == report
    assert text.splitlines() == [
        "{",
        '  "as_of": "2026-11-25",',
        '  "rows": [',
        '    {"key": "C1", "name": "甲公司", "buckets": {"current": "1.00"}},',
        '    {"key": "C2"}',
        "  ],",
        '  "total": {"balance": "1.00"},',
        '  "empty": []',
        "}",
    ]

"""A quick command line (issue 11): ``huikuan aging`` imports the ORM, the reporting selectors
and the output helpers, not the web app, the API schema, the PDF renderer or Celery; and
``huikuan aging --json`` on SQLite does not start Django at all, printing what Django's
command prints, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

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


@pytest.mark.parametrize(
    ("output", "runs"),
    [(["--json"], "huikuan.reporting.aging_sql"), ([], "huikuan.reporting.selectors")],
    ids=["json", "table"],
)
def test_aging_imports_no_web_api_pdf_or_celery_module(migrated_home, output, runs):
    modules = _imported_modules("aging", "--as-of", "2024-06-30", *output, home=migrated_home)
    assert runs in modules  # the command did run
    assert _heavy(modules) == []


def test_aging_json_does_not_start_django(migrated_home):
    """On SQLite, ``aging --json`` reads the ledger without Django's ORM, app registry or
    management commands (``huikuan.cli.quick``)."""
    modules = _imported_modules("aging", "--as-of", "2024-06-30", "--json", home=migrated_home)
    assert "huikuan.reporting.aging_sql" in modules
    started = {"django.db", "django.apps.registry", "django.core.management", "django.conf"}
    assert sorted(started & modules) == []


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


# --------------------------------------------------------------------------- aging --json without Django

_EXTRAS = {
    "invoices": "invoice_number,customer_code,invoice_date,due_date,amount,currency,exchange_rate,"
    "salesperson\n"
    "D-USD,D,2024-06-20,2024-07-20,1000.00,USD,7.1,\n"
    "C-2,C,2024-06-25,2024-08-31,5000.00,CNY,,zhao\n"
    "B-OLD,B,2022-01-10,2022-02-10,3000.55,CNY,,\n",
    "payments": "payment_ref,customer_code,payment_date,amount,currency,exchange_rate,invoice_number\n"
    "A-PRE,A,2024-06-28,5000,CNY,,\n"
    "B-PART,B,2024-06-15,10000.10,CNY,,B-1\n"
    "D-USD-PAY,D,2024-06-29,100.00,USD,7.2,\n"
    "NOBODY,,2024-06-20,777.77,CNY,,\n",
    "credit-notes": "credit_note_number,customer_code,invoice_number,date,amount,currency,exchange_rate,"
    "reason\n"
    "CN-1,C,,2024-06-26,250.00,CNY,,goodwill\n"
    "CN-2,A,A-1,2024-06-12,1000.00,CNY,,price\n",
}


def _run(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(home),
        "DATABASE_URL": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "huikuan.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def ledger_home(tmp_path_factory) -> Path:
    """Seed 002 with a dollar invoice, an old one, part-payments, cash on account, cash of
    nobody yet and credit notes, in a data folder of its own."""
    import shutil

    folder = tmp_path_factory.mktemp("cli-ledger")
    home = folder / "home"
    shutil.copytree(_migrated_template(folder), home)
    files = [
        ("customers", FIXTURES / "seed002_customers.csv"),
        ("invoices", FIXTURES / "seed002_invoices.csv"),
    ]
    for kind, text in _EXTRAS.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        files.append((kind, path))
    for kind, path in files:
        done = _run("import", kind, str(path), home=home)
        assert done.returncode == 0, done.stderr
    return home


@pytest.mark.parametrize(
    ("as_of", "by", "basis"),
    [
        ("2024-06-30", "customer", "due"),
        ("2024-06-30", "customer", "invoice"),
        ("2024-06-30", "salesperson", "due"),
        ("2024-06-30", "department", "due"),
        ("2024-06-30", "class", "invoice"),
        ("2024-06-30", "currency", "due"),
        ("2024-06-18", "customer", "due"),
    ],
)
def test_aging_json_without_django_is_the_report_through_django_byte_for_byte(ledger_home, as_of, by, basis):
    quick = _run("aging", "--as-of", as_of, "--by", by, f"--basis={basis}", "--json", home=ledger_home)
    # --verbosity is no option of the quick way: this one goes through Django's command.
    django = _run(
        "aging", "--as-of", as_of, "--by", by, "--basis", basis, "--json", "-v", "1", home=ledger_home
    )
    assert quick.returncode == django.returncode == 0, quick.stderr + django.stderr
    assert quick.stdout == django.stdout
    report = json.loads(quick.stdout)
    assert report["rows"] and report["total"]["balance"] != "0.00"
    if by == "customer" and as_of == "2024-06-30":
        assert report["unidentified"] == "777.77"


def test_the_quick_aging_really_is_quick_on_this_ledger(ledger_home):
    """The comparison above compares two ways: the first does not start Django."""
    modules = _imported_modules("aging", "--as-of", "2024-06-30", "--json", home=ledger_home)
    assert "django.db" not in modules


def test_aging_json_uses_the_functional_currency_stored_as_a_setting(ledger_home, tmp_path):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(ledger_home, home)
    setting = (
        "import django; django.setup();"
        "from huikuan.core.policy import policy_set; policy_set(key='FUNCTIONAL_CURRENCY', value='HKD')"
    )
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(home),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "huikuan.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run([sys.executable, "-c", setting], env=env, check=True, timeout=120)
    quick = _run("aging", "--as-of", "2024-06-30", "--json", home=home)
    django = _run("aging", "--as-of", "2024-06-30", "--json", "--traceback", home=home)
    assert json.loads(quick.stdout)["currency"] == "HKD"
    assert quick.stdout == django.stdout


def test_aging_json_refuses_a_date_outside_the_business_range_as_before(ledger_home):
    done = _run("aging", "--as-of", "1850-01-01", "--json", home=ledger_home)
    assert done.returncode == 1
    # Django's message, in the language of the settings.
    assert done.stderr.startswith("CommandError: 1850-01-01: ")
    assert "1900-01-01" in done.stderr and "2199-12-31" in done.stderr
    assert done.stdout == ""


def test_aging_json_without_a_database_says_how_to_make_one(tmp_path):
    done = _run("aging", "--as-of", "2024-06-30", "--json", home=tmp_path / "nothing-here")
    assert done.returncode == 1
    assert "no Huikuan database at" in done.stderr and "run `huikuan migrate`" in done.stderr
    assert not (tmp_path / "nothing-here" / "huikuan.sqlite3").exists()

"""Shared fixtures: a CLI runner and the seed 002 ledger."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

FIXTURES = Path(__file__).parent / "fixtures"

# The fast lane (HUIKUAN_FAST_LANE=1, set by `./scripts/test --fast`) tries each hypothesis
# property on a quarter of its examples, the whole suite on all of them.
FAST_LANE = os.environ.get("HUIKUAN_FAST_LANE") == "1"
hypothesis_settings.register_profile("fast-lane", max_examples=25)
if FAST_LANE:
    hypothesis_settings.load_profile("fast-lane")


def examples(count: int) -> int:
    """A property's number of examples: ``count`` in the whole suite, a quarter (at least 3)
    in the fast lane. For a test that sets its own ``max_examples``, which a profile cannot
    change."""
    return max(3, count // 4) if FAST_LANE else count


class CliResult:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def json(self):
        return json.loads(self.stdout)


def cli(*args: str) -> CliResult:
    """Run a ``huikuan`` command in-process: ``cli("aging", "--as-of", "2024-06-30")``."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def huikuan():
    """Run a ``huikuan`` command in-process: ``huikuan("aging", "--as-of", "2024-06-30")``."""
    return cli


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Records a module's tests share, made once (as ``TestCase.setUpTestData`` makes a class's).

    A module-scoped fixture that requests this one writes inside one transaction, rolled back
    after the module's last test; each test runs in a savepoint within it (pytest-django's
    ``db``), so what a test writes is undone before the next test starts. Objects it returns
    are shared too: tests read them, they do not change them. Not for a module with
    transactional tests (a live server, ``transaction=True``), whose flush would empty them.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        shared = transaction.atomic()
        shared.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            shared.__exit__(None, None, None)


@pytest.fixture
def seed002_ledger(db, huikuan):
    """The four customers of seed 002 and invoices that age as its table shows on 2024-06-30."""
    assert huikuan("import", "customers", str(FIXTURES / "seed002_customers.csv")).code == 0
    assert huikuan("import", "invoices", str(FIXTURES / "seed002_invoices.csv")).code == 0


# The fast lane (`./scripts/test --fast`) leaves out what a subprocess, a browser, a broker, a
# whole demo company or a long random search makes slow. Those tests get the `slow` marker
# here, by where they live, so that a new test in one of these places is slow without anyone
# remembering to say so.
SLOW_MARKERS = {"browser", "fuzz", "smtp_e2e", "celery", "serve", "statemachine", "memcap"}
SLOW_PLACES = (
    "tests/test_serve.py",
    "tests/test_serve_delivery.py",
    "tests/test_data_folder.py",
    "tests/test_cli_startup.py",
    "tests/test_deployment_files.py",
    "tests/test_duplicate_code.py",
    "tests/test_deploy_check.py",  # four processes that each start the whole of Django
    "tests/ledger/test_hostile_uploads.py",
    "tests/ledger/test_demo.py",
    "tests/ledger/test_demo_company.py",
    "tests/collections/test_stuck_jobs.py",
    "tests/collections/test_celery_delivery.py",
    "tests/api/test_fuzz.py",
    "tests/ledger/test_invariants.py::test_cached_balances_equal_their_records",
    "tests/collections/test_run_invariants.py",
    "tests/collections/test_jobs.py::test_a_real_celery_worker",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        marked = {mark.name for mark in item.iter_markers()}
        if marked & SLOW_MARKERS or item.nodeid.startswith(SLOW_PLACES):
            item.add_marker(pytest.mark.slow)


def _seed_again(sender, app_config=None, using="default", **kwargs):
    """After a transactional test's flush (Django sends post_migrate then), put back what the
    data migrations seeded: approval chains, dunning policies, document templates and the
    letterhead, the credit notices, the scorecards' defaults. Without it, a test that runs after
    a browser test on the same xdist worker finds no approval chain. Runs once per flush, after
    the last app's signal; the fast lane (no migrations) relies on it for all of them."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not with_models[-1]:
        return
    from importlib import import_module

    from huikuan.approvals.services import approval_chains_install
    from huikuan.collections.services import policies_install

    approval_chains_install()
    policies_install()
    import_module("huikuan.correspondence.migrations.0002_default_templates").seed(apps, None)
    from huikuan.statements.services import statement_templates_install

    statement_templates_install()
    from huikuan.correspondence.defaults import templates_install
    from huikuan.correspondence.notice_texts import default_templates as notice_templates

    templates_install(rows=notice_templates())
    from huikuan.finance.scorecard_config import scorecard_defaults_install

    scorecard_defaults_install()
    from huikuan.credit.interest_rates import lpr_seed

    lpr_seed()


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Two settings for the whole test run (production's stay as they are):

    - passwords are hashed with MD5: tests check who may sign in, not how slowly a password
      hashes (Argon2id costs about 50 ms a hash; tests/accounts/test_passwords.py checks the
      production hasher with production's setting);
    - WhiteNoise looks a static file up when one is asked for (its autorefresh mode, as in
      development), instead of indexing every app's static files, Swagger UI's among them
      (about 200), each time a new test client makes its first request: that index took two
      thirds of the time of a request in tests/api/test_permission_matrix.py, which signs in
      as fifteen roles a test. Tests get no static file through the test client; the live
      server of the browser tests serves them with Django's static files handler, and
      tests/test_serve.py checks what ``huikuan serve`` serves.
    """
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], WHITENOISE_AUTOREFRESH=True
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _seeded_after_every_flush():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_seed_again, dispatch_uid="huikuan.tests.seed_again")
    yield
    post_migrate.disconnect(dispatch_uid="huikuan.tests.seed_again")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Chinese): a language activated by an earlier
    test on the same worker does not leak into records this test creates."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()

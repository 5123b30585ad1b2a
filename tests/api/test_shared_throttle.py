"""Password guessing is counted once for the whole server, whatever the worker or the header.

The count lives in a cache every worker process shares (the database cache by default),
and the client address comes from X-Forwarded-For only when a trusted proxy is configured.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from huikuan.accounts import throttle
from huikuan.accounts.throttle import client_address, login_failures, login_throttled

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROCESS_LOCAL = ("LocMemCache", "DummyCache")


@pytest.fixture
def accountant(db):
    return User.objects.create_user("li.kuaiji", password="correct-horse-battery")


def test_the_default_cache_is_one_every_worker_process_shares(db):
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend.rsplit(".", 1)[-1] not in PROCESS_LOCAL
    assert backend in (
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    )


def test_two_cache_clients_see_the_same_failures(accountant, monkeypatch):
    """Another worker's cache client (a connection of its own) reads the failures counted here."""
    for n in range(3):
        assert authenticate(None, username="li.kuaiji", password=f"guess-{n}") is None
    other_worker = caches.create_connection("default")
    assert other_worker is not caches["default"]
    monkeypatch.setattr(throttle, "cache", other_worker)
    assert login_failures("li.kuaiji", None) == 3


def worker_database_url() -> str:
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host, port = database["HOST"] or "localhost", database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


GUESSER = """
import django
django.setup()
from django.contrib.auth import authenticate
for n in range(5):
    authenticate(None, username="li.kuaiji", password=f"guess-{n}")
"""


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two processes share a PostgreSQL test database"
)
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_one_count_of_failed_sign_ins(tmp_path):
    User.objects.create_user("li.kuaiji", password="correct-horse-battery")
    environment = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "DJANGO_SETTINGS_MODULE": "huikuan.config.settings",
        "HUIKUAN_HOME": str(tmp_path),
        "HUIKUAN_LOGIN_FAILURES_ALLOWED": "10",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    workers = [
        subprocess.Popen([sys.executable, "-c", GUESSER], cwd=PROJECT_ROOT, env=environment) for _ in range(2)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]

    # 5 + 5 failures in two processes reach the limit of 10 here, in a third.
    with override_settings(HUIKUAN_LOGIN_FAILURES_ALLOWED=10):
        assert login_throttled("li.kuaiji", None)
        assert authenticate(None, username="li.kuaiji", password="correct-horse-battery") is None


def test_rotating_x_forwarded_for_does_not_escape_the_token_throttle(accountant):
    client = APIClient()
    statuses = [
        client.post(
            "/api/auth/token/",
            {"username": "li.kuaiji", "password": f"guess-{n}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(12)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429


@override_settings(HUIKUAN_LOGIN_FAILURES_ALLOWED=3)
def test_rotating_x_forwarded_for_does_not_escape_the_sign_in_lockout(client, accountant):
    for n in range(3):
        client.post(
            "/login/", {"username": "li.kuaiji", "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
    client.post(
        "/login/",
        {"username": "li.kuaiji", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert "_auth_user_id" not in client.session


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.HUIKUAN_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.1"
    settings.HUIKUAN_TRUSTED_PROXIES = 1  # one proxy appends what connected to it: the last hop
    assert client_address(request) == "198.51.100.7"
    settings.HUIKUAN_TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"

"""A day's delivery on real Celery workers (Redis at 127.0.0.1:6379) to a real SMTP server on
loopback: two workers share it, and a worker killed with kill -9 mid-delivery loses no email:
the rest, and the one it was sending, are delivered with nobody stepping in (beat's sweep)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.collections.test_jobs import _redis_reachable
from tests.collections.test_stuck_jobs import HoldingMailbox
from tests.correspondence.conftest import Mailbox, SmtpServer, free_port

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379 for the Celery broker"),
    pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="its own SQLite"),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RUN_DAY = "2026-03-10"
CUSTOMERS = [f"K{n:02}" for n in range(1, 13)]


class SlowMailbox(Mailbox):
    """Takes a moment per message, as a real server does, so that the work can be shared."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)


def start(mailbox: Mailbox) -> SmtpServer:
    server = SmtpServer(free_port())
    server.mailbox = mailbox
    server.start()
    return server


def ledger(tmp_path: Path, smtp_port: int) -> tuple[dict, Path]:
    """Twelve customers, one email each on the run day, chunks of three: four delivery tasks."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'huikuan.sqlite3'}",
        "HUIKUAN_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "huikuan.config.settings",
        "HUIKUAN_SCHEDULER": "celery",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_TASK_DEFAULT_QUEUE": f"huikuan-test-{uuid.uuid4().hex[:8]}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "120",
        "DEFAULT_FROM_EMAIL": "ar@huikuan.example",
        "HUIKUAN_JOBS_LEASE_SECONDS": "4",
        "HUIKUAN_EMAIL_SENDING_LEASE_SECONDS": "4",
        "HUIKUAN_DELIVERY_CHUNK": "3",
    }
    (tmp_path / "customers.csv").write_text(
        "customer_code,name,credit_class,email\n"
        + "".join(f"{code},客户{code},B,{code.lower()}@example.cn\n" for code in CUSTOMERS),
        encoding="utf-8",
    )
    (tmp_path / "invoices.csv").write_text(
        "invoice_number,customer_code,invoice_date,due_date,amount\n"
        + "".join(f"YS-{code},{code},2026-02-06,2026-03-08,1000.00\n" for code in CUSTOMERS),
        encoding="utf-8",
    )
    for args in (
        ["migrate", "-v0"],
        ["import", "customers", str(tmp_path / "customers.csv")],
        ["import", "invoices", str(tmp_path / "invoices.csv")],
    ):
        done = subprocess.run([str(BIN / "huikuan"), *args], env=env, cwd=tmp_path, capture_output=True)
        assert done.returncode == 0, done.stderr
    return env, tmp_path / "huikuan.sqlite3"


def worker(env: dict, name: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "huikuan.config.celery",
            "worker",
            "--pool=solo",
            "-n",
            f"{name}@%h",
            "-Q",
            env["CELERY_TASK_DEFAULT_QUEUE"],
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            *extra,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill -9 takes all of it
    )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(sql).fetchall()


def run_on_celery(env: dict) -> None:
    """`huikuan jobs run` sends the job to the workers when Celery is the scheduler."""
    sent = subprocess.run(
        [str(BIN / "huikuan"), "jobs", "run", "dunning", "--date", RUN_DAY],
        env=env,
        cwd=env["HUIKUAN_HOME"],
        capture_output=True,
        text=True,
    )
    assert sent.returncode == 0 and "sent to the Celery workers" in sent.stdout, sent.stderr


def wait_until_sent(database: Path, server: SmtpServer, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if query(database, "SELECT COUNT(*) FROM correspondence_outboundemail WHERE status = 'sent'") == [
            (len(CUSTOMERS),)
        ]:
            return
        time.sleep(0.5)
    outbox = query(database, "SELECT status, COUNT(*) FROM correspondence_outboundemail GROUP BY 1")
    pytest.fail(f"not all sent: {outbox}")


def assert_each_email_once(server: SmtpServer) -> None:
    by_id = Counter(message["Message-ID"] for _rcpt, message in server.messages)
    assert len(by_id) == len(CUSTOMERS) and set(by_id.values()) == {1}


def test_two_worker_processes_share_a_days_delivery(tmp_path):
    server = start(SlowMailbox())
    env, database = ledger(tmp_path, server.port)
    workers = [worker(env, "one"), worker(env, "two")]
    try:
        run_on_celery(env)
        wait_until_sent(database, server, 240)
    finally:
        stop(*workers)
        server.stop()
    assert_each_email_once(server)
    senders = query(database, "SELECT DISTINCT owner FROM correspondence_emailattempt WHERE outcome = 'sent'")
    assert len(senders) == 2  # both processes delivered some
    assert query(database, "SELECT status, COUNT(*) FROM core_queuedtask GROUP BY 1") == [("done", 5)]


def test_a_worker_killed_mid_delivery_loses_no_email(tmp_path):
    server = start(HoldingMailbox(hold_at=3))
    env, database = ledger(tmp_path, server.port)
    first = worker(env, "first")
    second = None
    try:
        run_on_celery(env)
        assert server.mailbox.holding.wait(timeout=240), "the third email never reached the server"
        os.killpg(first.pid, signal.SIGKILL)  # kill -9, mid-delivery
        first.wait(timeout=30)
        server.mailbox.release.set()
        assert len(server.messages) == 2
        statuses = Counter(s for (s,) in query(database, "SELECT status FROM correspondence_outboundemail"))
        assert statuses["sent"] == 2 and statuses["sending"] == 1 and sum(statuses.values()) == len(CUSTOMERS)
        # Another worker with beat, as in production: nobody steps in.
        second = worker(env, "second", "-B", "-s", str(tmp_path / "beat-schedule"))
        wait_until_sent(database, server, 240)
    finally:
        stop(*[process for process in (first, second) if process is not None])
        server.stop()
    assert_each_email_once(server)
    assert query(database, "SELECT outcome, COUNT(*) FROM correspondence_emailattempt GROUP BY 1") == [
        ("interrupted", 1),
        ("sent", len(CUSTOMERS)),
    ]
    assert query(
        database, "SELECT DISTINCT status FROM collections_dunningaction WHERE channel = 'email'"
    ) == [("done",)]

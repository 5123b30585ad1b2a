"""A job killed with kill -9 halfway through its deliveries is resumed by the next attempt once
its lease has expired, and every email reaches the mail server exactly once.

The job runs in a real ``huikuan`` process against a SQLite file; the mail server is aiosmtpd on
loopback. The server holds the third message at its RCPT command (before DATA) and the test
kills the process there: a deterministic point in the middle of the day's deliveries.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.correspondence.conftest import Mailbox, SmtpServer, free_port

pytestmark = pytest.mark.smtp

ROOT = Path(__file__).resolve().parents[2]
RUN_DAY = "2026-03-10"
CUSTOMERS = [f"K{n}" for n in range(1, 6)]
LEASE_SECONDS = 4


class HoldingMailbox(Mailbox):
    """Keeps every message; the ``hold_at``-th RCPT command waits until ``release`` is set."""

    def __init__(self, hold_at: int) -> None:
        super().__init__()
        self.hold_at = hold_at
        self.rcpts = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


@pytest.fixture
def mail_server():
    server = SmtpServer(free_port())
    server.mailbox = HoldingMailbox(hold_at=3)
    server.start()
    yield server
    server.mailbox.release.set()
    server.stop()


@pytest.fixture
def ledger(tmp_path, mail_server):
    """Five customers with an email address, each with one invoice two days overdue on the run
    day (the first step of the ladder: one email each); the environment of a huikuan process."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'huikuan.sqlite3'}",
        "HUIKUAN_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "huikuan.config.settings",
        "HUIKUAN_SCHEDULER": "off",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_server.port),
        "EMAIL_TIMEOUT": "120",
        "DEFAULT_FROM_EMAIL": "ar@huikuan.example",
        "HUIKUAN_JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
        "HUIKUAN_EMAIL_SENDING_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "customer_code,name,credit_class,email\n"
        + "".join(f"{code},客户{code},B,{code.lower()}@example.cn\n" for code in CUSTOMERS),
        encoding="utf-8",
    )
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "invoice_number,customer_code,invoice_date,due_date,amount\n"
        + "".join(f"YS-{code},{code},2026-02-06,2026-03-08,1000.00\n" for code in CUSTOMERS),
        encoding="utf-8",
    )
    for args in (
        ["migrate", "-v0"],
        ["import", "customers", str(customers)],
        ["import", "invoices", str(invoices)],
    ):
        done = huikuan(env, *args)
        assert done.returncode == 0, done.stderr
    return env, tmp_path / "huikuan.sqlite3"


def huikuan_command() -> list[str]:
    return [str(Path(sys.executable).parent / "huikuan")]


def huikuan(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        huikuan_command() + list(args), env=env, cwd=env["HUIKUAN_HOME"], capture_output=True, text=True
    )


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def dunning_state(env: dict) -> str:
    listing = json.loads(huikuan(env, "jobs", "list", "--json").stdout)
    return next(row for row in listing if row["job"] == "dunning")["last_status"]


def test_a_job_killed_mid_delivery_is_resumed_after_its_lease_and_sends_each_email_once(ledger, mail_server):
    env, database = ledger
    job = subprocess.Popen(
        [*huikuan_command(), "jobs", "run", "dunning", "--date", RUN_DAY, "--json"],
        env=env,
        cwd=env["HUIKUAN_HOME"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert mail_server.mailbox.holding.wait(timeout=240), "the third email never reached the server"
    finally:
        os.kill(job.pid, signal.SIGKILL)
        job.wait(timeout=30)
    assert job.returncode == -signal.SIGKILL
    assert len(mail_server.messages) == 2

    # What the kill left: the job running (its lease soon stale), two emails sent, the other
    # three claimed by the chunk being sent (their attempts recorded before the first was
    # sent), the third's DATA command never reached and the last two not yet started.
    [(status, attempts)] = query(database, "SELECT status, attempts FROM jobs_jobrun WHERE job = 'dunning'")
    assert (status, attempts) == ("running", 1)
    outbox = query(database, "SELECT status FROM correspondence_outboundemail")
    emails = Counter(status for (status,) in outbox)
    assert emails == {"sent": 2, "sending": 3}  # none unsent is out of sight
    claimed = query(
        database,
        "SELECT a.data_at FROM correspondence_emailattempt a JOIN correspondence_outboundemail e "
        "ON e.id = a.email_id WHERE e.status = 'sending'",
    )
    assert claimed == [(None,)] * 3

    # Nobody renews the lease now: it goes stale, and the next attempt takes the job over.
    deadline = time.monotonic() + 60
    while (state := dunning_state(env)) != "stale":
        assert state == "running" and time.monotonic() < deadline
        time.sleep(0.5)
    resumed = huikuan(env, "jobs", "run", "dunning", "--date", RUN_DAY, "--json")
    assert resumed.returncode == 0, resumed.stderr
    answer = json.loads(resumed.stdout)
    assert answer["ran"] is True
    assert answer["run"]["state"] == "done" and answer["run"]["attempts"] == 2
    assert "resumed" in answer["run"]["note"]
    # The resumed run took no step again.
    assert answer["result"]["invoices_stepped"] == 0 and answer["result"]["actions"] == 0

    # Every customer got its email, each exactly once (by the outbox row's Message-ID).
    by_id = Counter(message["Message-ID"] for _rcpt, message in mail_server.messages)
    assert len(by_id) == len(CUSTOMERS) and set(by_id.values()) == {1}
    assert sorted(rcpt[0] for rcpt, _message in mail_server.messages) == [
        f"{code.lower()}@example.cn" for code in CUSTOMERS
    ]
    assert query(database, "SELECT DISTINCT status FROM correspondence_outboundemail") == [("sent",)]
    assert query(
        database, "SELECT status, COUNT(*) FROM collections_dunningaction WHERE channel = 'email' GROUP BY 1"
    ) == [("done", len(CUSTOMERS))]
    interrupted = query(
        database, "SELECT number, outcome FROM correspondence_emailattempt WHERE outcome != 'sent'"
    )
    assert interrupted == [(1, "interrupted")] * 3  # the three claimed when the kill came
    # Each attempt that sent its email recorded the start of its DATA command first.
    assert query(
        database,
        "SELECT COUNT(*) FROM correspondence_emailattempt WHERE outcome = 'sent' AND data_at IS NULL",
    ) == [(0,)]
    assert query(database, "SELECT COUNT(*) FROM correspondence_emailattempt WHERE outcome = 'sent'") == [
        (len(CUSTOMERS),)
    ]
    assert dunning_state(env) == "done"
    again = json.loads(huikuan(env, "jobs", "run", "dunning", "--date", RUN_DAY, "--json").stdout)
    assert again["ran"] is False and again["run"]["state"] == "done"
    assert len(mail_server.messages) == len(CUSTOMERS)

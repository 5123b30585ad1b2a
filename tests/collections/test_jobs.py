"""The scheduled jobs: once per (job, date), in-process or on a real Celery worker."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import OperationalError

from huikuan.collections.models import DunningRun
from huikuan.jobs.models import JobRun, JobStatus
from huikuan.jobs.registry import JOBS
from huikuan.jobs.scheduler import scheduler_start, scheduler_stop, scheduler_tick
from huikuan.jobs.services import job_run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def test_nothing_runs_before_the_daily_time_then_each_job_once(db, settings):
    settings.HUIKUAN = {**settings.HUIKUAN, "JOBS_DAILY_AT": "06:00"}
    # 21:00 UTC on 1 March is 05:00 on 2 March in Shanghai: too early.
    assert scheduler_tick(now=datetime(2026, 3, 1, 21, 0, tzinfo=UTC)) == []
    ran = scheduler_tick(now=datetime(2026, 3, 1, 22, 30, tzinfo=UTC))
    # Every job once, in the registry's order: promises first, corrections lapsed before the
    # dunning run reads balances, failed emails retried after it.
    assert ran == list(JOBS)
    assert ran[:2] == ["promises", "red_letter_lapse"] and ran.index("email_retry") > ran.index("dunning")
    assert scheduler_tick(now=datetime(2026, 3, 1, 23, 0, tzinfo=UTC)) == []
    assert DunningRun.objects.get().run_date == date(2026, 3, 2)
    assert set(JobRun.objects.values_list("job", "run_date", "status")) == {
        (name, date(2026, 3, 2), JobStatus.DONE) for name in JOBS
    }


def test_credit_scoring_runs_on_the_first_of_the_month_and_the_review_on_the_first_of_the_quarter(db):
    from huikuan.credit.models import CreditEvaluation
    from huikuan.ledger.services import customer_create

    customer_create(code="HZ001", name="杭州湖畔机电有限公司", credit_class="B")
    assert job_run(name="credit_monthly", date=date(2026, 3, 2)).result == {
        "skipped": "runs on the first day of a month"
    }
    assert not CreditEvaluation.objects.exists()
    monthly = job_run(name="credit_monthly", date=date(2026, 3, 1))
    assert monthly.result["period"] == "2026-02" and monthly.result["evaluated"] == 1
    assert job_run(name="credit_quarterly", date=date(2026, 3, 1)).result["skipped"]
    quarterly = job_run(name="credit_quarterly", date=date(2026, 4, 1))
    assert quarterly.result["period"] == "2026-03"
    assert set(CreditEvaluation.objects.values_list("period", flat=True)) == {"2026-02", "2026-03"}


def test_a_claimed_job_does_not_run_again_but_a_failed_one_is_retried(db, monkeypatch):
    assert job_run(name="dunning", date=date(2026, 3, 2)) is not None
    assert job_run(name="dunning", date=date(2026, 3, 2)) is None
    from huikuan.jobs import registry

    def broken(day):
        raise RuntimeError("database went away")

    monkeypatch.setitem(registry.JOBS, "promises", registry.Job("promises", "x", broken))
    with pytest.raises(RuntimeError):
        job_run(name="promises", date=date(2026, 3, 2))
    failed = JobRun.objects.get(job="promises")
    assert failed.status == JobStatus.FAILED and "database went away" in failed.error
    monkeypatch.undo()
    retried = job_run(name="promises", date=date(2026, 3, 2))
    assert (retried.status, retried.attempts) == (JobStatus.DONE, 2)


@pytest.mark.django_db(transaction=True)
def test_the_in_process_scheduler_thread_runs_the_daily_jobs(settings):
    settings.HUIKUAN = {**settings.HUIKUAN, "JOBS_DAILY_AT": "00:00"}
    scheduler_start(interval_seconds=0.2)
    try:
        for _ in range(600):
            try:
                if JobRun.objects.filter(status=JobStatus.DONE).count() == len(JOBS):
                    break
            except OperationalError:
                # The test database is SQLite in memory with a shared cache: while the
                # scheduler's thread writes, a read from here is refused at once ("table is
                # locked") instead of waiting as on a database file. Look again.
                pass
            time.sleep(0.1)
    finally:
        scheduler_stop()
    assert JobRun.objects.filter(status=JobStatus.DONE).count() == len(JOBS)


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379 for the Celery broker")
def test_a_real_celery_worker_runs_the_dunning_job(tmp_path):
    """A worker process against Redis and a file SQLite database both sides can see."""
    database = tmp_path / "celery.sqlite3"
    queue = f"huikuan-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "HUIKUAN_HOME": str(tmp_path),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "huikuan.config.settings",
    }
    bin_dir = Path(sys.executable).parent
    huikuan = [str(bin_dir / "huikuan")]
    for args in (
        ["migrate", "-v0"],
        ["import", "customers", str(FIXTURES / "seed002_customers.csv")],
        ["import", "invoices", str(FIXTURES / "seed002_invoices.csv")],
    ):
        subprocess.run(huikuan + args, env=env, check=True, capture_output=True, cwd=tmp_path)
    worker = subprocess.Popen(
        [
            str(bin_dir / "celery"),
            "-A",
            "huikuan.config.celery",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        client = Celery(broker="redis://127.0.0.1:6379/0")
        client.send_task("huikuan.run_job", args=["dunning", "2024-06-30"], queue=queue)
        runs = []
        for _ in range(300):
            with sqlite3.connect(database) as connection:
                runs = connection.execute("SELECT job, run_date, status, runner FROM jobs_jobrun").fetchall()
            if runs and runs[0][2] != "running":
                break
            time.sleep(0.1)
        assert runs == [("dunning", "2024-06-30", "done", "celery")]
        with sqlite3.connect(database) as connection:
            [(actions,)] = connection.execute("SELECT COUNT(*) FROM collections_dunningaction").fetchall()
            [(run_date,)] = connection.execute("SELECT run_date FROM collections_dunningrun").fetchall()
        assert run_date == "2024-06-30" and actions > 0
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_the_cli_runs_a_job_once_per_date_and_lists_them(db, huikuan):
    first = huikuan("jobs", "run", "dunning", "--date", "2026-03-02", "--json")
    assert first.code == 0, first.stderr
    assert first.json()["ran"] is True and first.json()["result"]["actions"] == 0
    assert huikuan("jobs", "run", "dunning", "--date", "2026-03-02", "--json").json()["ran"] is False
    listing = {row["job"]: row for row in huikuan("jobs", "list", "--json").json()}
    assert listing["dunning"]["last_date"] == "2026-03-02"
    assert listing["promises"]["last_status"] is None

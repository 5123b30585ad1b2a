"""gunicorn hooks for ``huikuan serve``: the in-process scheduler's own worker process.

When the server is ready, unless ``HUIKUAN_SCHEDULER`` is ``celery`` or ``off``, the master
starts ``huikuan jobs worker`` as a child process: it runs the daily jobs and the queued
tasks (a day's delivery). The master only starts it, starts it again if it dies, and stops
it with the server; it never runs a job itself, nor does any web worker. Several servers on
one database run a job once: the (job, date) claims and the task claims decide.

The worker runs at a lower CPU priority (``nice`` 10): on a small machine a day's delivery
(rendering and sending) then takes the cores only when no request needs them, so sign-ins
and pages answer at their usual speed while it runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

_worker: dict = {"process": None, "stopping": False}
WORKER_NICENESS = 10


def worker_command() -> list[str]:
    """``huikuan jobs worker``, under ``nice`` where the system has it."""
    command = [sys.executable, "-m", "huikuan", "jobs", "worker"]
    nice = shutil.which("nice")
    return [nice, "-n", str(WORKER_NICENESS), *command] if nice else command


def _start(server) -> None:
    process = subprocess.Popen(worker_command())  # noqa: S603 - our own command, no user input
    _worker["process"] = process
    server.log.info("Huikuan scheduler started (daily jobs and deliveries, process %s)", process.pid)


def _watch(server) -> None:
    while not _worker["stopping"]:
        if _worker["process"].wait() is not None and not _worker["stopping"]:
            server.log.warning("Huikuan scheduler process ended; starting it again")
            threading.Event().wait(2)
            _start(server)


def when_ready(server) -> None:
    if os.environ.get("HUIKUAN_SCHEDULER", "inprocess") != "inprocess":
        return
    _start(server)
    threading.Thread(target=_watch, args=(server,), name="huikuan-scheduler-watch", daemon=True).start()


def on_exit(server) -> None:
    _worker["stopping"] = True
    process = _worker["process"]
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

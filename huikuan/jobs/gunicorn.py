"""gunicorn hooks for ``huikuan serve``: the in-process scheduler runs in the master process.

Started when the server is ready unless ``HUIKUAN_SCHEDULER`` is ``celery`` or ``off``;
one thread per server, whatever the number of workers (and the (job, date) claims keep
several servers on one database from running a job twice).
"""

from __future__ import annotations

import os


def when_ready(server) -> None:
    if os.environ.get("HUIKUAN_SCHEDULER", "inprocess") != "inprocess":
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from huikuan.jobs.scheduler import scheduler_start

    scheduler_start()
    server.log.info("Huikuan scheduler started (daily jobs in-process)")

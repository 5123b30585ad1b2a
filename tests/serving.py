"""Start ``huikuan serve`` as a user would, on a free port, and wait until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh data folder on SQLite, with no HUIKUAN_DEBUG: serve's defaults."""
    env = {**os.environ, "HUIKUAN_HOME": str(home), "DATABASE_URL": "", "HUIKUAN_SCHEDULER": "off", **extra}
    # This checkout's code, whatever folder a command runs from.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("HUIKUAN_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def huikuan(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "huikuan", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def serving(env: dict[str, str], workers: int = 1) -> Iterator[str]:
    """``huikuan serve`` in ``env``; yields its base URL, stops it after.

    The server's output (its access log) goes to ``serve.log`` in the data folder: a pipe
    nobody reads would fill and stop the server.
    """
    port = free_port()
    log_path = Path(env["HUIKUAN_HOME"]) / "serve.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "huikuan", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Serving starts with migrate and collectstatic: slow on a busy machine, so wait long
        # but stop at once if the server has died.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/schema/", timeout=5):
                    break
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        else:
            server.kill()
            pytest.fail(f"the server did not answer: {log_path.read_text(errors='replace')[-5000:]}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()

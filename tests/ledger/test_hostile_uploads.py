"""The hostile-upload suite (tests/ledger/hostile_uploads.py) under a memory cap.

It runs in a child pytest whose address space is limited to 1 GiB: a reader that
allocates by what a file declares (512 GiB for a 4.7 KB XLSX, 3.2 GB for a 1 MB zip bomb)
fails this test instead of exhausting the machine that runs the suite.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

MEMORY_CAP = 1 << 30
ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).with_name("hostile_uploads.py")


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs RLIMIT_AS (Linux)")
def test_every_hostile_upload_is_refused_within_one_gibibyte_of_memory(tmp_path):
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    if env.get("DATABASE_URL", "").startswith("postgres"):
        # The child creates a test database of its own, beside the one of this run.
        env["HUIKUAN_TEST_DATABASE_NAME"] = f"test_huikuan_hostile_{os.getpid()}"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(SUITE)],
        cwd=ROOT,
        env=env,
        preexec_fn=_capped,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout

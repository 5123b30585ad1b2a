"""A duplicate-code scan over ``huikuan/`` (pylint's similarity checker; migrations left out,
imports, docstrings, comments and signatures ignored): a block of 8 or more lines written
twice is a rule (or a list) in two places. Part of the whole suite, not the fast lane."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIN_SIMILARITY_LINES = 8


@pytest.mark.slow
def test_no_block_of_code_is_written_twice():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--disable=all",
            "--enable=duplicate-code",
            f"--min-similarity-lines={MIN_SIMILARITY_LINES}",
            "--ignore=migrations",
            "--ignore-imports=y",
            "--ignore-docstrings=y",
            "--ignore-comments=y",
            "--ignore-signatures=y",
            "--score=n",
            "huikuan",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    duplicates = result.stdout.count("R0801")
    assert duplicates == 0, result.stdout

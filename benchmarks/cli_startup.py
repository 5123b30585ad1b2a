"""Benchmark: ``huikuan aging --as-of D --json`` on an empty (migrated) database, as a whole
process — what a cron job or a script pays for each call. Target: under 0.35 s.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]

Prints the minimum and the median wall time, the bare interpreter's start-up beside them, and
the load average (on a shared machine the median follows the load; the minimum less so).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--as-of", default="2026-11-25")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="huikuan-startup-"))
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(home),
        "DATABASE_URL": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    script = Path(sys.executable).with_name("huikuan")
    huikuan = [str(script)] if script.exists() else [sys.executable, "-m", "huikuan.cli.main"]
    subprocess.run([*huikuan, "migrate", "-v0"], env=env, check=True)
    # One run to write the bytecode caches, as an installed package has them.
    subprocess.run(
        [*huikuan, "aging", "--as-of", args.as_of, "--json"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    load_before = os.getloadavg()[0]
    bare = timed([sys.executable, "-c", "pass"], env, args.runs)
    aging = timed([*huikuan, "aging", "--as-of", args.as_of, "--json"], env, args.runs)
    load_after = os.getloadavg()[0]
    print(f"huikuan aging --as-of {args.as_of} --json, empty database, {args.runs} runs")
    print(
        f"  whole process: min {min(aging):.3f} s, median {statistics.median(aging):.3f} s (target < 0.35 s)"
    )
    print(f"  bare python -c pass: min {min(bare):.3f} s, median {statistics.median(bare):.3f} s")
    print(
        f"  load average (1 min): {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()

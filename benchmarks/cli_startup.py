"""Benchmark: ``huikuan aging --as-of D --json`` on an empty (migrated) database, as a whole
process — what a cron job or a script pays for each call. Target: under 0.35 s.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]

Prints the minimum and the median wall time and CPU time (user + system of the child process:
steadier than wall time on a busy machine), the same command through Django's management
command (``--verbosity 1`` keeps it off the quick way) and the bare interpreter's start-up
beside them, and the load average (on a shared machine the median follows the load; the
minimum less so).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict, runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of each run of ``command``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def figures(name: str, times: tuple[list[float], list[float]], target: str = "") -> str:
    walls, cpus = times
    return (
        f"  {name}: wall min {min(walls):.3f} s, median {statistics.median(walls):.3f} s{target}; "
        f"CPU min {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--as-of", default="2026-11-25")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="huikuan-startup-"))
    # Bytecode caches are written (PYTHONDONTWRITEBYTECODE dropped): an installed package has them.
    env = {
        **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
        "HUIKUAN_HOME": str(home),
        "DATABASE_URL": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    script = Path(sys.executable).with_name("huikuan")
    huikuan = [str(script)] if script.exists() else [sys.executable, "-m", "huikuan.cli.main"]
    subprocess.run([*huikuan, "migrate", "-v0"], env=env, check=True)
    # One run of each to write the bytecode caches, as an installed package has them.
    for extra in ([], ["--verbosity", "1"]):
        subprocess.run(
            [*huikuan, "aging", "--as-of", args.as_of, "--json", *extra],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    load_before = os.getloadavg()[0]
    bare = timed([sys.executable, "-c", "pass"], env, args.runs)
    aging = timed([*huikuan, "aging", "--as-of", args.as_of, "--json"], env, args.runs)
    django = timed([*huikuan, "aging", "--as-of", args.as_of, "--json", "--verbosity", "1"], env, args.runs)
    load_after = os.getloadavg()[0]
    print(f"huikuan aging --as-of {args.as_of} --json, empty database, {args.runs} runs")
    print(figures("whole process", aging, " (target < 0.35 s)"))
    print(figures("the same through Django's command (--verbosity 1)", django))
    print(figures("bare python -c pass", bare))
    print(
        f"  load average (1 min): {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()

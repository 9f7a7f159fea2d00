"""Start-up cost of the CLI against bare Python (issue 2).

Runs each command several times in fresh processes and prints the median wall time and the
ratio to `python -c pass`. The aim: `golive --version` within 3x of bare Python start-up.
Run: python bench/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    golive = shutil.which("golive") or str(Path(sys.executable).with_name("golive"))
    env = dict(os.environ)
    # Measure what users get: pip writes .pyc files at install time, so bytecode caching is on.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out_dir = tempfile.mkdtemp(prefix="golive-bench-")
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "golive --version": [golive, "--version"],
        "golive checks --json": [golive, "checks", "--json"],
        "golive check examples/golive.yaml (json)": [golive, "check", str(REPO / "examples" / "golive.yaml"),
                                                     "--format", "json", "--output-dir", out_dir, "--quiet"],
    }
    # warm the page cache and .pyc files once
    for command in cases.values():
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    base = None
    print(f"{'command':<45} {'median ms':>10} {'x python':>9}")
    for name, command in cases.items():
        seconds = median_seconds(command, args.runs, env)
        base = base or seconds
        print(f"{name:<45} {seconds * 1000:>10.1f} {seconds / base:>9.2f}")
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

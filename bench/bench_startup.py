"""Start-up cost of the CLI against bare Python (issues 2 and 14).

Runs each command several times in fresh processes, interleaved (so a change in the machine's load
hits every command alike), and prints the median wall time and the ratio to `python -c pass` of the
same interpreter, measured in the same run. The aim (issue 14): `golive --version` within 2x of bare
Python start-up; each command imports only what it uses (`python -X importtime -m golive check
--help` shows it). Runs the `golive` script installed beside this interpreter -- the package as
installed, never the source tree.
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
        "golive check --help": [golive, "check", "--help"],
        "golive checks --json": [golive, "checks", "--json"],
        "golive check examples/golive.yaml (json)": [golive, "check", str(REPO / "examples" / "golive.yaml"),
                                                     "--format", "json", "--output-dir", out_dir, "--quiet"],
    }
    # warm the page cache and .pyc files once
    for command in cases.values():
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):  # interleaved rounds: load that comes and goes touches every command
        for name, command in cases.items():
            samples[name].append(median_seconds(command, 1, env))
    base = statistics.median(samples["python -c pass"])
    print(f"{'command':<45} {'median ms':>10} {'x python':>9}")
    for name in cases:
        seconds = statistics.median(samples[name])
        print(f"{name:<45} {seconds * 1000:>10.1f} {seconds / base:>9.2f}")
    version = statistics.median(samples["golive --version"]) / base
    print(f"\ngolive --version = {version:.2f} x python -c pass (aim <= 2)")
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark of a typical whole run: `golive check` on the examples config with 100,000 captured
pay requests (half MD5-, half RSA-signed) and a 1,000,000-row ledger (issue 14).

    python bench/bench_run.py [--records 100000] [--rows 1000000] [--repeat 3]
                              [--before /path/to/other/venv/bin/python]

Generates the capture (bench_captures.generate) and the ledger (bench_ledger.generate) once in a
temporary directory, then times the real command, each run a fresh process:

* ``after``: ``golive check examples/golive.yaml --captures mixed.jsonl --ledger ledger.csv`` with
  the installed golive (this interpreter's), its independent evidence passes in parallel processes
  where the machine has more than one CPU;
* ``after --jobs 1``: the same, every pass in one process (parallelism turned off);
* ``before``: with ``--before PYTHON``, the same command with the golive installed for that
  interpreter (e.g. a venv holding the previous release) -- so both sides are timed in the same
  run, interleaved, under the same machine load.

Every command runs as ``PYTHON -P -m golive`` in the temporary directory, so it imports the
installed package, never the source tree the bench is started from. Runs are interleaved and
repeated (``--repeat``); the fastest wall time of each is reported (other load only ever slows a
run down) with the median, and the ratios are taken between the fastest runs. The findings of
every run (each check's status and findings) are compared: a speed-up that changed a finding is
reported as such. Figures depend on the machine and its load; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _generate(directory: Path, records: int, rows: int) -> tuple[Path, Path]:
    import bench_captures  # the sibling scripts (this script's directory is on sys.path, the source tree is not)
    import bench_ledger

    started = time.perf_counter()
    files = bench_captures.generate(directory, records, small=2, distinct_rsa=2000)
    ledger = directory / "ledger.csv"
    bench_ledger.generate(ledger, rows, 50_000)
    print(f"generated {records:,} capture records and a {rows:,}-row ledger in {time.perf_counter() - started:.1f} s",
          flush=True)
    return files["mixed"], ledger


def _findings(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What a run found: per check, its status and its findings (messages and locations)."""
    out = []
    for check in result.get("checks", []):
        findings = [json.dumps({k: v for k, v in f.items() if k not in ("duration_ms",)}, sort_keys=True, ensure_ascii=False)
                    for f in check.get("findings", [])]
        out.append((check.get("id"), check.get("status"), tuple(findings)))
    return sorted(out)


def _run(python: str, args: list[str], workdir: Path, out: Path) -> dict[str, Any]:
    command = [python, "-P", "-m", "golive", "check", str(REPO / "examples" / "golive.yaml"), *args,
               "--format", "json", "--output-dir", str(out), "--quiet", "--no-progress"]
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
            "verdict": result.get("verdict"), "findings": _findings(result),
            "timings": result.get("provenance", {}).get("timings_s", {})}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", metavar="PYTHON", help="an interpreter with the golive to compare with installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="golive-bench-run-") as tmp:
        directory = Path(tmp)
        captures, ledger = _generate(directory, args.records, args.rows)
        inputs = ["--captures", str(captures), "--ledger", str(ledger)]
        variants: dict[str, tuple[str, list[str]]] = {}
        if args.before:
            variants["before"] = (args.before, inputs)
        variants["after --jobs 1"] = (sys.executable, [*inputs, "--jobs", "1"])
        variants["after"] = (sys.executable, inputs)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        print(f"{os.cpu_count()} CPU(s); load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        for repeat in range(args.repeat):
            for name, (python, extra) in variants.items():
                figures = _run(python, extra, directory, directory / f"out-{len(runs[name])}-{name.replace(' ', '')}")
                runs[name].append(figures)
                print(f"  run {repeat + 1} {name:16} {figures['wall']:6.2f} s wall, {figures['cpu']:6.2f} s CPU "
                      f"(verdict {figures['verdict']})", flush=True)
        print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        best = {name: min(results, key=lambda r: r["wall"]) for name, results in runs.items()}
        print(f"\n{'':16} {'best s':>7} {'median s':>9} {'CPU s':>7}   the best run's timings (streams, gatherers over 0.1 s)")
        for name, results in runs.items():
            timings = best[name]["timings"]
            streams = ", ".join(f"{k.removesuffix('_s')} {v:.2f}" for k, v in sorted(timings.items())
                                if k.startswith("stream_") or (k.startswith("gather_") and v >= 0.1))
            print(f"{name:16} {best[name]['wall']:7.2f} {statistics.median(r['wall'] for r in results):9.2f} "
                  f"{best[name]['cpu']:7.2f}   {streams}")
        reference = next(iter(best.values()))["findings"]
        same = all(r["findings"] == reference for results in runs.values() for r in results)
        print(f"\nfindings identical across all {sum(map(len, runs.values()))} runs: {'yes' if same else 'NO'}")
        base = best.get("before")
        if base is not None:
            for name in ("after --jobs 1", "after"):
                print(f"{name} / before = {best[name]['wall'] / base['wall']:.3f} (wall), "
                      f"{best[name]['cpu'] / base['cpu']:.3f} (CPU)")
        print(f"after / after --jobs 1 = {best['after']['wall'] / best['after --jobs 1']['wall']:.3f} (wall)")
        if not same:
            for name, results in runs.items():
                for index, result in enumerate(results):
                    if result["findings"] != reference:
                        differing = sorted({f[0] for f in result["findings"]} ^ {f[0] for f in reference}
                                           | {a[0] for a, b in zip(result["findings"], reference) if a != b})
                        print(f"  {name} run {index + 1} differs in: {', '.join(map(str, differing))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the LL-CRD-003 ledger audit: rows per second and peak memory.

Generates a ledger of ROWS rows (default 1,000,000) in a temporary directory -- once in time
order, once shuffled (which sends the reader down the external-sort path) -- and runs the real
engine (`run_check` on the installed package's examples/golive.yaml with that ledger and only
LL-CRD-003 selected), each run in its own subprocess so the peak resident memory (VmHWM) is that
run's alone. "audit" is the ledger gatherer's own timing (the default engine, DuckDB, auditing the
file; bench/bench_books.py compares every engine); the whole run adds config, keys and check
discovery. Each run also times csv.reader alone over the same file, and prints the audit's speed as
a share of it: the machine's load changes from minute to minute, the ratio much less. With
--repeat N each variant runs N times and the ranges are printed. Prints figures; asserts nothing
(house rule: no timed assertions in tests).

The child runs with `python -P` in the temporary directory, so it imports the installed golive
(what `pip install` put in the environment, editable or not), never the source tree it is run from.

    python bench/bench_ledger.py [--rows N] [--users N] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

_CHILD = r"""
import json, sys, time
from importlib.resources import files
from pathlib import Path
import golive
from golive.engine import RunOptions, run_check
def peak_kib():
    # VmHWM is this process's own high-water mark; ru_maxrss would include the parent's from before exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
import csv, golive.evidence.ledger, golive.registry; golive.registry.all_checks()
config = Path(str(files("golive.examples") / "golive.yaml"))
# The floor on this machine right now: the csv module alone over the same file (shared machines vary).
started = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as source:
    floor_rows = sum(1 for _ in csv.reader(source))
floor = floor_rows / (time.perf_counter() - started)
base = peak_kib()
started, cpu = time.perf_counter(), time.process_time()
result = run_check(RunOptions(config_path=config, ledger=sys.argv[1], select={"LL-CRD-003"}))
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
check = next(c for c in result["checks"] if c["id"] == "LL-CRD-003")
stream = result["provenance"]["timings_s"].get("gather_ledger_s", elapsed)  # the ledger gatherer: the audit
print(json.dumps({"elapsed": elapsed, "cpu": cpu, "stream": stream, "csv_floor": floor, "peak_kib": peak_kib(),
                  "base_kib": base, "status": check["status"], "evidence": check["evidence"],
                  "findings": len(check["findings"]), "golive": golive.__file__}))
"""


def generate(path: Path, rows: int, users: int, seed: int = 7) -> None:
    """A realistic clean ledger in time order: each user pays first, then pays, earns and
    withdraws (to the paying card, within the bound) at random; about 3% of rows failed."""
    rng = random.Random(seed)
    balance: dict[int, list[Decimal]] = {}
    card: dict[int, str] = {}
    moment = 1_700_000_000  # seconds; rendered as CST yyyyMMddHHmmss
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["user_id", "kind", "no_order", "amount", "card", "time", "status"])
        for index in range(rows):
            moment += rng.randint(1, 3)  # strictly increasing: equal times keep file order, which a shuffle loses
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(moment + 8 * 3600))
            user = rng.randrange(users)
            status = "failed" if rng.random() < 0.03 else "success"
            if user not in balance:
                balance[user] = [Decimal(0), Decimal(0)]
                card[user] = f"20261125{user:011d}"
            if balance[user][0] == 0:  # nothing paid yet: the user's first movement is a payment
                kind = "payment"
            else:
                kind = rng.choices(("payment", "earning", "withdrawal"), (5, 2, 3))[0]
            paid_plus_earned, withdrawn = balance[user]
            if kind == "withdrawal":
                room = paid_plus_earned - withdrawn
                if room <= 0:
                    kind = "payment"
                else:
                    amount = (room * Decimal(rng.randint(1, 100)) / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            if kind == "payment":
                amount = Decimal(rng.randint(100, 100_000)) / 100
            elif kind == "earning":
                amount = Decimal(rng.randint(1, 500)) / 100
            if status == "success":
                if kind == "withdrawal":
                    balance[user][1] += amount
                else:
                    balance[user][0] += amount
            writer.writerow([f"U{user:07d}", kind, f"N{index:010d}", f"{amount:.2f}",
                             card[user] if kind != "earning" else "", stamp, status])


def shuffled_copy(source: Path, target: Path, seed: int = 11) -> None:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    random.Random(seed).shuffle(body)
    target.write_text(header + "".join(body), encoding="utf-8")


def audit(ledger: Path) -> dict[str, Any]:
    completed = subprocess.run([sys.executable, "-P", "-c", _CHILD, str(ledger)], cwd=ledger.parent,
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"audit failed:\n{completed.stderr}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def _range(values: list[float], form: str) -> str:
    low, high = min(values), max(values)
    return format(low, form) if len(values) == 1 else f"{format(low, form)}-{format(high, form)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each variant (ranges are printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="golive-bench-") as tmp:
        ordered, shuffled = Path(tmp) / "ledger.csv", Path(tmp) / "ledger_shuffled.csv"
        started = time.perf_counter()
        generate(ordered, args.rows, args.users)
        shuffled_copy(ordered, shuffled)
        size_mb = ordered.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows, {args.users:,} users, {size_mb:.1f} MB "
              f"in {time.perf_counter() - started:.1f} s")
        runs: dict[str, list[dict[str, float]]] = {"ordered": [], "shuffled": []}
        for _ in range(args.repeat):
            for label, path in (("ordered", ordered), ("shuffled", shuffled)):  # interleaved: same load for both
                figures = audit(path)
                if not runs["ordered"] and not runs["shuffled"]:
                    print(f"golive imported from {figures['golive']}")
                stream, elapsed = float(figures["stream"]), float(figures["elapsed"])
                floor = float(figures["csv_floor"])
                evidence = figures["evidence"][0]
                rate = args.rows / stream
                runs[label].append({"rate": rate, "ratio": rate / floor, "peak": int(figures["peak_kib"]) / 1024,
                                    "cpu": float(figures["cpu"])})
                print(f"{label:9s} audit {stream:5.2f} s = {rate:9,.0f} rows/s = {rate / floor:.3f} x csv.reader "
                      f"({floor:,.0f} rows/s now); whole run {elapsed:5.2f} s, {float(figures['cpu']):5.2f} s CPU; "
                      f"peak RSS {int(figures['peak_kib']) / 1024:6.1f} MiB "
                      f"(after imports {int(figures['base_kib']) / 1024:.1f} MiB); "
                      f"LL-CRD-003 {figures['status']}, {figures['findings']} findings; {evidence['order']}")
        if args.repeat > 1:
            for label, results in runs.items():
                print(f"{label:9s} over {len(results)} runs: {_range([r['rate'] for r in results], ',.0f')} rows/s, "
                      f"{_range([r['ratio'] for r in results], '.3f')} x csv.reader, "
                      f"{_range([r['cpu'] for r in results], '.2f')} s CPU, "
                      f"peak RSS {_range([r['peak'] for r in results], '.1f')} MiB")


if __name__ == "__main__":
    main()

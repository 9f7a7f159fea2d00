"""Benchmark: the full live-probe suite against the demo merchant on loopback.

    python bench/bench_probes.py [--rounds 3] [--redeliveries 30] [--burst 16] [--concurrency 8] [--settle 1.0]

Starts the demo merchant (correct, no defect) on a free 127.0.0.1 port and runs, per round, every
notification and return probe exactly as ``golive check --probe`` does (golive/probes/runner.py):
30 sequential redeliveries, two bursts of 16 identical notifications (last-byte synced) plus a
late duplicate each, the ack probe, four forged, three tampered, two non-SUCCESS, two sign-method
and two forged-return probes, each on its own fresh order, then the settle wait (``live.settle_s``)
and the final credit count of every order.

Prints per round: wall time, the part spent in the settle wait, the number of HTTP exchanges and
exchanges per second (over the wall time without the settle wait, i.e. the rate while sending).
Figures depend on the machine and its load; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _config(tmp: Path, base_url: str, args: argparse.Namespace) -> Path:
    import yaml

    from golive.commands.demo import demo_config

    data = demo_config(REPO / "examples", base_url, [])
    data.pop("evidence", None)
    data["live"].update({"redeliveries": args.redeliveries, "burst": args.burst, "concurrency": args.concurrency,
                         "settle_s": args.settle})
    data["live"].pop("withdraw", None)  # the same-card probes are benchmarked on their own
    path = tmp / "golive.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def one_round(config_path: Path) -> tuple[float, int, dict[str, str]]:
    from golive import probe_spec
    from golive.config import load_config
    from golive.engine import RunOptions
    from golive.gatherers.config import gather_keys
    from golive.probes.runner import gather_probe_evidence

    config = load_config(config_path)
    signing = gather_keys(config)[2]
    lines: list[str] = []
    kinds = (probe_spec.NOTIFY, probe_spec.RETURN)
    groups = frozenset(g for kind in kinds for g in probe_spec.groups_of(kind))  # every notification and return group
    started = time.perf_counter()
    produced, _targets = gather_probe_evidence(config, signing, RunOptions(config_path=config_path, probe=True),
                                               frozenset(kinds), groups, lines.append)
    wall = time.perf_counter() - started
    exchanges = sum(len(s["exchanges"]) for name in ("probe.notify", "probe.return")
                    for s in produced[name].value["scenarios"].values())
    errors = {name: str(s["error"]["en"]) for ev in ("probe.notify", "probe.return")
              for name, s in produced[ev].value["scenarios"].items() if s.get("error")}
    return wall, exchanges, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redeliveries", type=int, default=30)
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--settle", type=float, default=1.0)
    args = parser.parse_args()

    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant

    with tempfile.TemporaryDirectory(prefix="golive-bench-probes-") as tmp_name:
        tmp = Path(tmp_name)
        settings = DemoSettings.from_example_keys(REPO / "examples" / "keys", db_path=tmp / "merchant.sqlite3")
        with start_demo_merchant(settings) as running:
            config_path = _config(tmp, running.base_url, args)
            print(f"demo merchant at {running.base_url}; redeliveries={args.redeliveries} burst={args.burst} "
                  f"concurrency={args.concurrency} settle_s={args.settle}")
            walls, rates = [], []
            for n in range(1, args.rounds + 1):
                wall, exchanges, errors = one_round(config_path)
                sending = max(wall - args.settle, 1e-9)
                walls.append(wall)
                rates.append(exchanges / sending)
                print(f"round {n}: wall {wall:.2f} s (settle wait {args.settle:.2f} s), {exchanges} HTTP exchanges, "
                      f"{exchanges / sending:.0f} exchanges/s while sending, {exchanges / wall:.0f}/s overall"
                      + (f"; ERRORS {errors}" if errors else ""))
            print(f"median: wall {statistics.median(walls):.2f} s, {statistics.median(rates):.0f} exchanges/s while sending")
    return 0


if __name__ == "__main__":
    sys.exit(main())

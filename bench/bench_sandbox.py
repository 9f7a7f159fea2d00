"""Benchmark: 200 concurrent pay flows through `golive sandbox` to the demo merchant, and a crash.

    python bench/bench_sandbox.py [--flows 200] [--time-scale 300]

The sandbox runs as its own process (``python -m golive sandbox``), the demo merchant in this one,
configured against the sandbox; each flow is what a payer's browser does: the merchant's checkout
page, the POST to the sandbox cashier (auto-pay), the return form back to the merchant. Then the
sandbox delivers the notifications.

1. Throughput: `--flows` concurrent flows (scenario success). Prints the sandbox's answer time to the
   cashier POST (p50/p99, as the browser saw it and as the sandbox journaled it), flows per second,
   and -- once delivery is done -- notifications lost (a flow whose order was not credited exactly
   once, or whose notification was never acknowledged: must be 0).
2. Restart mid-schedule: `--flows` more flows whose notifications are due 10 LianLian minutes later
   (scenario late), then ``kill -9`` of the sandbox before they are due, a restart on the same state
   directory, and the same count: every notification delivered after the restart, none lost, none
   credited twice.

Figures depend on the machine and its load; nothing is asserted. Exit 1 if anything was lost.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _config(tmp: Path) -> Path:
    import yaml

    from golive.commands.demo import demo_config

    data = demo_config(REPO / "examples", "http://127.0.0.1:9", [])
    data.pop("evidence", None)
    data.pop("live", None)
    path = tmp / "golive.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sandbox(config: Path, state: Path, port: int, time_scale: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "golive", "sandbox", str(config), "--port", str(port), "--state-dir", str(state),
         "--time-scale", str(time_scale)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    assert process.stdout is not None
    line = process.stdout.readline()
    if not re.search(r"on http://127\.0\.0\.1:\d+", line):
        raise SystemExit(f"the sandbox did not start: {line}{process.stderr.read() if process.stderr else ''}")
    return process


def pending(base: str) -> int:
    with urllib.request.urlopen(base + "/_sandbox/health", timeout=10) as response:  # noqa: S310 - loopback
        return int(json.loads(response.read())["pending_deliveries"])


def one_flow(merchant_base: str, user: str, amount: str) -> tuple[str, float]:
    """Checkout page -> cashier POST (timed) -> return form to the merchant."""
    from golive.sandbox import browser

    checkout = browser.get(f"{merchant_base}/checkout?user={user}&amount={amount}&channel=web")
    form = checkout.forms[0]
    began = time.perf_counter()
    page = browser.submit(form, referer=checkout.url)
    answered = (time.perf_counter() - began) * 1000
    if page.data.get("state") != "return":
        raise RuntimeError(f"{user}: the sandbox answered {page.data}")
    browser.submit(page.forms[0], referer=page.url)
    return form.values()["no_order"], answered


def run_flows(merchant_base: str, prefix: str, count: int, amount: str) -> tuple[list[str], list[float], float]:
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(lambda i: one_flow(merchant_base, f"{prefix}{i}", amount), range(count)))
    wall = time.perf_counter() - began
    return [r[0] for r in results], [r[1] for r in results], wall


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def lost(merchant: Any, state: Path, orders: list[str]) -> tuple[int, int]:
    """(orders not credited exactly once or never acknowledged, orders credited more than once)."""
    from golive.sandbox.journal import EventKind, read_events

    acked = {e.no_order for e in read_events(state, kinds=[EventKind.NOTIFY_DELIVERY]) if e.ack_ok}
    credits = {o: merchant.merchant.store.credit_count(o) for o in orders}
    missing = sum(1 for o in orders if credits[o] != 1 or o not in acked)
    return missing, sum(1 for o in orders if credits[o] > 1)


def wait_drained(base: str, timeout: float) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if pending(base) == 0:
            break
        time.sleep(0.05)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=200)
    parser.add_argument("--time-scale", type=float, default=60.0,
                        help="LianLian time factor (60, the default: the late scenario's 10 minutes take 10 s, "
                             "so the kill comes before they are due)")
    args = parser.parse_args()
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant
    from golive.sandbox.journal import EventKind, read_events, read_runs

    tmp = Path(tempfile.mkdtemp(prefix="golive-bench-sandbox-"))
    config, state, port = _config(tmp), tmp / "state", _free_port()
    base = f"http://127.0.0.1:{port}"
    sandbox = start_sandbox(config, state, port, args.time_scale)
    public_pem = (state / "lianlian_public.pem").read_text(encoding="ascii")
    # Credits come from notifications only (no order query on the return page), so "credited exactly
    # once" proves the notification arrived.
    settings = replace(DemoSettings.from_example_keys(db_path=tmp / "merchant.sqlite3").against(base, public_pem),
                       query_on_return=False)
    failures = 0
    try:
        with start_demo_merchant(settings) as merchant:
            # 1. throughput
            orders, answered, wall = run_flows(merchant.base_url, "bench-a-", args.flows, "0.01")
            drained = wait_drained(base, 120)
            journaled = [e.elapsed_ms or 0.0 for e in read_events(state, kinds=[EventKind.PAY_REQUEST])]
            missing, doubled = lost(merchant, state, orders)
            failures += missing
            print(f"{args.flows} concurrent pay flows: {wall:.2f} s, {args.flows / wall:.0f} flows/s; "
                  f"notifications delivered {drained:.2f} s later")
            print(f"  sandbox answer to the cashier POST, as the browser saw it: p50 {statistics.median(answered):.1f} ms, "
                  f"p99 {percentile(answered, 0.99):.1f} ms")
            print(f"  as the sandbox journaled it: p50 {statistics.median(journaled):.1f} ms, "
                  f"p99 {percentile(journaled, 0.99):.1f} ms")
            print(f"  notifications lost: {missing}, orders credited twice: {doubled}")

            # 2. restart mid-schedule
            late, _, wall = run_flows(merchant.base_url, "bench-b-", args.flows, "0.05")
            before = pending(base)
            sandbox.send_signal(signal.SIGKILL)
            sandbox.wait(10)
            credited_while_down = sum(merchant.merchant.store.credit_count(o) for o in late)
            time.sleep(0.5)
            sandbox = start_sandbox(config, state, port, args.time_scale)
            resumed_at = time.perf_counter()
            drained = wait_drained(base, 120)
            missing, doubled = lost(merchant, state, late)
            failures += missing + doubled
            runs = read_runs(state)
            after_restart = sum(1 for e in read_events(state, kinds=[EventKind.NOTIFY_DELIVERY])
                                if e.run_id == runs[-1].run_id and e.ack_ok and e.no_order in set(late))
            print(f"restart mid-schedule: {args.flows} late flows ({wall:.2f} s), kill -9 with {before} notifications "
                  f"pending ({credited_while_down} credited before the kill), restarted; all delivered "
                  f"{time.perf_counter() - resumed_at:.2f} s after the restart ({after_restart} by the new run)")
            print(f"  notifications lost: {missing}, orders credited twice: {doubled}, runs in the journal: {len(runs)}"
                  f" (the killed one without a stop time: {runs[0].stopped_at is None})")
    finally:
        if sandbox.poll() is None:
            sandbox.send_signal(signal.SIGINT)
            sandbox.wait(10)
    print(f"state kept in {tmp}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

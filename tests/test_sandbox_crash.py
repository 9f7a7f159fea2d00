"""Crash and resume: kill -9 the sandbox in the middle of LianLian's redelivery schedule, start it again
on the same state directory: every unfinished notification resumes, none is lost, and nothing is sent
again once the merchant answered 0000."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import requests
from sandbox_support import OK_ACK, Receiver, pay_params, post_web, receiver_running, sign, wait_for, write_config

from golive.sandbox.journal import EventKind, Outcome, read_events, read_runs

REFUSE_UNTIL = 4  # the merchant answers 9999 to the first three deliveries of an order, then 0000


def start(config: Path, state: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "golive", "sandbox", str(config), "--port", "0", "--state-dir", str(state),
         "--time-scale", "200"],  # 2 min -> 0.6 s between deliveries
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    return process, match.group(1)


def test_kill_9_mid_schedule_then_resume(tmp_path: Path) -> None:
    per_order: Counter[str] = Counter()

    def answer(n: int, params: dict[str, str]) -> tuple[int, str]:
        order = params.get("no_order", "")
        per_order[order] += 1
        if order == "C-acked" or per_order[order] >= REFUSE_UNTIL:
            return 200, OK_ACK
        return 200, '{"ret_code":"9999","ret_msg":"交易失败"}'

    receiver = Receiver(answer=answer)
    config = write_config(tmp_path)
    state = tmp_path / "state"
    orders = ["C-acked"] + [f"C-{i}" for i in range(5)]
    with receiver_running(receiver) as url:
        first, base = start(config, state)
        try:
            for order in orders:
                response = post_web(base, sign(pay_params(order, user_id=order, notify_url=url)))
                assert 'data-state="return"' in response.text
            # Mid-schedule: the first order is acknowledged, the others have been refused at least once.
            assert wait_for(lambda: receiver.count(lambda p: p.get("no_order") == "C-acked") == 1
                            and all(per_order[o] >= 2 for o in orders[1:]), 20)
            first.send_signal(signal.SIGKILL)
            first.wait(5)
        finally:
            if first.poll() is None:
                first.kill()
        assert any(per_order[o] < REFUSE_UNTIL for o in orders[1:]), per_order  # really mid-schedule
        before = receiver.count()
        time.sleep(1.5)  # two intervals: a dead sandbox sends nothing
        assert receiver.count() == before

        second, base = start(config, state)
        try:
            assert wait_for(lambda: all(per_order[o] >= REFUSE_UNTIL for o in orders[1:]), 30)
            assert wait_for(lambda: requests.get(base + "/_sandbox/health", timeout=5).json()["pending_deliveries"] == 0, 10)
            time.sleep(1.5)  # more intervals: nothing after the 0000s
        finally:
            second.send_signal(signal.SIGINT)
            assert second.wait(5) == 130

    # Nothing lost, nothing sent again after a 0000.
    assert per_order["C-acked"] == 1
    for order in orders[1:]:
        assert per_order[order] == REFUSE_UNTIL, (order, per_order[order])
    runs = read_runs(state)
    assert len(runs) == 2 and runs[0].stopped_at is None and runs[1].stopped_at is not None
    deliveries = [e for e in read_events(state, kinds=[EventKind.NOTIFY_DELIVERY])]
    for order in orders[1:]:
        mine = [e for e in deliveries if e.no_order == order]
        # An attempt on the wire at the kill was answered but never recorded; it is sent again with
        # the same number, so the journal may hold one attempt fewer than the merchant saw.
        assert len(mine) in (REFUSE_UNTIL, REFUSE_UNTIL - 1)
        assert [e.attempt for e in mine] == list(range(1, len(mine) + 1))
        assert [e.outcome for e in mine] == [Outcome.RETRY] * (len(mine) - 1) + [Outcome.ACKED]
        assert {e.run_id for e in mine} == {runs[0].run_id, runs[1].run_id}  # the schedule spans the crash
    restart = next(e for e in read_events(state, kinds=[EventKind.RUN_START]) if e.run_id == runs[1].run_id)
    assert restart.detail["pending_deliveries"] == 5


def test_a_second_sandbox_on_the_same_state_dir_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    state = tmp_path / "state"
    first, _ = start(config, state)
    try:
        result = subprocess.run([sys.executable, "-m", "golive", "sandbox", str(config), "--port", "0",
                                 "--state-dir", str(state)], capture_output=True, text=True, timeout=30)
        assert result.returncode == 2
        assert "another sandbox" in result.stderr and "Traceback" not in result.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(5) == 0

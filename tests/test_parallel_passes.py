"""Independent evidence passes in parallel processes (golive.passes, issue 14): the same result as one
process, a failed child read again here, and Ctrl-C still stops everything within a second."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from golive.passes import ForkedPass, jobs_for

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
forking = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform: passes run serially")


def _golive(tmp_path: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "golive", *args], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, GOLIVE_JOBS=""), check=False, **kw)


def _judged(out: Path) -> dict[str, Any]:
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    checks = {c["id"]: {k: v for k, v in c.items() if k != "duration_ms"} for c in result["checks"]}
    return {"verdict": result["verdict"], "checks": checks, "inputs": result["provenance"].get("inputs"),
            "timings": sorted(result["provenance"].get("timings_s", {}))}


@forking
@pytest.mark.parametrize("ledger", ["over_withdrawal.csv", "other_card.csv"])
def test_parallel_run_equals_the_serial_one(tmp_path: Path, ledger: str) -> None:
    captures = tmp_path / "many.jsonl"
    lines = (EXAMPLES / "captures" / "integration.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    defects = (EXAMPLES / "captures" / "defect_unsorted_sign.jsonl").read_text(encoding="utf-8")
    captures.write_text("".join(lines * 20) + defects + "{broken\n", encoding="utf-8")
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        done = _golive(tmp_path, "check", str(EXAMPLES / "golive.yaml"), "--captures", str(captures),
                       "--ledger", str(EXAMPLES / "ledgers" / ledger), "--format", "json", "--output-dir", str(out),
                       "--quiet", "--no-progress", "--jobs", jobs)
        assert done.returncode in (0, 1, 3), done.stderr
        results[jobs] = _judged(out)
    assert results["1"] == results["2"]
    statuses = {cid: c["status"] for cid, c in results["2"]["checks"].items()}
    assert statuses["LL-CRD-003"] == "fail" and statuses["LL-SIG-006"] == "fail"  # both streams found something


def test_jobs_flag_is_checked(tmp_path: Path) -> None:
    done = _golive(tmp_path, "check", str(EXAMPLES / "golive.yaml"), "--jobs", "0")
    assert done.returncode == 2 and "--jobs" in done.stderr and "Traceback" not in done.stderr


def test_serial_when_asked_or_when_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    assert jobs_for(1) == 1
    monkeypatch.setenv("GOLIVE_JOBS", "1")
    assert jobs_for(None) == 1
    monkeypatch.delenv("GOLIVE_JOBS")
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert jobs_for(4) == 1  # a fork would copy the other thread's locks
    finally:
        stop.set()
        worker.join()


@forking
def test_a_child_pass_answers_or_fails_cleanly() -> None:
    if threading.active_count() > 1:
        pytest.skip("other threads run in this test process: forking here would not be safe")
    assert ForkedPass(lambda: {"n": 42, "text": "接受" * 100_000}).collect() == (True, {"n": 42, "text": "接受" * 100_000})
    ok, why = ForkedPass(lambda: threading.Lock()).collect()  # cannot be pickled: the parent reads it itself
    assert not ok and "pickle" in why
    ok, why = ForkedPass(lambda: os._exit(3)).collect()  # a dead child
    assert not ok and "status" in why
    stopped = ForkedPass(lambda: time.sleep(30))
    pid = stopped.pid
    started = time.monotonic()
    stopped.stop()
    assert time.monotonic() - started < 1 and stopped.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@forking
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the child processes")
def test_ctrl_c_stops_the_parallel_passes_within_a_second(tmp_path: Path) -> None:
    captures = tmp_path / "big.jsonl"
    line = (EXAMPLES / "captures" / "integration.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[0]
    captures.write_text(line * 100_000, encoding="utf-8")  # seconds of reading, even on a fast machine
    process = subprocess.Popen([sys.executable, "-m", "golive", "check", str(EXAMPLES / "golive.yaml"), "--captures",
                                str(captures), "--format", "json", "--output-dir", str(tmp_path / "out"),
                                "--no-progress", "--jobs", "2"], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=dict(os.environ, PYTHONFAULTHANDLER="1"))
    try:
        deadline = time.monotonic() + 30
        children: list[int] = []
        while time.monotonic() < deadline and not children and process.poll() is None:
            time.sleep(0.05)
            children = _children(process.pid)
        assert children, "no pass was handed to a child process"
        time.sleep(0.5)  # well into reading
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)  # to golive only, not to its process group
        try:
            _, stderr = process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            _, stderr = process.communicate(timeout=5)
            raise AssertionError("golive did not stop within 5 s of Ctrl-C:\n" + stderr.decode()[-4000:]) from None
        ended = time.monotonic()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr.decode()
    assert ended - interrupted < 1.0
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "a child pass outlived golive"
    assert not (tmp_path / "out" / "result.json").exists()

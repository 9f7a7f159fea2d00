"""Ctrl-C during probes: everything stops within a second, nothing is sent after "interrupted",
exit code 130, and no report that could pass for a complete one is written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from probe_support import probe_config, serving


class _SlowMerchant:
    """Answers every notification after 0.2 s and records when each request arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        self.orders = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        merchant = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                with merchant.lock:
                    merchant.arrivals.append(time.monotonic())
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/test/orders"):
                    with merchant.lock:
                        merchant.orders += 1
                        number = merchant.orders
                    self._answer({"data": {"no": f"S{number:05d}", "amount": "0.01", "created": "20261125100000", "user": "u"}})
                    return
                time.sleep(0.2)
                self._answer({"ret_code": "0000", "ret_msg": "交易成功"})

            def do_GET(self) -> None:
                with merchant.lock:
                    merchant.arrivals.append(time.monotonic())
                self._answer({"credits": 0})

        return Handler


def test_ctrl_c_stops_probes_within_a_second(tmp_path: Path):
    merchant = _SlowMerchant()
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), merchant.handler())) as url:
        config = probe_config(tmp_path, url, {"redeliveries": 30, "redelivery_interval_s": 0.2, "settle_s": 2})
        out = tmp_path / "out"
        env = dict(os.environ, GOLIVE_PROBE_LOOPBACK_ONLY="1", PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
        process = subprocess.Popen([sys.executable, "-m", "golive", "check", str(config), "--probe", "--no-progress",
                                    "--format", "text,json,html", "--output-dir", str(out)],
                                   cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # wait until the probes are well under way
                with merchant.lock:
                    if len(merchant.arrivals) >= 25:
                        break
                time.sleep(0.05)
            assert process.poll() is None, process.communicate()
            interrupted_at = time.monotonic()
            process.send_signal(signal.SIGINT)
            try:
                stdout, stderr = process.communicate(timeout=5)
            except subprocess.TimeoutExpired:  # show where it hangs (PYTHONFAULTHANDLER dumps every thread)
                process.send_signal(signal.SIGABRT)
                stdout, stderr = process.communicate(timeout=5)
                raise AssertionError("golive did not stop within 5 s of Ctrl-C:\n" + stderr.decode()[-8000:]) from None
            ended_at = time.monotonic()
        finally:
            if process.poll() is None:
                process.kill()
        time.sleep(0.5)  # anything still coming would arrive now
        with merchant.lock:
            late = [t - interrupted_at for t in merchant.arrivals if t > interrupted_at + 0.05]
    assert process.returncode == 130, stderr.decode()
    assert ended_at - interrupted_at < 1.0
    assert b"interrupted" in stderr
    assert b"Traceback" not in stderr
    assert late == [], f"{len(late)} requests reached the merchant after Ctrl-C"
    assert not (out / "result.json").exists() and not (out / "report.html").exists()

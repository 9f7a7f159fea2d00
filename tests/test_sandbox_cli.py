"""`golive sandbox` on the command line: what it prints (URLs, the key to trust, never a secret), how it
stops (Ctrl-C within a second, exit 130; SIGTERM, exit 0) and bad input (one line, exit 2)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sandbox_support import KEYS, Receiver, md5_key, pay_params, post_web, receiver_running, sign, write_config
from test_sandbox_crash import start

from golive.cli import main
from golive.sandbox.journal import read_runs


def test_banner_names_urls_and_key_and_no_secret(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    process, base = start(config, tmp_path / "state")
    try:
        time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(5)
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    assert process.returncode == 0 and "stopped (SIGTERM)" in err
    for path in ("/payment/authpay.htm", "/authpay.htm", "/orderquery.htm", "/bankcardbindlist.htm",
                 "/bankcardbin.htm", "/paymentapi/payment.htm", "/paymentapi/confirmPayment.htm",
                 "/paymentapi/queryPayment.htm"):
        assert f"{base}{path}" in out
    assert "https://cashier.lianlianpay.com/payment/authpay.htm" in out
    public = (tmp_path / "state" / "lianlian_public.pem").read_text()
    assert public.strip().splitlines()[1] in out and "SHA-256 fingerprint:" in out
    private = (tmp_path / "state" / "lianlian_private.pem")
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "state" / "sandbox.sqlite3").stat().st_mode & 0o777) == "0o600"
    secret_lines = [line for line in private.read_text().splitlines() if "-----" not in line]
    everything = out + err
    assert "PRIVATE KEY" not in everything and md5_key() not in everything
    assert not any(line in everything for line in secret_lines)
    assert (KEYS / "merchant_private.pem").read_text().splitlines()[1] not in everything


def test_ctrl_c_stops_within_a_second_even_mid_delivery(tmp_path: Path) -> None:
    receiver = Receiver(delay_s=4.0)  # the merchant takes 4 s: a delivery is on the wire at Ctrl-C
    config = write_config(tmp_path)
    with receiver_running(receiver) as url:
        process, base = start(config, tmp_path / "state")
        post_web(base, sign(pay_params("CTRL-C", notify_url=url)))
        deadline = time.monotonic() + 10
        while receiver.count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert receiver.count() == 1
        began = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(5)
        took = time.monotonic() - began
    assert code == 130 and took < 1.0, took
    assert "resume on the next start" in (process.stderr.read() if process.stderr else "")
    (run,) = read_runs(tmp_path / "state")
    assert run.stopped_at is not None


@pytest.mark.parametrize("argv, message", [
    (["--host", "0.0.0.0"], "is not a loopback address"),
    (["--host", "example.com"], "is not an IP address"),
    (["--scenario", "nope"], "unknown scenario 'nope'"),
    (["--time-scale", "0"], "--time-scale: must be > 0"),
    (["--max-deliveries", "0"], "--max-deliveries"),
    (["--lianlian-key", "/no/such/key.pem"], "cannot read the key"),
])
def test_bad_options_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                         message: str) -> None:
    config = write_config(tmp_path)
    code = main(["sandbox", str(config), "--port", "0", "--state-dir", str(tmp_path / "s"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1, err


def test_bad_config_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", str(tmp_path / "missing.yaml"), "--port", "0"]) == 2
    assert "missing.yaml: config file not found" in capsys.readouterr().err
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace(f"file: {KEYS / 'md5.key'}", "env: GOLIVE_NO_SUCH_VAR"))
    assert main(["sandbox", str(config), "--port", "0", "--state-dir", str(tmp_path / "s")]) == 2
    assert "signing.md5_key: environment variable GOLIVE_NO_SUCH_VAR is not set" in capsys.readouterr().err


def test_port_in_use_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["sandbox", str(write_config(tmp_path)), "--port", str(port), "--state-dir", str(tmp_path / "s")])
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_list_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--list-scenarios"]) == 0
    out = capsys.readouterr().out
    for name in ("success", "failure", "processing", "duplicates", "late", "notify_first", "out_of_order", "forged",
                 "payout_failure", "payout_cancel", "payout_confirm_duplicate"):
        assert name in out


def test_cli_start_up_stays_light() -> None:
    """Registering the command imports nothing heavy: `golive --help` must not load the sandbox."""
    code = ("import sys, golive.cli as c; c.build_parser(None); "
            "print(any(m.startswith('golive.sandbox') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                         timeout=30).stdout.strip()
    assert out == "False"

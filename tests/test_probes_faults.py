"""A merchant endpoint that is down, silent, resetting, or answering HTML or garbage makes the probe
checks `error` with the reason -- never pass -- and the run stays within its own time bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probe_support import (
    NTF_IDS,
    check,
    closed_port,
    elapsed,
    messages,
    probe_config,
    run_probed,
    statuses,
    tiny_server,
)

from golive.probes.runner import run_bound_s

# 1.5 s, not less: on a loaded 2-core CI machine a sub-second timeout can fire before a healthy
# loopback server even accepts, and the circuit breaker then reports that timeout everywhere.
LIVE = {"timeout_s": 1.5, "redeliveries": 30, "burst": 16}


def _run(tmp_path: Path, base_url: str) -> tuple[dict, float]:
    return elapsed(lambda: run_probed(probe_config(tmp_path, base_url, LIVE), *NTF_IDS))


def _assert_all_error(result: dict, words: str) -> None:
    got = statuses(result)
    for check_id in NTF_IDS:
        assert got[check_id] == "error", (check_id, got[check_id], messages(result, check_id))
        assert words in messages(result, check_id), (check_id, messages(result, check_id))


def test_closed_port(tmp_path: Path):
    result, wall = _run(tmp_path, f"http://127.0.0.1:{closed_port()}")
    _assert_all_error(result, "connection refused")
    assert wall < run_bound_s(LIVE)


@pytest.mark.parametrize("behaviour, words", [
    ("sleep", "no complete answer within 1.5 s"),
    ("reset", "connection reset"),
    ("html", "not JSON (HTML"),
    ("garbage", "not a valid HTTP answer"),
])
def test_misbehaving_server(tmp_path: Path, behaviour: str, words: str):
    with tiny_server(behaviour) as url:
        result, wall = _run(tmp_path, url)
    _assert_all_error(result, words)
    assert wall < run_bound_s(LIVE)


def test_slow_acknowledgement_fails_the_ack_contract_and_errors_the_rest(tmp_path: Path):
    from probe_support import demo_merchant

    with demo_merchant("slow_ack") as running:
        result, wall = elapsed(lambda: run_probed(probe_config(tmp_path, running.base_url), *NTF_IDS))
    got = statuses(result)
    assert got["LL-NTF-002"] == "fail" and "no answer within 5 s" in messages(result, "LL-NTF-002")
    assert {got[i] for i in NTF_IDS if i not in ("LL-NTF-002", "LL-RET-001")} == {"error"}
    assert wall < run_bound_s({"timeout_s": 5})


# -- where probes may go -------------------------------------------------------------------------

def _remote_config(tmp_path: Path, name: str = "a", **live: object) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return probe_config(folder, "http://203.0.113.5:8000", dict(live))


def test_probing_an_undeclared_remote_host_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from golive.cli import main

    code = main(["check", str(_remote_config(tmp_path)), "--probe", "--format", "json", "--output-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "203.0.113.5" in err and "live.staging_hosts" in err and "--allow-probe-host" in err
    assert "live.notify_url" in err and "golive.yaml:" in err
    assert not (tmp_path / "o").exists()


def test_a_declared_or_confirmed_remote_host_is_probed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # Tests never leave loopback (GOLIVE_PROBE_LOOPBACK_ONLY=1): the run proceeds, and the
    # connection itself is then blocked, which the probe checks report as an error.
    from golive.cli import main

    for config, extra in ((_remote_config(tmp_path, "declared", staging_hosts=["203.0.113.5"]), []),
                          (_remote_config(tmp_path, "confirmed"), ["--allow-probe-host", "203.0.113.5"])):
        code = main(["check", str(config), "--probe", "--select", "LL-NTF-002", "--format", "json",
                     "--output-dir", str(tmp_path / "o"), *extra])
        assert code == 3, capsys.readouterr().err
        result = json.loads((tmp_path / "o" / "result.json").read_text(encoding="utf-8"))
        assert check(result, "LL-NTF-002")["status"] == "error"
        assert "loopback" in check(result, "LL-NTF-002")["reason"]["en"]

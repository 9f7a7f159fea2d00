"""A merchant endpoint that is down, silent, resetting, or answering HTML or garbage makes the probe
checks `error` with the reason -- never pass -- and the run stays within its own time bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from golive.probes.runner import run_bound_s
from probe_support import NTF_IDS, closed_port, elapsed, messages, probe_config, run_probed, statuses, tiny_server

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

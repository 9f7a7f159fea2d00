"""The example captures: up to date with their generator, clean where clean, failing the right check."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from golive.examples.captures import make_captures as mc

CAPTURES = REPO / "examples" / "captures"
CAPTURE_CHECKS = ("LL-RSK-001", "LL-RSK-002", "LL-RSK-003", "LL-RSK-004", "LL-RSK-005", "LL-RSK-006",
                  "LL-SIG-006", "LL-SIG-008")


def _run(*captures: Path) -> dict:
    from golive.engine import RunOptions, run_check

    return run_check(RunOptions(config_path=REPO / "examples" / "golive.yaml", captures=[str(p) for p in captures],
                                select=set(CAPTURE_CHECKS)))


def _statuses(result: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in result["checks"] if c["id"] in CAPTURE_CHECKS}


def test_committed_examples_match_the_generator(tmp_path):
    written = mc.write_all(tmp_path)
    for path in written:
        assert path.read_bytes() == (CAPTURES / path.name).read_bytes(), f"{path.name}: run make_captures.py"


def test_the_clean_captures_pass_every_capture_check():
    result = _run(CAPTURES / "integration.jsonl", CAPTURES / "browser.har")
    assert set(_statuses(result).values()) == {"pass"}, _statuses(result)
    sig = next(c for c in result["checks"] if c["id"] == "LL-SIG-006")
    assert sig["evidence"][0]["verified"] == {"RSA": 5}  # 3 JSON Lines + 2 HAR pay requests


@pytest.mark.parametrize("name", [n for n, (check, _, _) in mc.DEFECTS.items() if check])
def test_each_defect_fails_its_check(name):
    check_id, why, _ = mc.DEFECTS[name]
    result = _run(CAPTURES / f"defect_{name}.jsonl")
    statuses = _statuses(result)
    assert statuses[check_id] == "fail", f"{name} ({why}): {statuses}"
    failing = next(c for c in result["checks"] if c["id"] == check_id)
    assert all(f"defect_{name}.jsonl:" in f["location"]["text"] for f in failing["findings"] if f["location"]
               and f["location"]["file"] and "captures" in f["location"]["file"])


def test_broken_lines_are_named_by_file_and_line_and_do_not_fail():
    result = _run(CAPTURES / "defect_broken_lines.jsonl")
    assert set(_statuses(result).values()) == {"pass"}
    rsk = next(c for c in result["checks"] if c["id"] == "LL-RSK-001")
    skipped = rsk["evidence"][0]["skipped"]
    assert [s["location"] for s in skipped] == [f"{CAPTURES / 'defect_broken_lines.jsonl'}:{n}" for n in (2, 3, 4)]
    assert "not UTF-8" in skipped[0]["reason"]
    assert "3 broken" in rsk["checked"]["en"]
    assert result["evidence"]["captures"]["state"] == "ok"

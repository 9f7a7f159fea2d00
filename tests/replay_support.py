"""Helpers for the saved-evidence tests: save a run's evidence, judge it again, compare.

`judged(result)` is what must come out the same when saved evidence is judged again: per check the
status, severity, reason, what was checked and every finding (message, location, severity,
uncertainty, data), and the verdict with its reasons. (Timings, the run id and the evidence summary's
``signing`` entry -- the keys are never saved -- may differ.)

``GOLIVE_TEST_REPLAY=1 pytest`` makes the ``run_checks`` fixture (tests/conftest.py) save the evidence
of every check test's run, judge it again and assert this equality: the whole check suite as a
replay test.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from golive.engine import RunOptions, run_check


def judged(result: dict[str, Any]) -> dict[str, Any]:
    checks = {c["id"]: {k: c.get(k) for k in ("status", "severity", "reason", "checked", "findings", "evidence")}
              for c in result["checks"]}
    return {"verdict": result["verdict"], "reasons": result["summary"]["reasons"], "checks": checks}


def differences(original: dict[str, Any], replayed: dict[str, Any]) -> list[str]:
    """Human-readable differences between two results' judged parts (empty: the same)."""
    a, b = judged(original), judged(replayed)
    out = []
    if a["verdict"] != b["verdict"] or a["reasons"] != b["reasons"]:
        out.append(f"verdict {a['verdict']} {a['reasons']} != {b['verdict']} {b['reasons']}")
    for check_id, mine in a["checks"].items():
        theirs = b["checks"].get(check_id)
        if theirs is None:
            out.append(f"{check_id}: missing after replay")
            continue
        for key, value in mine.items():
            if theirs.get(key) != value:
                out.append(f"{check_id}.{key}:\n  saved run: {json.dumps(value, ensure_ascii=False)[:2000]}\n"
                           f"  replayed:  {json.dumps(theirs.get(key), ensure_ascii=False)[:2000]}")
    return out


def replay(directory: Path, **overrides: Any) -> dict[str, Any]:
    """Judge the evidence saved in `directory` again, as ``golive check --from-evidence`` does."""
    from golive.evidence.store import open_store

    options = open_store(directory).options()
    for key, value in overrides.items():
        setattr(options, key, value)
    return run_check(options)


def save_and_replay(options: RunOptions, directory: Path | None = None) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """Run with --save-evidence, then judge the saved evidence; (original, replayed, store)."""
    made = directory is None
    store = Path(tempfile.mkdtemp(prefix="golive-evidence-")) / "evidence" if made else directory
    assert store is not None
    options.save_evidence = str(store)
    original = run_check(options)
    return original, replay(store), store


def assert_same_judgement(original: dict[str, Any], replayed: dict[str, Any]) -> None:
    found = differences(original, replayed)
    assert not found, "judging the saved evidence again gave another answer:\n" + "\n".join(found)


def checked_replay(options: RunOptions) -> dict[str, Any]:
    """The run's result, after asserting its saved evidence is judged the same (GOLIVE_TEST_REPLAY)."""
    original, replayed, store = save_and_replay(options)
    try:
        assert_same_judgement(original, replayed)
    finally:
        shutil.rmtree(store.parent, ignore_errors=True)
    return original

"""Fuzz: saved evidence (golive check --save-evidence / --from-evidence).

* Hostile and mutated capture files, saved and judged again: the same statuses and findings
  (whatever the capture held: lone surrogates, deep nesting, wrong types, broken lines).
* A saved store, mutated (its manifest, record lines and documents; JSON-level and byte-level):
  judging it ends in a result or one line of bad input (exit 2), never a traceback or a crashed check
  (the manifest, the config and the record streams are checked field by field when read).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from fuzz.harness import EXAMPLES, check_crashes, fuzz, report, run_cli
from fuzz.hostile import RAW_JSON, Placeholder, byte_mutation, mutate, render_json
from fuzz.test_fuzz_captures import _capture_file
from hypothesis import given
from hypothesis import strategies as st


def _result(out: Path) -> dict | None:
    path = out / "result.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@fuzz(25)
@given(st.data())
def test_hostile_captures_saved_and_judged_again_give_the_same_answer(merchant_dir: Path, data: st.DataObject) -> None:
    from replay_support import differences

    capture = _capture_file(data, 20)
    work = Path(tempfile.mkdtemp(prefix="golive-fuzz-evidence-"))
    code, _, _ = run_cli("save", ["check", str(merchant_dir / "golive.yaml"), "--captures", str(capture),
                                  "--save-evidence", str(work / "store"), "--format", "json",
                                  "--output-dir", str(work / "a"), "-q"])
    if code not in (0, 1, 3):
        return
    original = _result(work / "a")
    assert original is not None
    check_crashes("save", original)
    code, _, err = run_cli("replay", ["check", "--from-evidence", str(work / "store"), "--format", "json",
                                      "--output-dir", str(work / "b"), "-q"])
    replayed = _result(work / "b")
    if code not in (0, 1, 3) or replayed is None:
        report("replay", f"saved evidence not judged again (exit {code})", err)
        return
    found = differences(original, replayed)
    if found:
        report("replay", "judged again, the saved evidence gave another answer", "\n".join(found))
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def saved_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Evidence saved from the example merchant with every example capture and its ledger."""
    from golive.engine import RunOptions, run_check

    store = tmp_path_factory.mktemp("fuzz-store") / "store"
    captures = [str(p) for p in sorted((EXAMPLES / "captures").glob("*.jsonl"))] + [str(EXAMPLES / "captures" / "browser.har")]
    run_check(RunOptions(config_path=EXAMPLES / "golive.yaml", captures=captures, save_evidence=str(store)))
    return store


# The files the store or their check reads field by field (the ledger audit is checked by LL-CRD-003
# before it judges). Opaque evidence (keys facts, probe records, a scan) is read as JSON and handed
# to its checks as it is: a tampered one makes them error, never pass.
STRUCTURED = ("manifest.json", "config.json", "captures.jsonl", "ledger.json")


def _mutated_store(data: st.DataObject, saved: Path) -> Path:
    store = Path(tempfile.mkdtemp(prefix="golive-fuzz-store-")) / "store"
    shutil.copytree(saved, store)
    target = store / data.draw(st.sampled_from(STRUCTURED), label="file")
    lines = target.read_bytes().splitlines()
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    if data.draw(st.booleans(), label="json_level"):
        raw = Placeholder()
        lines[index] = render_json(mutate(data, json.loads(lines[index]), raw, RAW_JSON), raw).encode("utf-8")
    lines[index] = byte_mutation(data, lines[index])
    target.write_bytes(b"\n".join(lines) + b"\n")
    return store


@fuzz(60)
@given(st.data())
def test_a_mutated_store_is_judged_or_refused_in_one_line(saved_store: Path, data: st.DataObject) -> None:
    store = _mutated_store(data, saved_store)
    out = store.parent / "out"
    code, _, err = run_cli("mutated store", ["check", "--from-evidence", str(store), "--format", "json",
                                             "--output-dir", str(out), "-q"])
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        if len(lines) != 1 or not lines[0].startswith("golive: error: "):
            report("mutated store", "bad store input is not one error line", err)
    elif code in (0, 1, 3):
        result = _result(out)
        if result is None:
            report("mutated store", "no result written", err)
        else:
            check_crashes("mutated store", result)
    shutil.rmtree(store.parent, ignore_errors=True)

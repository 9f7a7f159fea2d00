"""Saved evidence (golive check --save-evidence DIR / --from-evidence DIR): judged again offline,
it gives the same statuses and findings, and it holds no secret and no personal value.

Real parts only: the demo merchant on loopback with live probes, the example config, keys and
captures, the CLI writing and reading real directories.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from probe_support import EXAMPLES
from replay_support import assert_same_judgement, judged, replay

from golive.cli import main
from golive.engine import RunOptions, run_check
from golive.redact import field_kind

CAPTURES = EXAMPLES / "captures"
CAPTURE_FILES = sorted([*CAPTURES.glob("*.jsonl"), *CAPTURES.glob("*.har")])
LEDGERS = sorted([CAPTURES / "ledger.csv", *(EXAMPLES / "ledgers").glob("*.csv")])


def _run_saved(tmp_path: Path, **options: Any) -> tuple[dict[str, Any], Path]:
    store = tmp_path / "evidence"
    result = run_check(RunOptions(config_path=EXAMPLES / "golive.yaml", save_evidence=str(store), **options))
    return result, store


# -- (a) the full demo run, probes included -------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], Path]]:
    """`golive demo --save-evidence` with two defects, so probes, captures and ledger all have findings."""
    from golive.commands.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    store = out / "evidence"
    args = argparse.Namespace(fail_on="high", output_dir=str(out / "report"), save_evidence=str(store))
    result = run_demo(frozenset({"missing_risk_fields", "accepts_forged"}), args)
    yield result, store


def test_the_demo_run_judged_again_from_its_saved_evidence_gives_the_same_statuses_and_findings(demo_store):
    original, store = demo_store
    statuses = {c["id"]: c["status"] for c in original["checks"]}
    # The run really judged every kind of evidence: live probes, captures, the ledger.
    assert statuses["LL-NTF-005"] == "fail" and statuses["LL-NTF-002"] == "pass"
    assert statuses["LL-RSK-002"] == "fail" and statuses["LL-SIG-006"] == "pass"
    assert statuses["LL-CRD-003"] != "not_applicable" and statuses["LL-CRD-001"] == "pass"
    replayed = replay(store)
    assert_same_judgement(original, replayed)
    assert replayed["provenance"]["time"] == original["provenance"]["time"]  # judged at the run's own time
    assert replayed["provenance"]["saved_evidence"]["original_verdict"] == original["verdict"]
    assert replayed["provenance"]["inputs"] == original["provenance"]["inputs"]


def test_the_store_holds_every_kind_the_run_gathered_but_never_the_keys(demo_store):
    _original, store = demo_store
    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema"] == "golive.evidence/1"
    kinds = manifest["kinds"]
    for name in ("config", "keys", "captures", "ledger", "probe.notify", "probe.return", "probe.withdraw"):
        assert kinds[name]["state"] == "ok" and (store / kinds[name]["file"]).is_file(), name
    assert kinds["signing"]["file"] is None and not list(store.glob("signing*"))
    assert kinds["captures"]["records"] == sum(s["records"] for s in kinds["captures"]["stats"])


def test_the_cli_replays_with_no_config_and_only_fail_on_and_lang_may_differ(demo_store, tmp_path, capsys):
    original, store = demo_store
    code = main(["check", "--from-evidence", str(store), "--format", "json", "--output-dir", str(tmp_path / "a"), "-q"])
    assert code == 1  # not_ready, as the saved run
    replayed = json.loads((tmp_path / "a" / "result.json").read_text(encoding="utf-8"))
    assert judged(replayed) == judged(original)
    # A lower threshold gates on more; the judgement of each check stays.
    code = main(["check", "--from-evidence", str(store), "--fail-on", "blocker", "--lang", "en", "--format", "json",
                 "--output-dir", str(tmp_path / "b"), "-q"])
    stricter = json.loads((tmp_path / "b" / "result.json").read_text(encoding="utf-8"))
    assert stricter["summary"]["fail_on"] == "blocker"
    assert judged(stricter)["checks"] == judged(original)["checks"]
    capsys.readouterr()


def test_saved_evidence_can_be_saved_again_and_still_judges_the_same(demo_store, tmp_path):
    original, store = demo_store
    again = tmp_path / "again"
    from golive.evidence.store import open_store

    options = open_store(store).options()
    options.save_evidence = str(again)
    assert_same_judgement(original, run_check(options))
    assert_same_judgement(original, replay(again))


# -- (b) every example capture and ledger ------------------------------------------------------------------

@pytest.mark.parametrize("capture", CAPTURE_FILES, ids=lambda p: p.name)
def test_each_example_capture_judged_again_gives_the_same_answer(tmp_path, capture):
    original, store = _run_saved(tmp_path, captures=[str(capture)])
    assert_same_judgement(original, replay(store))


@pytest.mark.parametrize("ledger", LEDGERS, ids=lambda p: p.name)
def test_each_example_ledger_judged_again_gives_the_same_answer(tmp_path, ledger):
    # out_of_order.csv makes the reader start over re-sorted (LedgerRestart): the saved stream
    # holds the rows exactly as the check was fed them, marker included.
    original, store = _run_saved(tmp_path, ledger=str(ledger), select={"LL-CRD-003"})
    assert_same_judgement(original, replay(store))
    assert [c for c in original["checks"] if c["id"] == "LL-CRD-003"][0]["status"] in ("pass", "fail")


def test_masked_values_compare_and_validate_as_their_originals(tmp_path):
    """A capture built to need every property of a masked value: equal IDs in two fields (LL-RSK-005,
    case-folded), the same phone as two users' ids (LL-LIM-004 per-user totals), a bad ID check digit
    and a bad mobile (LL-RSK-003 from the saved outcomes), an ID sent as a JSON number (LL-RSK-001,
    LL-SIG-008), spaces around a card number (LL-SIG-008), a passenger list in a JSON string."""
    from golive.examples.captures import make_captures as mc

    settings = mc.demo_settings()
    lines = []
    for index, (user, id_no, phone) in enumerate([
            ("13800138000", "11010519491231002x", "13912345678"),
            ("13800138000", "110105194912310021", "1391234567"),
            ("13800138001", "110105194912310029", "+86 139 1234 5678")]):
        def risk(fields: dict[str, Any], id_no: str = id_no, phone: str = phone, user: str = user) -> None:
            fields.update(user_info_id_no=id_no.upper(), user_info_bind_phone=phone, user_info_mercht_userno=user,
                          airline_list=json.dumps([{"passenger_idcard": id_no, "passenger_phone": "1381234****"}]))

        def edit(params: dict[str, Any], id_no: str = id_no, user: str = user) -> None:
            params.update(user_id=user, id_no=id_no, money_order="6.00", card_no=" 6222021234567890123 ")

        lines.append(mc.pay_line(mc.pay_params(settings, user, f"MASK{index}", index, risk=risk, edit=edit)))

    def number_risk(fields: dict[str, Any]) -> None:
        fields["user_info_id_no"] = 110105194912310021

    def number_edit(params: dict[str, Any]) -> None:
        params["id_no"] = 110105194912310021

    lines.append(mc.pay_line(mc.pay_params(settings, "u9", "MASK9", 9, risk=number_risk, edit=number_edit)))
    capture = mc.write_jsonl(tmp_path / "masking.jsonl", lines)
    original, store = _run_saved(tmp_path, captures=[str(capture)], profile="travel")
    statuses = {c["id"]: c["status"] for c in original["checks"]}
    assert statuses["LL-RSK-003"] == "fail" and statuses["LL-LIM-004"] == "fail", statuses
    assert statuses["LL-RSK-001"] == "fail" and statuses["LL-SIG-008"] == "fail", statuses
    assert_same_judgement(original, replay(store))
    saved = (store / "captures.jsonl").read_text(encoding="utf-8")
    for planted in ("13800138000", "11010519491231002", "13912345678", "6222021234567890123", "110105194912310021"):
        assert planted not in saved


# -- (c) nothing secret or personal in the saved files -------------------------------------------------

_SHAPES = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]|[0-9]{15,19})(?![0-9])")


def _personal_values(node: Any, key: str = "", found: set[str] | None = None) -> set[str]:
    found = set() if found is None else found
    if isinstance(node, dict):
        for k, v in node.items():
            _personal_values(v, str(k), found)
    elif isinstance(node, list):
        for v in node:
            _personal_values(v, key, found)
    elif isinstance(node, str):
        text = node.strip()
        if key and field_kind(key) in ("card", "id", "phone", "name") and len(text) >= 2 and text.lower() != "null" \
                and "*" not in text:
            found.add(text)
        if text.startswith("{"):
            try:
                _personal_values(json.loads(text), key, found)
            except ValueError:
                pass
    return found


def planted_values() -> set[str]:
    """Every personal value of the example captures and the demo merchant's users, and the keys."""
    from urllib.parse import parse_qsl

    from golive.examples.demo_merchant.people import fake_profile

    found: set[str] = set()
    for path in CAPTURE_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            try:
                _personal_values(json.loads(line), "", found)
            except ValueError:
                continue
        if path.suffix == ".har":
            for entry in json.loads(text)["log"]["entries"]:
                body = (entry["request"].get("postData") or {}).get("text") or ""
                _personal_values(dict(parse_qsl(body)) if not body.startswith("{") else json.loads(body), "", found)
    for user in ("demo-u1", "u1001", "u1002", "u1003", "u1004"):
        profile = fake_profile(user)
        found |= {profile.full_name, profile.id_no, profile.mobile}
    keys = EXAMPLES / "keys"
    found.add((keys / "md5.key").read_text(encoding="utf-8").strip())
    for pem in ("merchant_private.pem", "staging_llpay_private.pem"):
        found |= {line.strip() for line in (keys / pem).read_text(encoding="ascii").splitlines()
                  if len(line.strip()) >= 16 and "PRIVATE" not in line}
    return {v for v in found if len(v) >= 2}


def _assert_clean(store: Path, planted: set[str]) -> None:
    assert planted, "the test plants nothing"
    for path in sorted(store.iterdir()):
        raw = path.read_text(encoding="utf-8")
        texts = [raw]
        for line in raw.splitlines():  # and every string as decoded, whatever its escaping
            texts.append(json.dumps(json.loads(line), ensure_ascii=False))
        whole = "\n".join(texts)
        leaked = sorted(v for v in planted if v in whole)
        assert not leaked, (path.name, leaked)
        assert "PRIVATE KEY" not in whole, path.name


def test_the_demo_store_holds_no_secret_and_no_personal_value(demo_store):
    _original, store = demo_store
    planted = planted_values()
    assert "370202199005108968" in planted and "陈静" in planted  # the example capture's payer
    _assert_clean(store, planted)


def test_every_example_capture_store_holds_no_secret_and_no_personal_value(tmp_path):
    _result, store = _run_saved(tmp_path, captures=[str(p) for p in CAPTURE_FILES])
    _assert_clean(store, planted_values())


# -- (d) bad store input: exit 2, one line naming file:line ------------------------------------------------

def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("golive: error: "), err
    return code, lines[0]


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    _result, store = _run_saved(tmp_path, captures=[str(CAPTURES / "integration.jsonl")])
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    return copy


def _replay_cli(capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path) -> tuple[int, str]:
    return _cli(capsys, "check", "--from-evidence", str(store), "--format", "json", "--output-dir",
                str(tmp_path / "out"), "-q")


def test_a_directory_without_manifest_is_named(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, line = _replay_cli(capsys, tmp_path / "empty", tmp_path)
    assert code == 2 and "manifest.json" in line and "not a golive evidence store" in line


def test_a_wrong_schema_is_named(small_store, tmp_path, capsys):
    manifest = small_store / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("golive.evidence/1", "golive.evidence/9"),
                        encoding="utf-8")
    code, line = _replay_cli(capsys, small_store, tmp_path)
    assert code == 2 and "manifest.json" in line and "schema" in line and "golive.evidence/9" in line


def test_a_broken_record_line_is_named_by_file_and_line(small_store, tmp_path, capsys):
    records = small_store / "captures.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, line = _replay_cli(capsys, small_store, tmp_path)
    assert code == 2 and f"{records}:3:" in line and "not valid JSON" in line
    assert not (tmp_path / "out" / "result.json").exists()  # nothing written for a run that could not finish


def test_a_forged_tag_or_row_type_is_named_with_its_key(small_store, tmp_path, capsys):
    records = small_store / "captures.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"$t":"masked"', '"$t":"pickle"', 1)
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, line = _replay_cli(capsys, small_store, tmp_path)
    assert code == 2 and f"{records}:1:" in line and "unknown tag 'pickle'" in line
    ledger = small_store / "ledger.json"  # the audit of the ledger: a plain document
    data = json.loads(ledger.read_text(encoding="utf-8"))
    data["shown"] = {"$t": "pickle", "v": "cos\nsystem"}
    ledger.write_text(json.dumps(data), encoding="utf-8")
    records.write_text(records.read_text(encoding="utf-8").replace('"$t":"pickle"', '"$t":"masked"'), encoding="utf-8")
    code, line = _replay_cli(capsys, small_store, tmp_path)
    assert code == 2 and str(ledger) in line and "pickle" in line


def test_a_tampered_ledger_input_entry_is_not_listed_and_never_a_traceback(small_store, tmp_path, capsys):
    # Found by the fuzz suite: the saved ledger audit names its file under `input`; a field of the
    # wrong type there must not reach the result's list of inputs (int() of a list raised).
    ledger = small_store / "ledger.json"
    data = json.loads(ledger.read_text(encoding="utf-8"))
    assert isinstance(data.get("input"), dict)
    data["input"]["bytes"] = [1, 2]
    ledger.write_text(json.dumps(data), encoding="utf-8")
    code = main(["check", "--from-evidence", str(small_store), "--format", "json", "--output-dir", str(tmp_path / "out"),
                 "-q"])
    assert "Traceback" not in capsys.readouterr().err
    assert code in (0, 1, 3)
    result = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert all(entry["kind"] != "ledger" for entry in result["provenance"]["inputs"])


def test_a_file_name_outside_the_store_is_refused(small_store, tmp_path, capsys):
    manifest = small_store / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["kinds"]["keys"]["file"] = "../../etc/passwd"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    code, line = _replay_cli(capsys, small_store, tmp_path)
    assert code == 2 and "kinds.keys.file" in line


def test_replay_refuses_flags_that_would_change_what_is_judged(small_store, tmp_path, capsys):
    code, line = _cli(capsys, "check", "--from-evidence", str(small_store), "--probe", "--select", "LL-SIG-006")
    assert code == 2 and "--probe" in line and "--select" in line

def test_a_config_given_with_from_evidence_must_be_the_one_the_evidence_was_saved_from(small_store, tmp_path,
                                                                                       capsys):
    code = main(["check", str(EXAMPLES / "golive.yaml"), "--from-evidence", str(small_store), "--format", "json",
                 "--output-dir", str(tmp_path / "out"), "-q"])
    assert code == 0 and (tmp_path / "out" / "result.json").is_file()
    capsys.readouterr()
    other = tmp_path / "other.yaml"
    other.write_text((EXAMPLES / "golive.yaml").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    code, line = _cli(capsys, "check", str(other), "--from-evidence", str(small_store))
    assert code == 2 and "other.yaml" in line and "not the config this evidence was saved from" in line


def test_saving_refuses_a_directory_that_holds_something_else(tmp_path, capsys):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    code, line = _cli(capsys, "check", str(EXAMPLES / "golive.yaml"), "--save-evidence", str(target), "-q",
                      "--format", "json", "--output-dir", str(tmp_path / "out"))
    assert code == 2 and "busy" in line and "not empty" in line
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".busy")] == []  # no work directory left


def test_saving_again_replaces_an_earlier_store(tmp_path):
    first, store = _run_saved(tmp_path, captures=[str(CAPTURES / "defect_bad_id_checksum.jsonl")])
    second, store = _run_saved(tmp_path, captures=[str(CAPTURES / "integration.jsonl")])
    assert judged(replay(store)) == judged(second) != judged(first)


def test_no_check_needs_the_keys_so_every_check_can_judge_saved_evidence():
    """What needs a key is measured when the evidence is gathered (sign observations); a check that
    read the signing kind itself could not be judged again from saved evidence."""
    from golive.registry import all_checks

    assert [c.meta.id for c in all_checks() if "signing" in c.meta.readable] == []

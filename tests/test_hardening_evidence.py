"""Captures and ledgers that used to crash or blow up a run (issue 9 §4): wrong types, huge numbers,
deep nesting, over-long lines (with the evidence.max_line_bytes cap), far-future zoned ledger times
and a temporary directory that fills up during the ledger re-sort. Real files, the real engine."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import check_of

from golive.evidence.captures import iter_capture_records
from golive.evidence.ledger import iter_ledger_stream


def records(path: Path, **kw) -> list:
    return list(iter_capture_records(path, path.name, **kw))


def test_a_kind_that_is_a_list_or_object_is_other_not_a_crash(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"kind":[]}\n{"kind":{},"params":42}\n{"kind":["notify"],"params":{"a":"1"}}\n', encoding="utf-8")
    found = records(path)
    assert [(r.line, r.kind, r.broken) for r in found] == [(1, "other", False), (2, "other", True), (3, "other", False)]


@pytest.mark.parametrize(("line", "needle"), [
    ('{"kind":"pay_request","params":{"money_order":' + "1" * 5000 + "}}", "number longer than 100 characters"),
    ("[" * 1000 + "]" * 1000, "nested deeper than 64 levels"),
    ('{"kind":"pay_request","params":{"money_order":NaN}}', "NaN is not a JSON value"),
    (json.dumps({"kind": "notify", "request": {"body": '{"a":' * 100 + "1" + "}" * 100}}),
     "body is not valid JSON (JSON nested deeper than 64 levels"),
])
def test_hostile_json_is_a_broken_line_with_the_reason(tmp_path, line, needle):
    path = tmp_path / "c.jsonl"
    path.write_text(line + '\n{"kind":"other","params":{"x":"1"}}\n', encoding="utf-8")
    first, second = records(path)
    assert first.broken and first.line == 1 and needle in first.error, first.error
    assert not second.broken


def test_a_risk_item_with_a_huge_number_is_invalid_json_not_a_crash(tmp_path):
    path = tmp_path / "c.jsonl"
    risk = '{"frms_ware_category":' + "9" * 5000 + "}"
    path.write_text(json.dumps({"kind": "pay_request", "params": {"oid_partner": "1", "risk_item": risk}}) + "\n",
                    encoding="utf-8")
    [record] = records(path)
    assert record.risk_item().state == "invalid_json" and "number longer" in record.risk_item().error


def test_a_huge_number_in_a_har_entry_is_a_broken_record(tmp_path):
    path = tmp_path / "c.har"
    path.write_text('{"log": {"entries": [{"request": {"method": "GET", "url": "https://x", "bodySize": '
                    + "1" * 5000 + "}}]}}", encoding="utf-8")
    [record] = records(path)
    assert record.broken and "number longer than 100 characters" in record.error


def _long_line_file(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.write(b'{"kind":"other","params":{"x":[' + b"{}," * (size // 3) + b"{}]}}\n")
        out.write(b'{"kind":"other","params":{"x":"after"}}\n')
    return path


def test_a_32_mib_line_is_skipped_in_bounded_memory(tmp_path):
    path = _long_line_file(tmp_path / "big.jsonl", 32 << 20)
    tracemalloc.start()
    try:
        found = records(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(r.line, r.broken) for r in found] == [(1, True), (2, False)]
    assert "line longer than 4 MiB (evidence.max_line_bytes)" in found[0].error
    assert peak < 16 << 20, peak  # the 4 MiB cap and a 1 MiB read, never the line (1 GB decoded before)


def test_the_line_cap_is_set_in_golive_yaml_and_named_in_the_report(config_factory, run_checks, tmp_path):
    path = _long_line_file(tmp_path / "c.jsonl", 8 << 10)
    config = config_factory({"evidence": {"captures": [str(path)], "max_line_bytes": 4096}})
    result = run_checks(config, "LL-RSK-001")
    assert result["evidence"]["captures"]["state"] == "ok"
    text = json.dumps(check_of(result, "LL-RSK-001"), ensure_ascii=False)
    assert "c.jsonl:1" in text and "line longer than 4096 bytes" in text
    # and the default cap lets the same 8 KiB line through
    config = config_factory({"evidence": {"captures": [str(path)]}})
    assert "line longer" not in json.dumps(check_of(run_checks(config, "LL-RSK-001"), "LL-RSK-001"))


def test_the_line_cap_is_validated(config_factory, run_checks):
    from golive.errors import InputError

    with pytest.raises(InputError, match="evidence.max_line_bytes"):
        run_checks(config_factory({"evidence": {"max_line_bytes": 10}}))


def _ledger(path: Path, rows: list[str]) -> Path:
    path.write_text("user_id,kind,no_order,amount,card,time,status\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_ledger_time_outside_the_calendar_in_cst_is_a_broken_row(tmp_path, config_factory, run_checks, moment):
    path = _ledger(tmp_path / "l.csv", ["u1,payment,O1,5.00,1234,2026-11-25T10:00:00+08:00,success",
                                        f"u1,withdrawal,O2,1.00,1234,{moment},success"])
    rows = list(iter_ledger_stream(path, "l.csv"))
    assert rows[1].broken and "is not ISO 8601" in rows[1].problem.en
    check = check_of(run_checks(config_factory(), "LL-CRD-003", ledger=str(path)), "LL-CRD-003")
    assert check["status"] != "error" or "crashed" not in json.dumps(check["reason"])


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_full_temporary_directory_during_the_re_sort_exits_2_with_the_reason(config_factory, tmp_path, engine):
    # Rows out of time order: 120,000 make the Python re-sort spill to disk (SPILL_BATCH_ROWS =
    # 100,000); DuckDB, whose sorts carry only the user id and the card besides numbers, spills
    # under 48 MB with 400,000 rows of long ones. The run is limited to 1 MiB per file written (RLIMIT_FSIZE; Python
    # ignores SIGXFSZ, so the write fails with EFBIG, as a full disk fails with ENOSPC).
    start, count = dt.datetime(2026, 11, 25), 400_000 if engine == "duckdb" else 120_000
    rows = [f"user-{i % 997:0>60},{'withdrawal' if i % 4 == 0 else 'payment'},O{i},1.00,agreement-{i % 997:0>120},"
            f"{start + dt.timedelta(seconds=400_000 - i):%Y%m%d%H%M%S},success" for i in range(count)]
    ledger = _ledger(tmp_path / "big.csv", rows)
    config = config_factory({"evidence": {"ledger_engine": engine, "ledger_memory_mb": 48}})
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20)); "
              "from golive.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", script, "check", str(config), "--ledger", str(ledger),
                           "--select", "LL-CRD-003", "--format", "text", "-q"],
                          capture_output=True, text=True, timeout=300,
                          env={"GOLIVE_TEST_MD5": "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "big.csv" in line and "evidence.ledger" in line and "temporary disk space" in line
    # DuckDB reports a failed spill either as the write's error or as memory it could not free.
    assert "File too large" in line or (engine == "duckdb" and "Out of Memory" in line)

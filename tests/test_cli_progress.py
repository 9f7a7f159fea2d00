"""Progress that says what it does, with counts: the rows of the ledger read (of how many, once its
order is known), the records of the captures, the probes done of those planned with the requests
sent and the scenarios running. Events collected from real runs (golive.progress.Recorder), and
both displays: plain lines without a terminal, a live rich display on one."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from conftest import REPO

from golive.progress import Event, Progress, Recorder

EXAMPLE = REPO / "examples" / "golive.yaml"


def write_ledger(path: Path, rows: int, *, shuffled: bool = False) -> None:
    lines = []
    for index in range(rows):
        user = index % 97
        stamp = f"2026{1 + index // 2_000_000:02d}{1 + (index // 80_000) % 28:02d}{(index // 3600) % 24:02d}" \
                f"{(index // 60) % 60:02d}{index % 60:02d}"
        lines.append(f"u{user},payment,N{index:09d},1.00,{6222020000000000 + user},{stamp},success\n")
    if shuffled:
        random.Random(3).shuffle(lines)
    path.write_text("user_id,kind,no_order,amount,card,time,status\n" + "".join(lines), encoding="utf-8")


def run(ledger: Path, recorder: Recorder, **options: object) -> dict[str, object]:
    from golive.engine import RunOptions, run_check

    return run_check(RunOptions(config_path=EXAMPLE, ledger=str(ledger), progress=recorder, **options))  # type: ignore[arg-type]


def test_ledger_rows_and_capture_records_are_counted_as_they_are_read(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    write_ledger(ledger, 20_000)
    recorder = Recorder()
    result = run(ledger, recorder)
    # the books are audited inside DuckDB (golive.books): what runs is named, the rows counted at the end
    rows = recorder.events("ledger")
    assert rows[0].label == f"auditing {ledger} (duckdb)" and rows[0].unit == "rows" and rows[0].done == 0
    assert rows[-1].finished and rows[-1].done == rows[-1].total == 20_000
    # the captures, counted as they are read (in this process or a parallel one)
    inputs = sum(i["records"] for i in result["provenance"]["inputs"] if i["kind"] == "captures")  # type: ignore[index]
    captures = recorder.events("captures")
    assert captures[0].unit == "records" and captures[-1].finished
    assert captures[-1].done == inputs > 0


def test_a_shuffled_ledger_is_named_and_counted_whichever_engine_audits_it(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    write_ledger(ledger, 12_000, shuffled=True)
    import shutil

    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLE.parent, examples)  # the config's relative paths (waivers, captures) still resolve
    for engine in ("duckdb", "python"):
        recorder = Recorder()
        config = examples / f"golive-{engine}.yaml"
        config.write_text(EXAMPLE.read_text(encoding="utf-8").replace("evidence:", f"evidence:\n  ledger_engine: {engine}", 1),
                          encoding="utf-8")
        from golive.engine import RunOptions, run_check

        run_check(RunOptions(config_path=config, ledger=str(ledger), progress=recorder, select={"LL-CRD-003"}))
        rows = recorder.events("ledger")
        assert rows[0].label == f"auditing {ledger} ({engine})", rows[0].label
        assert rows[-1].finished and rows[-1].done == 12_000, engine


def test_probes_count_done_of_planned_requests_sent_and_what_runs(tmp_path: Path) -> None:
    import argparse

    from golive.commands.demo import demo_result

    recorder = Recorder()
    demo_result(frozenset(), argparse.Namespace(output_dir=str(tmp_path), fail_on="high", save_evidence=None), recorder)
    probes = recorder.events("probes")
    planned = probes[0].total
    assert planned and planned >= 10 and probes[0].unit == "probes" and probes[0].label.startswith("probing http://127.0.0.1:")
    done = [e.done for e in probes]
    assert done == sorted(done) and done[-1] == planned and probes[-1].finished
    sent = [int(e.detail.split(" requests sent")[0].replace(",", "")) for e in probes if e.detail and "requests sent" in e.detail]
    assert sent == sorted(sent) and sent[-1] > planned  # every request counted, as it went out
    assert any(e.detail and "running " in e.detail for e in probes)  # the scenarios under way are named
    assert any(e.detail and "waiting" in e.detail and "late credits" in e.detail for e in probes)
    # the same-card probes and the payout probes are tasks of their own: never "the current step" of another
    for task in ("probes.withdraw", "probes.payout"):
        events = recorder.events(task)
        assert events and events[-1].finished and events[-1].done == events[0].total, task
    assert not [s for s in recorder.steps if isinstance(s, str) and s.startswith("probing")]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_a_quick_task_once_a_long_one_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    import golive.progress as progress_module

    stream = io.StringIO()
    with Progress(True, stream) as progress:
        progress.update(Event("captures", "reading a.jsonl", done=0, unit="records"))
        progress.update(Event("captures", done=4096))
        progress.update(Event("captures", done=5000, total=5000, finished=True))
        monkeypatch.setattr(progress_module, "PLAIN_FIRST_S", 0.0)
        monkeypatch.setattr(progress_module, "PLAIN_EVERY_S", 0.0)
        progress.update(Event("ledger", "reading 13812345678.csv", done=0, unit="rows"))
        progress.update(Event("ledger", total=10_000))
        progress.update(Event("ledger", done=4096))
        progress.update(Event("ledger", done=10_000, finished=True))
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("reading a.jsonl: 5,000 of 5,000 records (done in 0.0 s)")
    assert len([line for line in lines if "a.jsonl" in line]) == 1
    assert any(line.endswith("reading 138****5678.csv: 4,096 of 10,000 rows") for line in lines)  # masked
    assert "13812345678" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_the_live_display_draws_each_task_and_clears_them() -> None:
    stream = _Terminal()
    with Progress(True, stream) as progress:
        progress.update("starting the demo merchant")
        progress.update(Event("probes", "probing http://127.0.0.1:9/notify[/]", done=0, total=17, unit="probes",
                              detail="0 requests sent"))
        progress.update(Event("probes.withdraw", "probing withdrawals", done=1, total=4, unit="probes"))
        assert set(progress.tasks()) == {"probes", "probes.withdraw"}
        assert progress.tasks()["probes"] == "probing http://127.0.0.1:9/notify[/]: 0 of 17 probes · 0 requests sent"
        progress.update(Event("probes", done=17, finished=True))
        assert set(progress.tasks()) == {"probes.withdraw"}
    assert progress._live is None

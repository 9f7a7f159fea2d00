"""Fuzz: ledger CSV -- the streaming reader (in order and re-sorted) and LL-CRD-003 through the
engine. Mutated rows of the example ledgers, hostile cells (far-future zoned times, NaN, huge
amounts, NUL, quotes spanning lines, non-UTF-8)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fuzz.harness import EXAMPLES, check_crashes, fuzz, run_case, run_cli
from fuzz.hostile import byte_mutation

LEDGERS = [EXAMPLES / "captures" / "ledger.csv", *sorted((EXAMPLES / "ledgers").glob("*.csv"))]
ROWS = [row for path in LEDGERS for row in list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]
        if row]
HEADERS = [next(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))) for path in LEDGERS]
CELLS = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31 23:59:59", "99991231235959",
         "2026-02-30 10:00:00", "20260230100000", "2026-11-25T10:00:00Z", "2026-11-25T10:00:00+99:00", "NaN",
         "-Infinity", "sNaN", "1e999999999", "-1e-999999999", "1" * 5000, "-0", "-0.00", "¥1,000.00元", "",
         " ", "\x00", "a\x00b", '"', '""', '"a\nb"', "payment", "withdrawal", "earning", "refund", "提现", "x",
         "success", "failed", "pending", "成功", "\ud800", "6222021234567890123", "622202******1234", "1234"]


def _ledger(data: st.DataObject, max_rows: int) -> Path:
    header = data.draw(st.sampled_from(HEADERS), label="header")
    rows = [list(data.draw(st.sampled_from(ROWS), label="row")) for _ in range(data.draw(st.integers(0, max_rows)))]
    for _ in range(data.draw(st.integers(0, 4), label="edits")):
        if rows:
            row = rows[data.draw(st.integers(0, len(rows) - 1), label="r")]
            if row:
                cell = data.draw(st.integers(0, len(row) - 1), label="c")
                row[cell] = data.draw(st.one_of(st.sampled_from(CELLS), st.text(max_size=8)), label="cell")
    if data.draw(st.booleans(), label="shuffle"):
        rows = data.draw(st.permutations(rows), label="order")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=data.draw(st.sampled_from(["\n", "\r\n"]), label="eol"))
    writer.writerow(header)
    writer.writerows(rows)
    blob = byte_mutation(data, text.getvalue().encode("utf-8", "surrogatepass"))
    path = Path(tempfile.mkdtemp(prefix="golive-fuzz-")) / "ledger.csv"
    path.write_bytes(blob)
    return path


def _read(path: Path) -> int:
    from golive.evidence.ledger import FAILED, iter_ledger_stream, read_ledger

    plain = [row for row in read_ledger(path, path.name) if row.location_text()]
    judged = list(iter_ledger_stream(path, path.name, max_users=3))
    # Every row once, and each user's judged rows in time order, whatever order the file is in.
    assert sorted(r.line for r in judged) == [r.line for r in plain]
    latest: dict[str, tuple[str, int]] = {}
    for row in judged:
        if not row.broken and row.status != FAILED:
            assert latest.get(row.user_id, ("", 0)) <= (row.when, row.line), row.location_text()
            latest[row.user_id] = (row.when, row.line)
    return len(plain) + len(judged)


@fuzz(400)
@given(st.data())
def test_ledger_reader(data: st.DataObject) -> None:
    path = _ledger(data, 12)
    run_case("ledger", lambda: _read(path))


@fuzz(12)
@given(st.data())
def test_ledger_judged_by_ll_crd_003(merchant_dir: Path, data: st.DataObject) -> None:
    path = _ledger(data, 40)
    out = Path(tempfile.mkdtemp(prefix="golive-fuzz-out-"))
    code, _, _ = run_cli("ledger check", ["check", str(merchant_dir / "golive.yaml"), "--ledger", str(path),
                                          "--select", "LL-CRD-003", "--format", "json", "--output-dir", str(out), "-q"])
    if code in (0, 1, 3):
        check_crashes("ledger check", json.loads((out / "result.json").read_text(encoding="utf-8")))

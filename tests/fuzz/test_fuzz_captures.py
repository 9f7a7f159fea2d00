"""Fuzz: capture files -- JSON Lines and HAR -- read by the streaming readers and judged by every
capture check. Mutated example lines and entries, plus hostile lines (deep nesting, 5000-digit
numbers, lone surrogates, NUL, non-UTF-8, wrong types such as {"kind": []})."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fuzz.harness import EXAMPLES, check_crashes, fuzz, run_case, run_cli
from fuzz.hostile import RAW_JSON, Placeholder, byte_mutation, mutate, render_json
from hypothesis import given
from hypothesis import strategies as st

CAPTURE_LINES = []
for _path in sorted((EXAMPLES / "captures").glob("*.jsonl")):
    for _line_text in _path.read_bytes().splitlines():
        try:
            CAPTURE_LINES.append(json.dumps(json.loads(_line_text)))
        except ValueError:  # defect_broken_lines.jsonl: broken on purpose
            pass
HAR = json.loads((EXAMPLES / "captures" / "browser.har").read_text(encoding="utf-8"))
HOSTILE_LINES = [*RAW_JSON, '{"kind":[]}', '{"kind":{}}', '{"kind":"pay_request","params":[]}',
                 '{"kind":"notify","request":[],"response":"x"}', '{"params":{"req_data":[]}}',
                 '{"kind":"pay_request","params":{"req_data":"' + "[" * 2000 + '"}}',
                 '{"kind":"pay_request","params":{"oid_partner":"1","risk_item":"' + "[" * 1500 + '"}}',
                 '{"kind":"pay_request","params":{"oid_partner":"1","risk_item":"{\\"a\\":' + "1" * 5000 + '}"}}',
                 '{"kind":"pay_request","params":"oid_partner=1&sign=%ED%A0%80&risk_item=%FF"}',
                 '{"kind":"notify","request":{"body":"' + "{" * 3000 + '"}}', '{"effect":{"credited":[]}}',
                 # signed requests with a lone surrogate (a truncated emoji) and mixed-case keys: LL-SIG-006
                 '{"kind":"pay_request","channel":"web","params":{"oid_partner":"201811230001000001","sign_type":"MD5",'
                 '"sign":"0123456789abcdef0123456789abcdef","name_goods":"\\ud83d","Busi_partner":"101001"}}',
                 '{"kind":"pay_request","channel":"wap","params":{"oid_partner":"201811230001000001","sign_type":"RSA",'
                 '"sign":"AAAA","info_order":"x\\udc80","risk_item":"{\\"a\\":\\"\\\\ud800\\"}"}}']


def _line(data: st.DataObject) -> bytes:
    if data.draw(st.integers(0, 5), label="hostile_line") == 0:
        return data.draw(st.sampled_from(HOSTILE_LINES), label="line").encode("utf-8")
    raw = Placeholder()
    doc = mutate(data, json.loads(data.draw(st.sampled_from(CAPTURE_LINES), label="base")), raw, RAW_JSON)
    return render_json(doc, raw).encode("utf-8")


def _capture_file(data: st.DataObject, lines: int) -> Path:
    blob = b"\n".join(_line(data) for _ in range(data.draw(st.integers(1, lines), label="lines")))
    path = Path(tempfile.mkdtemp(prefix="golive-fuzz-")) / "captures.jsonl"
    path.write_bytes(byte_mutation(data, blob))
    return path


def _read_all(path: Path) -> int:
    from golive.evidence.captures import iter_capture_records

    count = 0
    for record in iter_capture_records(path, path.name):
        record.risk_item()
        record.location("sign")
        count += 1
    return count


@fuzz(500)
@given(st.data())
def test_jsonl_reader(data: st.DataObject) -> None:
    path = _capture_file(data, 6)
    run_case("jsonl", lambda: _read_all(path))


def _har_file(data: st.DataObject) -> Path:
    raw = Placeholder()
    doc = mutate(data, json.loads(json.dumps(HAR)), raw, RAW_JSON, steps=4)
    blob = byte_mutation(data, render_json(doc, raw).encode("utf-8"))
    path = Path(tempfile.mkdtemp(prefix="golive-fuzz-")) / "capture.har"
    path.write_bytes(blob)
    return path


@fuzz(300)
@given(st.data())
def test_har_reader(data: st.DataObject) -> None:
    path = _har_file(data)
    run_case("har", lambda: _read_all(path))


def _judge(label: str, merchant_dir: Path, capture: Path) -> None:
    out = Path(tempfile.mkdtemp(prefix="golive-fuzz-out-"))
    code, _, _ = run_cli(label, ["check", str(merchant_dir / "golive.yaml"), "--captures", str(capture),
                                 "--format", "json", "--output-dir", str(out), "-q"])
    if code in (0, 1, 3):
        check_crashes(label, json.loads((out / "result.json").read_text(encoding="utf-8")))


@fuzz(30)
@given(st.data())
def test_jsonl_judged_by_every_check(merchant_dir: Path, data: st.DataObject) -> None:
    _judge("jsonl checks", merchant_dir, _capture_file(data, 30))


@fuzz(15)
@given(st.data())
def test_har_judged_by_every_check(merchant_dir: Path, data: st.DataObject) -> None:
    _judge("har checks", merchant_dir, _har_file(data))

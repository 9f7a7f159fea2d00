"""LL-NTF-009: captured notification exchanges -- acks correct, no order credited twice."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import check_of, status_of

ID = "LL-NTF-009"
OK = '{"ret_code":"0000","ret_msg":"交易成功"}'


def _line(no_order: str, answer: str | None, *, status: int = 200, elapsed: float = 40, credited: bool | None = None,
          result_pay: str = "SUCCESS") -> str:
    body = {"oid_partner": "201811230001000001", "no_order": no_order, "money_order": "0.01",
            "result_pay": result_pay, "sign_type": "MD5", "sign": "0" * 32}
    line: dict = {"kind": "notify", "request": {"method": "POST", "body": json.dumps(body)}}
    if answer is not None:
        line["response"] = {"status": status, "body": answer, "elapsed_ms": elapsed}
    if credited is not None:
        line["effect"] = {"credited": credited}
    return json.dumps(line, ensure_ascii=False)


def _run(tmp_path: Path, config_factory, run_checks, *lines: str):
    captures = tmp_path / "captures.jsonl"
    captures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_checks(config_factory(), ID, captures=[str(captures)])


def test_correct_answers_and_one_credit_per_order_pass(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory, run_checks, _line("A1", OK, credited=True), _line("A1", OK, credited=False),
                  _line("A2", OK, credited=True))
    assert status_of(result, ID) == "pass"


def test_second_credit_for_one_order_fails_as_blocker(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory, run_checks, _line("A1", OK, credited=True), _line("A1", OK, credited=True))
    found = check_of(result, ID)
    assert found["status"] == "fail" and found["severity"] == "blocker"
    assert found["findings"][0]["location"]["line"] == 2


def test_single_quoted_slow_and_wrong_answers_fail(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory, run_checks,
                  _line("A1", "{'ret_code':'0000','ret_msg':'交易成功'}"),
                  _line("A2", OK, elapsed=6200),
                  _line("A3", '{"ret_code":"9999","ret_msg":"x"}'))
    text = " ".join(f["message"]["en"] for f in check_of(result, ID)["findings"])
    assert status_of(result, ID) == "fail"
    assert "single quotes, which is not JSON" in text and "over LianLian's 5 s" in text and 'ret_code is "9999"' in text


def test_refusing_a_failure_notification_is_fine(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory, run_checks,
                  _line("A1", '{"ret_code":"9999","ret_msg":"交易失败"}', result_pay="FAILURE"), _line("A2", OK))
    assert status_of(result, ID) == "pass"


def test_captures_without_notifications_are_not_applicable(tmp_path, config_factory, run_checks):
    pay = json.dumps({"kind": "pay_request", "params": {"oid_partner": "201811230001000001", "sign": "x"}})
    assert status_of(_run(tmp_path, config_factory, run_checks, pay), ID) == "not_applicable"


def test_notifications_without_answers_cannot_be_judged(tmp_path, config_factory, run_checks):
    result = _run(tmp_path, config_factory, run_checks, _line("A1", None))
    assert status_of(result, ID) == "error"


def test_a_notification_that_got_no_answer_fails(tmp_path, config_factory, run_checks):
    body = {"oid_partner": "201811230001000001", "no_order": "A9", "money_order": "0.01", "result_pay": "SUCCESS",
            "sign_type": "MD5", "sign": "0" * 32}
    line = json.dumps({"kind": "notify", "request": {"method": "POST", "body": json.dumps(body)},
                       "response": {"error": "connection refused", "elapsed_ms": 1}})
    found = check_of(_run(tmp_path, config_factory, run_checks, _line("A1", OK), line), ID)
    assert found["status"] == "fail" and "no answer: connection refused" in found["findings"][0]["message"]["en"]

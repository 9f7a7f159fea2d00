"""The sandbox judges each request as LianLian would and answers with LianLian's codes (protocol.md §6):
1012 parse, 3001 merchant, 1008 registration, 1004 parameters, 1001 signature, 9910 risk, 1019/1014
limits, 1002/2007 duplicates, 3003 agreements, 8901/3007/5001 queries -- through a real server."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from sandbox_support import OID, PAGE_HEADERS, TIMEOUT, events, md5_key, page_data, pay_params, post_api, post_wap, post_web, risk_item, sandbox_running, sign

_numbers = itertools.count(1)


def no() -> str:
    return f"J{next(_numbers):06d}"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with sandbox_running(tmp_path_factory.mktemp("judge")) as running:
        yield running


def web(sandbox: Any, params: dict[str, Any], **kw: Any) -> dict[str, str]:
    response = post_web(sandbox.base_url, params, **kw)
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    return page_data(response.text)


def test_a_correct_web_request_is_paid_and_returned(sandbox: Any) -> None:
    order = no()
    data = web(sandbox, sign(pay_params(order, user_id="ok-web")))
    assert data == {"state": "return", "no-order": order, "result-pay": "SUCCESS"}
    request = events(sandbox, "pay_request", order)[0]
    assert request.accepted and request.ret_code == "0000" and request.channel == "web"
    assert request.detail["sign"]["ok"] and request.detail["sign"]["sign_type"] == "RSA"
    assert request.detail["source"] == {"host": "127.0.0.1", "via": "Origin", "judged_as": "www.example.com",
                                        "registered": True, "note": "loopback stands for www.example.com"}
    assert request.status == 200 and "data-state=\"return\"" in (request.response_body or "")


def test_a_correct_wap_request_returns_res_data(sandbox: Any) -> None:
    order = no()
    response = post_wap(sandbox.base_url, sign(pay_params(order, user_id="ok-wap", channel="wap")))
    assert page_data(response.text)["state"] == "return"
    returned = events(sandbox, "return", order)[0]
    assert returned.detail["form"] == "res_data" and returned.params["result_pay"] == "SUCCESS"
    from golive.lianlian.sign import verify_message

    assert verify_message(returned.params, md5_key=md5_key()).ok  # notify_sign_type MD5


@pytest.mark.parametrize("tamper, code, field", [
    (lambda p: {**p, "money_order": "0.02"}, "1001", "sign"),
    (lambda p: {k: v for k, v in p.items() if k != "sign"}, "1004", "sign"),
    (lambda p: {**p, "sign_type": "SHA1"}, "1004", "sign_type"),
])
def test_signature_problems(sandbox: Any, tamper: Any, code: str, field: str) -> None:
    order = no()
    data = web(sandbox, tamper(sign(pay_params(order, user_id="sig"))))
    assert data["state"] == "error" and data["ret-code"] == code
    request = events(sandbox, "pay_request", order)[0]
    assert not request.accepted and request.detail["problems"][0]["field"] == field


def test_md5_signed_requests_verify_with_the_merchant_key(sandbox: Any) -> None:
    data = web(sandbox, sign(pay_params(no(), user_id="md5"), "MD5"))
    assert data["state"] == "return"


def test_missing_and_malformed_parameters_are_1004_naming_the_field(sandbox: Any) -> None:
    order = no()
    data = web(sandbox, sign(pay_params(order, user_id="params", name_goods=None, dt_order="2024-01-01",
                                        notify_url="ftp://x")))
    assert data["ret-code"] == "1004" and data["ret-msg"] == "商户请求参数校验错误[name_goods]"
    fields = {p["field"] for p in events(sandbox, "pay_request", order)[0].detail["problems"]}
    assert {"name_goods", "dt_order", "notify_url"} <= fields


def test_stale_timestamp_is_1004(sandbox: Any) -> None:
    data = web(sandbox, sign(pay_params(no(), user_id="stamp", timestamp="20200101000000")))
    assert data["ret-code"] == "1004" and "timestamp" in data["ret-msg"]


def test_unregistered_page_domain_is_1008(tmp_path: Path) -> None:
    with sandbox_running(tmp_path, as_domain="staging.other.example") as running:
        data = page_data(post_web(running.base_url, sign(pay_params("R1", user_id="reg"))).text)
        assert data["ret-code"] == "1008"
        source = events(running, "pay_request")[0].detail["source"]
        assert source["judged_as"] == "staging.other.example" and source["registered"] is False


def test_no_referer_is_recorded_as_unjudged(sandbox: Any) -> None:
    order = no()
    data = web(sandbox, sign(pay_params(order, user_id="noref")), headers={"X": "y"})
    assert data["state"] == "return"
    assert events(sandbox, "pay_request", order)[0].detail["source"]["registered"] is None


def test_other_merchant_is_3001(sandbox: Any) -> None:
    data = web(sandbox, sign(pay_params(no(), user_id="m", oid_partner="201408071000001543")))
    assert data["ret-code"] == "3001"


@pytest.mark.parametrize("risk, reason", [
    (None, "missing"),
    ("not json", "not valid JSON"),
    (risk_item("r", user_info_id_no=None), "user_info_id_no"),
    (risk_item("r", user_info_dt_register="1499244264000"), "epoch milliseconds"),
    (risk_item("r", frms_ware_category="1001"), "not the category LianLian assigned"),
])
def test_risk_rejection_is_9910(sandbox: Any, risk: str | None, reason: str) -> None:
    order = no()
    data = web(sandbox, sign(pay_params(order, user_id="risk", risk_item=risk)))
    assert data["ret-code"] == "9910" and data["ret-msg"] == "风险等级过高"
    problems = events(sandbox, "pay_request", order)[0].detail["problems"]
    assert any(reason in p["message"] for p in problems), problems


def test_nested_risk_item_in_req_data_is_9910(sandbox: Any) -> None:
    order = no()
    params = sign(pay_params(order, user_id="nested", channel="wap"))
    params["risk_item"] = json.loads(params["risk_item"])  # the classic mistake: an object, not a string
    data = page_data(post_wap(sandbox.base_url, params).text)
    assert data["ret-code"] == "9910"
    assert events(sandbox, "pay_request", order)[0].detail["risk_item"]["nested_object"] is True


def test_integration_limits_1019_and_1014(sandbox: Any) -> None:
    assert web(sandbox, sign(pay_params(no(), user_id="limit", amount="10.01")))["ret-code"] == "1019"
    assert web(sandbox, sign(pay_params(no(), user_id="limit", amount="9.00")))["state"] == "return"
    assert web(sandbox, sign(pay_params(no(), user_id="limit", amount="1.01")))["ret-code"] == "1014"


def test_duplicate_order_numbers(sandbox: Any) -> None:
    order = no()
    params = sign(pay_params(order, user_id="dup"))
    assert web(sandbox, params)["state"] == "return"
    assert web(sandbox, params)["ret-code"] == "2007"  # already paid
    other = sign(pay_params(order, user_id="dup", amount="0.09"))
    assert web(sandbox, other)["ret-code"] in ("1002", "2007")


def test_unknown_agreement_is_3003(sandbox: Any) -> None:
    data = web(sandbox, sign(pay_params(no(), user_id="agree", no_agree="2026010100000000")))
    assert data["ret-code"] == "3003"


def test_unparseable_bodies_are_1012(sandbox: Any) -> None:
    r = requests.post(sandbox.base_url + "/authpay.htm", data={"req_data": "{broken"}, headers=PAGE_HEADERS,
                      timeout=TIMEOUT)
    assert page_data(r.text)["ret-code"] == "1012"
    r = requests.post(sandbox.base_url + "/orderquery.htm", data=b"\xff\xfe", timeout=TIMEOUT)
    assert r.json()["ret_code"] == "1012"


def test_json_answer_on_request(sandbox: Any) -> None:
    r = post_web(sandbox.base_url, sign(pay_params(no(), user_id="json")),
                 headers={**PAGE_HEADERS, "Accept": "application/json"})
    body = r.json()
    assert body["ret_code"] == "0000" and body["result_pay"] == "SUCCESS" and body["return"]["fields"]["sign"]


def test_app_sdk_order_signs_without_identity_fields(sandbox: Any) -> None:
    from golive.lianlian.sign import APP_SDK_EXCLUDED

    order = no()
    params = pay_params(order, user_id="app", channel="app", url_return=None)
    signed = sign(params, exclude=APP_SDK_EXCLUDED)
    body = requests.post(sandbox.base_url + "/_sandbox/sdk/payauth", json=signed, timeout=TIMEOUT).json()
    assert body["ret_code"] == "0000" and body["result_pay"] == "SUCCESS"
    # The web field set (identity included) does not verify as an SDK order.
    wrong = sign(pay_params(no(), user_id="app", channel="app", url_return=None))
    assert requests.post(sandbox.base_url + "/_sandbox/sdk/payauth", json=wrong, timeout=TIMEOUT).json()["ret_code"] == "1001"


def test_order_query_bind_list_and_card_bin(sandbox: Any) -> None:
    from golive.lianlian.sign import verify_message
    from golive.sandbox.cards import card_for_user

    order = no()
    web(sandbox, sign(pay_params(order, user_id="q")))
    answer = post_api(sandbox.base_url, "/orderquery.htm", sign({"oid_partner": OID, "no_order": order}))
    assert answer["ret_code"] == "0000" and answer["result_pay"] == "SUCCESS" and answer["pay_type"] == "D"
    assert verify_message(answer, public_key=sandbox.key.public_key).ok  # RSA request -> RSA answer
    missing = post_api(sandbox.base_url, "/traderapi/orderquery.htm", sign({"oid_partner": OID, "no_order": "nope"}))
    assert missing["ret_code"] == "8901"

    binds = post_api(sandbox.base_url, "/bankcardbindlist.htm",
                     sign({"oid_partner": OID, "user_id": "q", "pay_type": "D", "offset": "0"}, "MD5"))
    assert binds["ret_code"] == "0000" and binds["count"] == "1"
    card = binds["agreement_list"][0]
    assert card["card_no"] == card_for_user("q")[-4:] and len(card["no_agree"]) == 18
    unsigned = {k: v for k, v in binds.items() if k != "agreement_list"}
    assert verify_message(unsigned, md5_key=md5_key()).ok  # agreement_list is not signed, as LianLian documents
    quick = post_api(sandbox.base_url, "/bankcardbindlist.htm",
                     sign({"oid_partner": OID, "user_id": "q", "offset": "0"}))
    assert quick["ret_code"] == "8901"  # pay_type must be D for 认证支付 bindings
    nobody = post_api(sandbox.base_url, "/bankcardbindlist.htm",
                      sign({"oid_partner": OID, "user_id": "nobody", "pay_type": "D", "offset": "0"}))
    assert nobody["ret_code"] == "3007"

    bin_answer = post_api(sandbox.base_url, "/bankcardbin.htm", sign({"oid_partner": OID, "card_no": card_for_user("q")}))
    assert bin_answer["ret_code"] == "0000" and bin_answer["bank_code"] == "01020000" and bin_answer["card_type"] == "2"
    assert post_api(sandbox.base_url, "/bankcardbin.htm", sign({"oid_partner": OID, "card_no": "1234567890123"}))["ret_code"] == "5001"
    assert post_api(sandbox.base_url, "/bankcardbin.htm", {"oid_partner": OID, "card_no": "1"})["ret_code"] == "1004"
    queries = events(sandbox, "query")
    assert {e.api for e in queries} == {"orderquery", "bankcardbindlist", "bankcardbin"}


def test_server_api_from_an_unregistered_ip_is_1008(tmp_path: Path) -> None:
    with sandbox_running(tmp_path, as_ip="198.51.100.1") as running:
        answer = post_api(running.base_url, "/orderquery.htm", sign({"oid_partner": OID, "no_order": "x"}))
        assert answer["ret_code"] == "1008"


def test_unknown_paths_are_journaled(sandbox: Any) -> None:
    r = requests.post(sandbox.base_url + "/payment/bankgateway.htm", data={"a": "1"}, timeout=TIMEOUT)
    assert r.status_code == 404
    assert requests.get(sandbox.base_url + "/orderquery.htm", timeout=TIMEOUT).status_code == 405
    unknown = events(sandbox, "unknown")
    assert any(e.url == "/payment/bankgateway.htm" and e.status == 404 for e in unknown)
    health = requests.get(sandbox.base_url + "/_sandbox/health", timeout=TIMEOUT).json()
    assert health["ok"] and health["lianlian_public_key_sha256"] == sandbox.key.fingerprint_sha256
    pem = requests.get(sandbox.base_url + "/_sandbox/lianlian_public.pem", timeout=TIMEOUT).text
    assert pem == sandbox.key.public_pem and "PRIVATE" not in pem

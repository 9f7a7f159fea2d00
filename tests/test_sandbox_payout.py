"""Payout API through the sandbox (protocol.md §8, guide §十): pay_load opened with the sandbox's
LianLian key, RSA only, the branch rule, confirmation 4002/4003/4004 and the confirm codes
4011/4008/4010/4001, results by notification (SUCCESS, FAILURE with its reason, CANCEL) and query."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from sandbox_support import OID, TIMEOUT, Receiver, events, pay_params, post_web, receiver_running, sandbox_running, sign, wait_for, with_overrides

from golive.lianlian.payload import encrypt_pay_load
from golive.lianlian.sign import verify_message
from golive.sandbox.cards import card_for_user, luhn_digit

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Receiver, str]]:
    receiver = Receiver()
    with receiver_running(receiver) as url, sandbox_running(tmp_path_factory.mktemp("payout")) as sandbox:
        yield sandbox, receiver, url


def payout_params(url: str, card_no: str, amount: str = "0.01", **overrides: Any) -> dict[str, Any]:
    from sandbox_support import now14

    params: dict[str, Any] = {"oid_partner": OID, "api_version": "1.0", "no_order": f"PO{next(_numbers):06d}",
                              "dt_order": now14(), "money_order": amount, "card_no": card_no, "acct_name": "张三",
                              "info_order": "提现", "flag_card": "0", "notify_url": url}
    return with_overrides(params, overrides)


def envelope(sandbox: Any, inner: dict[str, Any], *, key: Any = None) -> dict[str, str]:
    text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
    return {"oid_partner": OID, "pay_load": encrypt_pay_load(text, key or sandbox.key.public_key)}


def apply(sandbox: Any, inner: dict[str, Any], path: str = "/paymentapi/payment.htm", **kw: Any) -> dict[str, Any]:
    answer = requests.post(sandbox.base_url + path, json=envelope(sandbox, inner, **kw), timeout=TIMEOUT).json()
    assert answer["sign_type"] == "RSA" and verify_message(answer, public_key=sandbox.key.public_key).ok
    return answer  # type: ignore[no-any-return]


def query(sandbox: Any, no_order: str) -> dict[str, Any]:
    return requests.post(sandbox.base_url + "/paymentapi/queryPayment.htm",
                         json=sign({"oid_partner": OID, "no_order": no_order, "api_version": "1.0"}),
                         timeout=TIMEOUT).json()


def of(receiver: Receiver, no_order: str) -> list[dict[str, str]]:
    with receiver.lock:
        return [p for _, p in receiver.received if p.get("no_order") == no_order]


def card(seed: str, bin6: str = "622202") -> str:
    return card_for_user(seed, bin6)


def test_payout_succeeds_and_is_notified(world: Any) -> None:
    sandbox, receiver, url = world
    inner = sign(payout_params(url, card("ok")))
    answer = apply(sandbox, inner)
    assert answer["ret_code"] == "0000" and len(answer["oid_paybill"]) == 18
    assert query(sandbox, inner["no_order"])["result_pay"] == "PROCESSING"
    assert wait_for(lambda: len(of(receiver, inner["no_order"])) == 1)
    (note,) = of(receiver, inner["no_order"])
    assert note["result_pay"] == "SUCCESS" and note["sign_type"] == "RSA"
    assert verify_message(note, public_key=sandbox.key.public_key).ok
    assert query(sandbox, inner["no_order"])["result_pay"] == "SUCCESS"
    request = events(sandbox, "payout_request", inner["no_order"])[0]
    assert request.params["card_no"] == card("ok") and request.detail["pay_load"] == {"ok": True}
    assert request.accepted and request.topic == "payout"


def test_pay_load_for_another_key_is_4007(world: Any) -> None:
    from golive.lianlian.platform import lianlian_public_key

    sandbox, _, url = world
    answer = apply(sandbox, sign(payout_params(url, card("k"))), key=lianlian_public_key())
    assert answer["ret_code"] == "4007"
    problem = events(sandbox, "payout_request")[-1].detail["problems"][0]
    assert sandbox.key.fingerprint_sha256[:16] in problem["message"]


def test_plain_body_without_pay_load_is_1004(world: Any) -> None:
    sandbox, _, url = world
    answer = requests.post(sandbox.base_url + "/paymentapi/payment.htm",
                           json=sign(payout_params(url, card("plain"))), timeout=TIMEOUT).json()
    assert answer["ret_code"] == "1004" and "pay_load" in answer["ret_msg"]


@pytest.mark.parametrize("make, code, field", [
    (lambda url: sign(payout_params(url, card("md5")), "MD5"), "1004", "sign_type"),
    (lambda url: {**sign(payout_params(url, card("bad"))), "money_order": "9.99"}, "1001", "sign"),
    (lambda url: sign(payout_params(url, card("info"), info_order=None)), "1004", "info_order"),
    (lambda url: sign(payout_params(url, card("bocom", "622262"))), "1004", "brabank_name"),
    (lambda url: sign(payout_params(url, card("luhn")[:-1] + str((int(card("luhn")[-1]) + 1) % 10))), "1100", "card_no"),
])
def test_refusals(world: Any, make: Any, code: str, field: str) -> None:
    sandbox, _, url = world
    answer = apply(sandbox, make(url))
    assert answer["ret_code"] == code
    assert events(sandbox, "payout_request")[-1].detail["problems"][0]["field"] == field


def test_branch_information_satisfies_the_rule(world: Any) -> None:
    sandbox, _, url = world
    inner = sign(payout_params(url, card("bocom2", "622262"), city_code="310100", brabank_name="交通银行上海分行"))
    assert apply(sandbox, inner)["ret_code"] == "0000"


def test_duplicate_no_order_is_1002(world: Any) -> None:
    sandbox, _, url = world
    inner = sign(payout_params(url, card("dupno")))
    assert apply(sandbox, inner)["ret_code"] == "0000"
    assert apply(sandbox, inner)["ret_code"] == "1002"


def test_same_card_and_amount_today_needs_confirmation(world: Any) -> None:
    sandbox, receiver, url = world
    target = card("twice")
    assert apply(sandbox, sign(payout_params(url, target, "0.03")))["ret_code"] == "0000"
    second = sign(payout_params(url, target, "0.03"))
    answer = apply(sandbox, second)
    assert answer["ret_code"] == "4002" and len(answer["confirm_code"]) == 6
    assert query(sandbox, second["no_order"])["result_pay"] == "CHECK"
    confirm = {"oid_partner": OID, "api_version": "1.0", "no_order": second["no_order"]}
    assert apply(sandbox, sign({**confirm, "confirm_code": "000000" if answer["confirm_code"] != "000000" else "111111"}),
                 "/paymentapi/confirmPayment.htm")["ret_code"] == "4011"
    done = apply(sandbox, sign({**confirm, "confirm_code": answer["confirm_code"]}), "/paymentapi/confirmPayment.htm")
    assert done["ret_code"] == "0000" and done["oid_paybill"]
    assert wait_for(lambda: len(of(receiver, second["no_order"])) == 1)
    assert [e.ret_code for e in events(sandbox, "payout_confirm", second["no_order"])] == ["4011", "0000"]
    again = apply(sandbox, sign({**confirm, "confirm_code": answer["confirm_code"]}), "/paymentapi/confirmPayment.htm")
    assert again["ret_code"] == "4001"


def test_card_of_another_name_is_4003(world: Any) -> None:
    sandbox, _, url = world
    payer = pay_params("PAYER1", user_id="payer-4003", notify_url=url)
    post_web(sandbox.base_url, sign(payer))  # the sandbox learns: this test card is 张三's
    answer = apply(sandbox, sign(payout_params(url, card_for_user("payer-4003"), acct_name="李四")))
    assert answer["ret_code"] == "4003" and answer["confirm_code"]


def test_tagged_confirmations_and_too_many_tries(world: Any) -> None:
    sandbox, _, url = world
    inner = sign(payout_params(url, card("both"), info_order="提现 golive:payout_confirm_both"))
    answer = apply(sandbox, inner)
    assert answer["ret_code"] == "4004"
    wrong = "000000" if answer["confirm_code"] != "000000" else "111111"
    codes = [apply(sandbox, sign({"oid_partner": OID, "api_version": "1.0", "no_order": inner["no_order"],
                                  "confirm_code": wrong}), "/paymentapi/confirmPayment.htm")["ret_code"]
             for _ in range(7)]
    assert codes == ["4011"] * 5 + ["4008", "4008"]


def test_failure_carries_its_reason_and_cancel_follows_success(world: Any) -> None:
    sandbox, receiver, url = world
    failing = sign(payout_params(url, card("fail"), info_order="提现 golive:payout_failure"))
    cancelled = sign(payout_params(url, card("cancel"), info_order="提现 golive:payout_cancel"))
    assert apply(sandbox, failing)["ret_code"] == "0000"
    assert apply(sandbox, cancelled)["ret_code"] == "0000"
    assert wait_for(lambda: len(of(receiver, failing["no_order"])) == 1 and len(of(receiver, cancelled["no_order"])) == 2)
    (failure,) = of(receiver, failing["no_order"])
    assert failure["result_pay"] == "FAILURE" and "付款失败" in failure["info_order"]
    assert "付款失败" in query(sandbox, failing["no_order"])["memo"]
    assert [p["result_pay"] for p in of(receiver, cancelled["no_order"])] == ["SUCCESS", "CANCEL"]
    assert query(sandbox, cancelled["no_order"])["result_pay"] == "CANCEL"


def test_confirmation_window_closes(tmp_path: Path) -> None:
    with sandbox_running(tmp_path, time_scale=200000.0) as sandbox:  # 24 h -> 0.43 s
        inner = sign(payout_params("http://127.0.0.1:9/n", card("late"), info_order="golive:payout_confirm_duplicate"))
        answer = apply(sandbox, inner)
        time.sleep(0.6)
        assert query(sandbox, inner["no_order"])["result_pay"] == "CLOSED"
        late = apply(sandbox, sign({"oid_partner": OID, "api_version": "1.0", "no_order": inner["no_order"],
                                    "confirm_code": answer["confirm_code"]}), "/paymentapi/confirmPayment.htm")
        assert late["ret_code"] == "4010"


def test_luhn_helper() -> None:
    assert luhn_digit("7992739871") == "3"

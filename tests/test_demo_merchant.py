"""The bundled demo merchant, over real HTTP on 127.0.0.1 with real SQLite and the real demo keys.

First the correct merchant (it must integrate LianLian correctly, or golive's end-to-end tests
would prove nothing), then one test per defect showing that the bug is really there.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from golive.examples.demo_merchant import (
    ACK_FAIL,
    ACK_OK,
    ACK_OK_SINGLE_QUOTES,
    DEFECTS,
    RunningMerchant,
    WAP_ACTION,
    WEB_ACTION,
    DemoSettings,
    fake_profile,
    gb11643_check_digit,
    start_demo_merchant,
)
from golive.examples.demo_merchant import app as demo_app
from golive.lianlian.keys import load_private_key, load_public_key
from golive.lianlian.sign import md5_verify, rsa_verify, sign_params

KEYS = Path(__file__).resolve().parents[1] / "examples" / "keys"
MD5_KEY = (KEYS / "md5.key").read_text(encoding="utf-8").strip()
STAGING_LLPAY_PRIVATE = load_private_key((KEYS / "staging_llpay_private.pem").read_text(), source="staging")
MERCHANT_PUBLIC = load_public_key((KEYS / "merchant_public.pem").read_text(), source="merchant_public")
OID = "201811230001000001"
CARD_A = "2026113000012345678"  # no_agree values LianLian returns for the user's paying card
CARD_B = "2026113000087654321"
TIMEOUT = 10


# -- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., RunningMerchant]]:
    """Start demo merchants (each with its own SQLite file); all stopped at teardown."""
    running: list[RunningMerchant] = []

    def _start(*defects: str, **overrides: Any) -> RunningMerchant:
        db = tmp_path / f"merchant{len(running)}.sqlite3"
        settings = DemoSettings.from_example_keys(KEYS, db, defects=frozenset(defects), **overrides)
        merchant = start_demo_merchant(settings)
        running.append(merchant)
        return merchant

    yield _start
    for merchant in running:
        merchant.stop()


def new_order(m: RunningMerchant, user: str = "alice", amount: str = "0.01") -> dict[str, str]:
    r = requests.post(m.url("/test/orders"), data={"user": user, "amount": amount}, timeout=TIMEOUT)
    assert r.status_code == 200
    return r.json()["data"]


def notification(order: dict[str, str], *, sign_type: str = "MD5", no_agree: str = CARD_A,
                 **fields: str) -> dict[str, str]:
    """A LianLian 认证支付 success notification for `order`, signed like LianLian would."""
    params = {
        "oid_partner": OID, "dt_order": order["created"], "no_order": order["no"],
        "oid_paybill": "2026113012345678", "money_order": order["amount"], "result_pay": "SUCCESS",
        "settle_date": order["created"][:8], "info_order": "示例理财", "pay_type": "D",
        "bank_code": "01020000", "no_agree": no_agree, "id_type": "0",
        "id_no": "110101198202238775", "acct_name": "黄丽",
    }
    params.update(fields)
    if sign_type == "MD5":
        return sign_params(params, "MD5", md5_key=MD5_KEY)
    return sign_params(params, "RSA", private_key=STAGING_LLPAY_PRIVATE)


def notify(m: RunningMerchant, payload: dict[str, str] | bytes,
           content_type: str | None = "text/json;charset=utf-8") -> requests.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": content_type} if content_type else {}
    return requests.post(m.url("/llpay/notify"), data=body, headers=headers, timeout=TIMEOUT)


def ack_text(r: requests.Response) -> str:
    assert r.status_code == 200
    return r.content.decode("utf-8")


def credits(m: RunningMerchant, no_order: str) -> int:
    return int(requests.get(m.url(f"/test/orders/{no_order}"), timeout=TIMEOUT).json()["credits"])


def burst(n: int, call: Callable[[], requests.Response]) -> list[requests.Response]:
    """`n` identical requests released together (threads + barrier)."""
    barrier = threading.Barrier(n)
    results: list[requests.Response | None] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def withdraw(m: RunningMerchant, user: str, card: str, amount: str) -> dict[str, Any]:
    r = requests.post(m.url("/test/withdrawals"), json={"user": user, "card": card, "amount": amount},
                      timeout=TIMEOUT)
    assert r.status_code == 200
    return r.json()


def paid_user(m: RunningMerchant, user: str, amount: str, card: str = CARD_A, **fields: str) -> str:
    order = new_order(m, user, amount)
    assert ack_text(notify(m, notification(order, no_agree=card, **fields))) == ACK_OK
    return order["no"]


# -- the correct merchant ----------------------------------------------------------------------


def test_health_unknown_path_and_wrong_method(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    assert requests.get(m.url("/health"), timeout=TIMEOUT).json() == {"ok": True}
    missing = requests.get(m.url("/nowhere"), timeout=TIMEOUT)
    assert missing.status_code == 404 and missing.json()["error"]
    wrong = requests.get(m.url("/llpay/notify"), timeout=TIMEOUT)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    assert requests.get(m.url("/test/orders/NOPE"), timeout=TIMEOUT).status_code == 404


def test_create_order_by_form_and_json(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    form = new_order(m, "alice", "0.01")
    assert form["amount"] == "0.01" and form["user"] == "alice"
    assert len(form["created"]) == 14 and form["created"].isdigit()
    by_json = requests.post(m.url("/test/orders"), json={"user": "bob", "amount": "1.5"},
                            timeout=TIMEOUT).json()["data"]
    assert by_json["amount"] == "1.50" and by_json["no"] != form["no"]
    state = requests.get(m.url(f"/test/orders/{form['no']}"), timeout=TIMEOUT).json()
    assert state["no"] == form["no"] and state["status"] == "pending" and state["credits"] == 0
    for bad in ({"user": "x", "amount": "0.001"}, {"user": "x", "amount": "-1"}, {"amount": "1"}):
        assert requests.post(m.url("/test/orders"), data=bad, timeout=TIMEOUT).status_code == 400


def test_signed_notification_is_acked_exactly_and_credited_once(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    order = new_order(m)
    first = notify(m, notification(order))
    assert first.content == ACK_OK.encode("utf-8")
    assert first.headers["Content-Type"] == "application/json;charset=utf-8"
    assert json.loads(first.content) == {"ret_code": "0000", "ret_msg": "交易成功"}
    assert credits(m, order["no"]) == 1
    # Redelivery (LianLian resends about every 2 minutes): acked, not credited again.
    for content_type in ("application/json", None):
        assert ack_text(notify(m, notification(order), content_type)) == ACK_OK
    assert credits(m, order["no"]) == 1
    assert requests.get(m.url(f"/test/orders/{order['no']}"), timeout=TIMEOUT).json()["status"] == "paid"


def test_concurrent_identical_notifications_credit_once(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    order = new_order(m)
    body = json.dumps(notification(order), ensure_ascii=False).encode()
    answers = burst(16, lambda: notify(m, body))
    assert all(ack_text(r) == ACK_OK for r in answers)
    assert credits(m, order["no"]) == 1


def test_forged_tampered_and_malformed_notifications_are_refused(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    order = new_order(m, amount="0.10")
    good = notification(order)
    other_key = sign_params({k: v for k, v in good.items() if k != "sign"}, "MD5",
                            md5_key="someone_elses_key_0123456789abcdef")
    unknown = dict(order, no="DM00000000000000000000")
    cases: dict[str, dict[str, str] | bytes] = {
        "bad sign": dict(good, sign="0" * 32),
        "wrong MD5 key": other_key,
        "no sign": {k: v for k, v in good.items() if k != "sign"},
        "field changed after signing": dict(good, money_order="100.00"),
        # The next ones are correctly signed: only the merchant's own checks can catch them.
        "RSA although the merchant site says MD5": notification(order, sign_type="RSA"),
        "altered amount": notification(order, money_order="100.00"),
        "unknown order": notification(unknown),
        "another merchant": notification(order, oid_partner="201408071000001543"),
        "not JSON": b"oid_partner=201811230001000001&sign=x",
        "not UTF-8": json.dumps(good, ensure_ascii=False).encode("gbk"),
        "JSON array": b"[]",
        "number values": json.dumps(dict(good, money_order=0.1)).encode(),
        "empty": b"",
    }
    for name, payload in cases.items():
        assert ack_text(notify(m, payload)) == ACK_FAIL, name
    assert credits(m, order["no"]) == 0
    assert ack_text(notify(m, good)) == ACK_OK  # the genuine one still goes through
    assert credits(m, order["no"]) == 1


def test_rsa_merchant_site_verifies_rsa_and_refuses_md5(start: Callable[..., RunningMerchant]) -> None:
    m = start(notify_sign_type="RSA")
    order = new_order(m)
    assert ack_text(notify(m, notification(order, sign_type="MD5"))) == ACK_FAIL
    assert ack_text(notify(m, dict(notification(order, sign_type="RSA"), money_order="9.99"))) == ACK_FAIL
    assert credits(m, order["no"]) == 0
    assert ack_text(notify(m, notification(order, sign_type="RSA"))) == ACK_OK
    assert credits(m, order["no"]) == 1


def test_non_success_result_is_acknowledged_but_never_credited(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    order = new_order(m)
    for result in ("FAILURE", "PROCESSING", "REFUND"):
        assert ack_text(notify(m, notification(order, result_pay=result))) == ACK_OK
    assert credits(m, order["no"]) == 0
    assert requests.get(m.url(f"/test/orders/{order['no']}"), timeout=TIMEOUT).json()["status"] == "pending"


def test_sync_return_shows_result_and_never_credits(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    order = new_order(m)
    fields = {k: v for k, v in notification(order).items()
              if k in {"oid_partner", "dt_order", "no_order", "oid_paybill", "money_order",
                       "result_pay", "settle_date", "info_order", "pay_type", "bank_code"}}
    signed = sign_params(fields, "MD5", md5_key=MD5_KEY)
    web = requests.post(m.url("/pay/return"), data=signed, timeout=TIMEOUT)
    assert web.status_code == 200 and web.headers["Content-Type"].startswith("text/html")
    assert "支付结果以异步通知为准" in web.text and "签名校验通过" in web.text
    wap = requests.post(m.url("/pay/return"), data={"res_data": json.dumps(signed)}, timeout=TIMEOUT)
    assert "签名校验通过" in wap.text
    forged = requests.post(m.url("/pay/return"),
                           data=dict(signed, sign="f" * 32, info_order="<script>alert(1)</script>",
                                     no_order='"><img src=x>'),
                           timeout=TIMEOUT)
    assert "签名校验未通过" in forged.text
    assert "<script>" not in forged.text and "<img" not in forged.text and "&lt;img" in forged.text
    assert credits(m, order["no"]) == 0


def _risk(params: dict[str, Any]) -> dict[str, str]:
    assert isinstance(params["risk_item"], str), "risk_item must be a JSON string"
    risk = json.loads(params["risk_item"])
    assert all(isinstance(v, str) for v in risk.values())
    return risk


def test_pay_request_is_signed_and_carries_full_risk_and_identity(start: Callable[..., RunningMerchant]) -> None:
    m = start()  # requests signed with RSA (as examples/golive.yaml), callbacks with MD5
    web = requests.get(m.url("/pay"), params={"user": "carol", "amount": "0.02"}, timeout=TIMEOUT).json()
    assert web["action"] == WEB_ACTION
    params = web["params"]
    assert params["sign_type"] == "RSA" and rsa_verify(params, MERCHANT_PUBLIC)
    assert all(isinstance(v, str) for v in params.values())
    risk = _risk(params)
    assert risk["frms_ware_category"] == "2009" and risk["user_info_mercht_userno"] == "carol"
    assert risk["user_info_id_type"] == "0" and risk["user_info_identify_state"] == "1"
    assert risk["user_info_identify_type"] == "1"
    id_no = risk["user_info_id_no"]
    assert len(id_no) == 18 and gb11643_check_digit(id_no[:17]) == id_no[17]
    assert len(risk["user_info_bind_phone"]) == 11 and risk["user_info_bind_phone"].startswith("1")
    assert len(risk["user_info_dt_register"]) == 14 and risk["user_info_dt_register"] < params["dt_order"]
    assert params["id_no"] == id_no and params["acct_name"] == risk["user_info_full_name"]
    assert params["id_type"] == "0" and params["flag_modify"] == "1" and params["user_id"] == "carol"
    assert params["money_order"] == "0.02" and params["notify_url"] == m.url("/llpay/notify")
    assert params["userreq_ip"] == "127_0_0_1" and "no_agree" not in params and "card_no" not in params

    # A repeat payer: no_agree from the notification is reused, never together with card_no.
    order = {"no": params["no_order"], "created": params["dt_order"], "amount": "0.02"}
    assert ack_text(notify(m, notification(order, no_agree=CARD_A))) == ACK_OK
    wap = requests.get(m.url("/pay"), params={"user": "carol", "channel": "wap"}, timeout=TIMEOUT).json()
    assert wap["action"] == WAP_ACTION and isinstance(wap["req_data"], str)
    req = json.loads(wap["req_data"])
    assert req["app_request"] == "3" and rsa_verify(req, MERCHANT_PUBLIC)
    assert req["no_agree"] == CARD_A and "card_no" not in req
    assert _risk(req)["user_info_id_no"] == id_no

    md5 = start(request_sign_type="MD5")
    params = requests.get(md5.url("/pay"), params={"user": "dave"}, timeout=TIMEOUT).json()["params"]
    assert params["sign_type"] == "MD5" and md5_verify(params, MD5_KEY)
    assert requests.get(md5.url("/pay"), params={"user": "dave", "channel": "app"},
                        timeout=TIMEOUT).status_code == 400


def test_withdrawals_same_card_and_amount_bound(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    paid_user(m, "erin", "0.10", card=CARD_A)
    assert withdraw(m, "erin", CARD_B, "0.01")["result"] == "REFUSED"          # another card
    assert withdraw(m, "erin", CARD_A, "0.11")["result"] == "REFUSED"          # over the bound
    accepted = withdraw(m, "erin", CARD_A, "0.06")
    assert accepted["result"] == "ACCEPTED" and accepted["payout_no"]
    assert withdraw(m, "erin", CARD_A, "0.05")["result"] == "REFUSED"          # 0.04 left
    r = requests.post(m.url("/test/earnings"), data={"user": "erin", "amount": "0.01"}, timeout=TIMEOUT)
    assert r.json()["earnings"] == "0.01"
    assert withdraw(m, "erin", CARD_A, "0.05")["result"] == "ACCEPTED"         # earnings raise it
    assert withdraw(m, "erin", CARD_A, "0.01")["result"] == "REFUSED"
    assert requests.get(m.url("/test/payouts/erin"), timeout=TIMEOUT).json()["count"] == 2
    assert withdraw(m, "nobody", CARD_A, "0.01")["result"] == "REFUSED"
    for bad in ({"user": "erin", "card": CARD_A}, {"user": "erin", "amount": "0.01"},
                {"user": "erin", "card": CARD_A, "amount": "abc"}):
        assert requests.post(m.url("/test/withdrawals"), json=bad, timeout=TIMEOUT).status_code == 400
    assert requests.post(m.url("/test/withdrawals"), data=b"{not json", timeout=TIMEOUT,
                         headers={"Content-Type": "application/json"}).status_code == 400
    ledger = requests.get(m.url("/test/ledger.csv"), timeout=TIMEOUT).text.splitlines()
    assert ledger[0] == "user_id,kind,no_order,amount,card,time,status,settle_date,oid_paybill"
    assert sum(",withdrawal," in line for line in ledger) == 2


def test_withdrawal_by_card_last_four_when_known(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    paid_user(m, "fay", "0.10", card=CARD_A, card_no="622202******1234")
    assert withdraw(m, "fay", "1234", "0.01")["result"] == "ACCEPTED"
    assert withdraw(m, "fay", "622202******1234", "0.01")["result"] == "ACCEPTED"
    assert withdraw(m, "fay", "5678", "0.01")["result"] == "REFUSED"
    assert withdraw(m, "fay", "6222020000001234", "0.01")["result"] == "REFUSED"  # not provably the same


def test_concurrent_withdrawals_cannot_overdraw(start: Callable[..., RunningMerchant]) -> None:
    m = start()
    paid_user(m, "gus", "0.10")
    answers = burst(8, lambda: requests.post(m.url("/test/withdrawals"), timeout=TIMEOUT,
                                             json={"user": "gus", "card": CARD_A, "amount": "0.05"}))
    assert sum(r.json()["result"] == "ACCEPTED" for r in answers) == 2
    assert requests.get(m.url("/test/payouts/gus"), timeout=TIMEOUT).json() == {"count": 2, "total": "0.10"}


def test_binds_loopback_only_and_validates_settings(tmp_path: Path) -> None:
    settings = DemoSettings.from_example_keys(KEYS, tmp_path / "m.sqlite3")
    for host in ("0.0.0.0", "192.168.1.10", "example.com", "::"):
        with pytest.raises(ValueError, match="loopback"):
            start_demo_merchant(settings, host=host)
    with pytest.raises(ValueError, match="unknown demo merchant defect"):
        DemoSettings.from_example_keys(KEYS, defects=frozenset({"no_such_bug"}))
    with pytest.raises(ValueError, match="MD5 or RSA"):
        DemoSettings.from_example_keys(KEYS, notify_sign_type="SHA1")
    with start_demo_merchant(DemoSettings.from_example_keys(KEYS)) as m:  # temporary DB
        assert m.base_url.startswith("http://127.0.0.1:")
        assert requests.get(m.url("/health"), timeout=TIMEOUT).status_code == 200


def test_fake_profiles_are_stable_and_valid() -> None:
    assert gb11643_check_digit("11010519491231002") == "X"  # the standard's own example
    a, b = fake_profile("alice"), fake_profile("alice")
    assert (a.full_name, a.id_no, a.mobile) == (b.full_name, b.id_no, b.mobile)
    assert fake_profile("bob").id_no != a.id_no


# -- each defect is really there ---------------------------------------------------------------


def test_every_defect_is_described_in_both_languages() -> None:
    assert len(DEFECTS) == 20
    for name, text in DEFECTS.items():
        assert name.isidentifier() and " / " in text, name


def test_defect_ack_before_commit(start: Callable[..., RunningMerchant]) -> None:
    m = start("ack_before_commit")
    order = new_order(m)
    assert ack_text(notify(m, notification(order))) == ACK_OK
    assert credits(m, order["no"]) == 0  # acknowledged, not yet on the books
    deadline = time.monotonic() + 5
    while credits(m, order["no"]) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert credits(m, order["no"]) == 1


def test_defect_no_duplicate_guard(start: Callable[..., RunningMerchant]) -> None:
    m = start("no_duplicate_guard")
    sequential = new_order(m)
    for _ in range(2):
        assert ack_text(notify(m, notification(sequential))) == ACK_OK
    assert credits(m, sequential["no"]) == 1  # a sequential duplicate is caught by the SELECT
    worst = 0
    for _ in range(3):
        order = new_order(m)
        body = json.dumps(notification(order), ensure_ascii=False).encode()
        burst(16, lambda: notify(m, body))
        worst = max(worst, credits(m, order["no"]))
        if worst > 1:
            break
    assert worst > 1


def test_defect_no_idempotency(start: Callable[..., RunningMerchant]) -> None:
    m = start("no_idempotency")
    order = new_order(m)
    for _ in range(2):
        assert ack_text(notify(m, notification(order))) == ACK_OK
    assert credits(m, order["no"]) == 2


def test_defect_wrong_ack_body(start: Callable[..., RunningMerchant]) -> None:
    m = start("wrong_ack_body")
    order = new_order(m)
    body = ack_text(notify(m, notification(order)))
    assert body == ACK_OK_SINGLE_QUOTES
    with pytest.raises(ValueError):
        json.loads(body)
    assert credits(m, order["no"]) == 1


def test_defect_accepts_forged(start: Callable[..., RunningMerchant]) -> None:
    m = start("accepts_forged")
    order = new_order(m)
    assert ack_text(notify(m, dict(notification(order), sign="0" * 32))) == ACK_OK
    assert credits(m, order["no"]) == 1


def test_defect_accepts_any_sign_type(start: Callable[..., RunningMerchant]) -> None:
    m = start("accepts_any_sign_type")  # the merchant site says MD5
    order = new_order(m)
    assert ack_text(notify(m, notification(order, sign_type="RSA"))) == ACK_OK
    assert credits(m, order["no"]) == 1


def test_defect_ignores_amount(start: Callable[..., RunningMerchant]) -> None:
    m = start("ignores_amount")
    cheap = new_order(m, "hal", "0.01")
    assert ack_text(notify(m, notification(cheap, money_order="100.00"))) == ACK_OK
    assert credits(m, cheap["no"]) == 1
    other = new_order(m, "hal", "0.01")
    assert ack_text(notify(m, notification(other, oid_partner="201408071000001543"))) == ACK_OK
    assert credits(m, other["no"]) == 1
    # The tampered amount is what went on the books: it now backs a large withdrawal.
    assert withdraw(m, "hal", CARD_A, "50.00")["result"] == "ACCEPTED"


def test_defect_credits_sync_return(start: Callable[..., RunningMerchant]) -> None:
    m = start("credits_sync_return")
    order = new_order(m)
    forged = {"oid_partner": OID, "sign_type": "MD5", "sign": "0" * 32, "no_order": order["no"],
              "money_order": order["amount"], "result_pay": "SUCCESS"}
    requests.post(m.url("/pay/return"), data=forged, timeout=TIMEOUT)
    assert credits(m, order["no"]) == 1


def test_defect_credits_non_success(start: Callable[..., RunningMerchant]) -> None:
    m = start("credits_non_success")
    order = new_order(m)
    assert ack_text(notify(m, notification(order, result_pay="FAILURE"))) == ACK_OK
    assert credits(m, order["no"]) == 1


def test_defect_missing_risk_fields(start: Callable[..., RunningMerchant]) -> None:
    m = start("missing_risk_fields")
    params = requests.get(m.url("/pay"), params={"user": "ida"}, timeout=TIMEOUT).json()["params"]
    assert isinstance(params["risk_item"], dict)
    assert "user_info_dt_register" not in params["risk_item"]
    assert "user_info_id_no" not in params["risk_item"]
    req = json.loads(requests.get(m.url("/pay"), params={"user": "ida", "channel": "wap"},
                                  timeout=TIMEOUT).json()["req_data"])
    assert isinstance(req["risk_item"], dict)


def test_defect_withdraw_any_card(start: Callable[..., RunningMerchant]) -> None:
    m = start("withdraw_any_card")
    paid_user(m, "jo", "0.10", card=CARD_A)
    assert withdraw(m, "jo", CARD_B, "0.05")["result"] == "ACCEPTED"
    assert withdraw(m, "jo", CARD_B, "0.06")["result"] == "REFUSED"  # the bound still holds


def test_defect_no_amount_bound(start: Callable[..., RunningMerchant]) -> None:
    m = start("no_amount_bound")
    paid_user(m, "kai", "0.10", card=CARD_A)
    assert withdraw(m, "kai", CARD_A, "99.00")["result"] == "ACCEPTED"
    assert withdraw(m, "kai", CARD_B, "0.01")["result"] == "REFUSED"  # the card check still holds


def test_defect_slow_ack(start: Callable[..., RunningMerchant]) -> None:
    assert demo_app.SLOW_ACK_DELAY_S > 5  # past LianLian's 5 s
    m = start("slow_ack")
    order = new_order(m)
    began = time.monotonic()
    with pytest.raises(requests.Timeout):  # what LianLian (5 s budget) sees
        requests.post(m.url("/llpay/notify"), timeout=5,
                      data=json.dumps(notification(order), ensure_ascii=False).encode())
    assert time.monotonic() - began >= 4.9
    assert credits(m, order["no"]) == 1  # booked; only the answer is late

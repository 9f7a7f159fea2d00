"""Notification delivery as LianLian does it: the exact ack contract, redelivery on anything else on a
time-scaled schedule, nothing after 0000, give up after the last attempt, loopback targets only."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sandbox_support import Receiver, events, md5_key, pay_params, post_web, receiver_running, sandbox_running, sign, wait_for

from golive.sandbox.delivery import judge_ack
from golive.sandbox.journal import Outcome

OK = '{"ret_code":"0000","ret_msg":"交易成功"}'


@pytest.mark.parametrize("status, body, elapsed, error, ok, reason", [
    (200, OK.encode(), 10, None, True, None),
    (200, b'{"ret_code":"0000","ret_msg":"ok"}', 10, None, True, None),  # the English docs' variant
    (200, "{'ret_code':'0000','ret_msg':'交易成功'}".encode(), 10, None, False, "single quotes"),
    (200, b'{"ret_code":"9999","ret_msg":"x"}', 10, None, False, "ret_code '9999'"),
    (200, b"success", 10, None, False, "not JSON"),
    (200, b"", 10, None, False, "empty body"),
    (200, b"[1]", 10, None, False, "not an object"),
    (500, OK.encode(), 10, None, False, "HTTP 500"),
    (200, OK.encode(), 5200, None, False, "after 5.2 s"),
    (None, b"", 0, "connection refused", False, "connection refused"),
])
def test_ack_contract(status: int | None, body: bytes, elapsed: float, error: str | None, ok: bool,
                      reason: str | None) -> None:
    facts = judge_ack(status, body, elapsed, error, 5.0)
    assert facts["contract_ok"] is ok
    if reason:
        assert reason in facts["reason"]


def _pay(running: Any, notify_url: str, order: str, amount: str = "0.01", user: str = "d1") -> None:
    response = post_web(running.base_url, sign(pay_params(order, user_id=user, amount=amount, notify_url=notify_url)))
    assert 'data-state="return"' in response.text, response.text[:400]


def test_redelivered_until_0000_then_never_again(tmp_path: Path) -> None:
    receiver = Receiver(answer=lambda n, p: (200, OK) if n >= 3 else (200, '{"ret_code":"9999","ret_msg":"交易失败"}'))
    with receiver_running(receiver) as url, sandbox_running(tmp_path, time_scale=1200.0) as running:
        _pay(running, url, "D1")
        assert wait_for(lambda: receiver.count() == 3)
        time.sleep(0.6)  # several more intervals (0.1 s each): nothing after the 0000
        assert receiver.count() == 3
        deliveries = events(running, "notify_delivery", "D1")
        assert [(e.attempt, e.outcome) for e in deliveries] == [(1, Outcome.RETRY), (2, Outcome.RETRY), (3, Outcome.ACKED)]
        gaps = [b.at - a.at for a, b in zip(deliveries, deliveries[1:])]
        assert all(0.08 <= gap < 1.0 for gap in gaps), gaps  # 120 s / 1200
        first = deliveries[0]
        assert first.request_headers == (("Content-Type", "text/json;charset=utf-8"),)
        assert first.detail["ack"]["reason"] == "ret_code '9999', not '0000'"
        notification = json.loads(first.request_body or "")
        assert set(notification) == {"oid_partner", "dt_order", "no_order", "oid_paybill", "money_order", "result_pay",
                                     "settle_date", "info_order", "pay_type", "bank_code", "no_agree", "id_type",
                                     "id_no", "acct_name", "sign_type", "sign"}
        from golive.lianlian.sign import verify_message

        assert verify_message(notification, md5_key=md5_key(), allowed_sign_types=["MD5"]).ok


def test_gives_up_after_the_last_attempt(tmp_path: Path) -> None:
    receiver = Receiver(answer=lambda n, p: (200, "{'ret_code':'0000','ret_msg':'交易成功'}"))
    with receiver_running(receiver) as url, sandbox_running(tmp_path, time_scale=6000.0, max_deliveries=5) as running:
        _pay(running, url, "D2")
        assert wait_for(lambda: running.sandbox.outbox.pending_count() == 0)
        time.sleep(0.2)
        assert receiver.count() == 5
        outcomes = [e.outcome for e in events(running, "notify_delivery", "D2")]
        assert outcomes == [Outcome.RETRY] * 4 + [Outcome.EXHAUSTED]


def test_slow_ack_counts_as_not_received(tmp_path: Path) -> None:
    receiver = Receiver(delay_s=0.6)
    with receiver_running(receiver) as url, sandbox_running(tmp_path, ack_timeout_s=0.3, max_deliveries=2,
                                                             time_scale=6000.0) as running:
        _pay(running, url, "D3")
        assert wait_for(lambda: len(events(running, "notify_delivery", "D3")) == 2)
        first = events(running, "notify_delivery", "D3")[0]
        assert first.outcome is Outcome.RETRY and first.elapsed_ms is not None and first.elapsed_ms >= 300
        assert "0.3 s" in (first.error or first.detail["ack"]["reason"])


def test_down_merchant_is_retried_and_recorded(tmp_path: Path) -> None:
    with sandbox_running(tmp_path, time_scale=6000.0, max_deliveries=2) as running:
        _pay(running, "http://127.0.0.1:9/notify", "D4")
        assert wait_for(lambda: running.sandbox.outbox.pending_count() == 0)
        deliveries = events(running, "notify_delivery", "D4")
        assert [e.outcome for e in deliveries] == [Outcome.RETRY, Outcome.EXHAUSTED]
        assert deliveries[0].error == "connection refused" and deliveries[0].status is None


def test_non_loopback_notify_url_is_never_contacted(tmp_path: Path) -> None:
    with sandbox_running(tmp_path) as running:
        _pay(running, "http://203.0.113.50/notify", "D5")
        assert wait_for(lambda: running.sandbox.outbox.pending_count() == 0)
        (delivery,) = events(running, "notify_delivery", "D5")
        assert delivery.outcome is Outcome.REFUSED and "--allow-notify-host" in (delivery.error or "")


def test_rsa_callbacks_are_signed_with_the_sandbox_key(tmp_path: Path) -> None:
    receiver = Receiver()
    with receiver_running(receiver) as url, sandbox_running(tmp_path, {"signing": {"notify_sign_type": "RSA"}}) as running:
        _pay(running, url, "D6")
        assert wait_for(lambda: receiver.count() == 1)
        from golive.lianlian.platform import lianlian_public_key
        from golive.lianlian.sign import verify_message

        _, notification = receiver.received[0]
        assert notification["sign_type"] == "RSA"
        assert verify_message(notification, public_key=running.key.public_key).ok
        assert not verify_message(notification, public_key=lianlian_public_key()).ok  # never LianLian's real key

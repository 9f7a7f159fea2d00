"""Acceptance scenarios, chosen by amount or by a golive:NAME tag in info_order: what reaches the
merchant, in which order, and what the order query says meanwhile."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from sandbox_support import OID, Receiver, events, md5_key, page_data, pay_params, post_api, post_web, receiver_running, sandbox_running, sign, wait_for

from golive.sandbox.scenarios import PAYMENT_SCENARIOS, payment_scenario, payout_scenario


def test_selection_by_amount_tag_and_flag() -> None:
    assert payment_scenario("0.01", None) == "success"
    assert payment_scenario("0.04", "订单") == "duplicates"
    assert payment_scenario("0.01", "测试 golive:late 订单") == "late"
    assert payment_scenario("0.02", "golive:nonsense") == "failure"
    assert payment_scenario("0.01", None, forced="forged") == "forged"
    assert payout_scenario("提现 golive:payout_failure") == "payout_failure"
    assert payout_scenario("提现 golive:late") == "payout_success"
    assert all(s.merchant and s.lianlian for s in PAYMENT_SCENARIOS.values())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Receiver, str]]:
    receiver = Receiver()
    with receiver_running(receiver) as url, sandbox_running(tmp_path_factory.mktemp("scen"), time_scale=600.0) as sb:
        yield sb, receiver, url


def pay(world: tuple[Any, Receiver, str], order: str, amount: str, **kw: Any) -> dict[str, str]:
    sandbox, _, url = world
    started = time.monotonic()
    response = post_web(sandbox.base_url, sign(pay_params(order, user_id=order, amount=amount, notify_url=url, **kw)))
    data = page_data(response.text)
    data["_elapsed"] = f"{time.monotonic() - started:.3f}"
    return data


def of(receiver: Receiver, order: str) -> list[dict[str, str]]:
    with receiver.lock:
        return [p for _, p in receiver.received if p.get("no_order") == order]


def query(sandbox: Any, order: str) -> str:
    return str(post_api(sandbox.base_url, "/orderquery.htm", sign({"oid_partner": OID, "no_order": order}))["result_pay"])


def test_failure(world: Any) -> None:
    sandbox, receiver, _ = world
    data = pay(world, "S-failure", "0.02")
    assert data["state"] == "failure" and data["ret-code"] == "1005"
    assert not events(sandbox, "return", "S-failure")  # no sync return after a failure
    time.sleep(0.3)
    assert of(receiver, "S-failure") == []  # LianLian notifies successful payments only
    assert query(sandbox, "S-failure") == "FAILURE"


def test_processing_then_success(world: Any) -> None:
    sandbox, receiver, _ = world
    data = pay(world, "S-processing", "0.03")
    assert data["state"] == "processing"
    assert query(sandbox, "S-processing") == "PROCESSING"
    assert of(receiver, "S-processing") == []
    assert wait_for(lambda: len(of(receiver, "S-processing")) == 1, 10)  # 5 min / 600 = 0.5 s
    assert query(sandbox, "S-processing") == "SUCCESS"


def test_duplicates(world: Any) -> None:
    sandbox, receiver, _ = world
    pay(world, "S-dup", "0.04")
    assert wait_for(lambda: len(of(receiver, "S-dup")) == 4)
    deliveries = events(sandbox, "notify_delivery", "S-dup")
    first = [e for e in deliveries if e.attempt == 1 and e.detail["role"] == "genuine"]
    assert sorted(e.copy for e in first) == [0, 1, 2]
    assert max(e.at for e in first) - min(e.at for e in first) < 0.2  # released together
    assert [e.detail["role"] for e in deliveries].count("duplicate") == 1
    bodies = {tuple(sorted(p.items())) for p in of(receiver, "S-dup")}
    assert len(bodies) == 1  # identical copies


def test_late(world: Any) -> None:
    sandbox, receiver, _ = world
    assert pay(world, "S-late", "0.05")["state"] == "return"
    time.sleep(0.3)
    assert of(receiver, "S-late") == []
    assert query(sandbox, "S-late") == "SUCCESS"  # the query knows before the notification comes
    assert wait_for(lambda: len(of(receiver, "S-late")) == 1, 10)  # 10 min / 600 = 1 s


def test_notify_first(world: Any) -> None:
    sandbox, receiver, _ = world
    data = pay(world, "S-first", "0.06")
    assert data["state"] == "return"
    assert len(of(receiver, "S-first")) == 1  # delivered before the browser got its return page
    delivered = events(sandbox, "notify_delivery", "S-first")[0]
    returned = events(sandbox, "return", "S-first")[0]
    assert delivered.seq < returned.seq


def test_out_of_order(world: Any) -> None:
    sandbox, receiver, _ = world
    pay(world, "S-order", "0.07")
    assert wait_for(lambda: len(of(receiver, "S-order")) == 2)
    assert [p["result_pay"] for p in of(receiver, "S-order")] == ["SUCCESS", "PROCESSING"]
    stale = events(sandbox, "notify_delivery", "S-order")[-1]
    assert stale.detail["stale"] is True and stale.detail["role"] == "stale"
    assert query(sandbox, "S-order") == "SUCCESS"


def test_forged(world: Any) -> None:
    sandbox, receiver, _ = world
    pay(world, "S-forged", "0.08")
    assert wait_for(lambda: len(of(receiver, "S-forged")) == 3)
    from golive.lianlian.sign import verify_message

    bad, tampered, genuine = of(receiver, "S-forged")
    assert not verify_message(bad, md5_key=md5_key()).ok
    assert tampered["money_order"] == "8.00" and not verify_message(tampered, md5_key=md5_key()).ok
    assert verify_message(genuine, md5_key=md5_key()).ok and genuine["money_order"] == "0.08"
    forged = [e.forged for e in events(sandbox, "notify_delivery", "S-forged")]
    assert forged == ["bad_signature", "tampered_amount", None]


def test_forced_scenario(tmp_path: Path) -> None:
    receiver = Receiver()
    with receiver_running(receiver) as url, sandbox_running(tmp_path, scenario="late", time_scale=6000.0) as sb:
        post_web(sb.base_url, sign(pay_params("F1", amount="0.01", notify_url=url)))
        assert events(sb, "pay_request", "F1")[0].scenario == "late"

"""The scenario machinery shared by the notification and return probes.

A scenario (named by the probe specification, golive/probe_spec.py) is one independent experiment
on its own fresh test order (so scenarios can run in parallel): it sends something, records every
exchange, and reads the order's credit count. After all scenarios ran, `settle_and_count` waits
``live.settle_s`` and reads every order's credits once more -- the *final* count, so a credit the
merchant books a moment after it answered (a queue, a deferred commit) is still seen.

Every negative scenario ("this must not credit") ends with its **positive control**
(`send_control`): once the negative message had time to settle, the order's credits are read
(moment ``before_control``), then a correct SUCCESS notification for the *same* order is sent and
its exchange noted (``notes.control_seq``). Judging then asks that the final count be exactly one:
a merchant that acknowledges everything and credits nothing, or a staging server that trusts
another key, fails the control instead of passing the negative probe.

A record holds observations only (`ScenarioRecord.to_dict`): orders and their credit counts per
moment, the exchanges, notes of what was sent, and why a step could not be carried out. Whether an
answer was the acknowledgement, or a count the right one, is judged elsewhere (golive/judging/).
"""

from __future__ import annotations

import concurrent.futures as futures
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from golive.model import Text
from golive.probes.http import Exchange
from golive.probes.recipes import ProbeContext, ProbeError, TestOrder
from golive.waiting import wait_all

DEFAULT_SETTLE_S = 1.0
MISSING_ORDER_STATUSES = (404, 410)


@dataclass
class OrderRecord:
    role: str
    no_order: str
    user_id: str
    amount: str
    credits: dict[str, int | None] = field(default_factory=dict)  # moment -> count
    credit_errors: dict[str, str] = field(default_factory=dict)
    may_be_unknown: bool = False  # a number the merchant never issued: "no such order" counts as 0

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "no_order": self.no_order, "user_id": self.user_id, "amount": self.amount,
                "credits": dict(self.credits), "credit_errors": dict(self.credit_errors),
                "may_be_unknown": self.may_be_unknown}


@dataclass
class ScenarioRecord:
    """What one scenario did and saw. Only its own thread writes to it while it runs."""

    name: str
    error: Text | None = None  # why a step could not be carried out (no answer, no order ...)
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def order(self, role: str, order: TestOrder, *, may_be_unknown: bool = False) -> OrderRecord:
        record = OrderRecord(role, order.no_order, order.user_id, order.amount, may_be_unknown=may_be_unknown)
        self.orders[role] = record
        return record

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "error": self.error.to_dict() if self.error else None,
            "orders": {role: o.to_dict() for role, o in self.orders.items()},
            "exchanges": [e.to_dict() for e in sorted(self.exchanges, key=lambda e: e.seq)],
            "notes": dict(self.notes), "elapsed_ms": round(self.elapsed_ms, 1),
        }


ScenarioFunction = Callable[[ProbeContext, ScenarioRecord], None]


@dataclass(frozen=True)
class Scenario:
    """A scenario of the probe specification and the function that carries it out."""

    name: str
    run: ScenarioFunction


def read_credits(ctx: ProbeContext, record: ScenarioRecord, order: OrderRecord, moment: str) -> int | None:
    """Read and store the credit count of `order` at `moment` ("after_ack", "final" ...)."""
    label = f"credits {order.role} ({moment})"
    answer = ctx.run_recipe("credits", {"no_order": order.no_order, "user_id": order.user_id}, label=label)
    if answer.exchange is not None:
        record.exchanges.append(answer.exchange)
    if order.may_be_unknown and answer.status in MISSING_ORDER_STATUSES and answer.exchange is not None \
            and answer.exchange.kind == "http":
        order.credits[moment] = 0
        record.notes[f"{order.role}_unknown_to_merchant"] = True
        return 0
    try:
        if not answer.ok:
            raise ProbeError(Text(answer.error or "", answer.error or ""))
        from golive.probes.recipes import count_value

        count = count_value(answer.value, "live.credits")
    except ProbeError as exc:
        order.credits[moment] = None
        order.credit_errors[moment] = exc.reason.en
        return None
    order.credits[moment] = count
    return count


def settle(ctx: ProbeContext) -> None:
    """Wait ``live.settle_s`` (bounded by the run deadline and interruption) so a credit the
    merchant books a moment late is counted."""
    seconds = float(ctx.live.get("settle_s", DEFAULT_SETTLE_S))
    ctx.client.sleep(min(seconds, max(ctx.client.deadline - time.monotonic(), 0)))


def send_control(ctx: ProbeContext, record: ScenarioRecord, order: TestOrder, main: OrderRecord) -> None:
    """The positive control of a negative scenario: after the negative message settled, a correctly
    signed SUCCESS notification for the same order, which must then be credited exactly once.

    The count read here (``before_control``) is what the negative message did; the final count,
    read after every scenario, is what the control did on top of it.
    """
    from golive.probes.notifications import build_notification, send_notification

    settle(ctx)
    read_credits(ctx, record, main, "before_control")
    _response, exchange = send_notification(ctx, build_notification(ctx, order), "control: correct notification, same order")
    record.exchanges.append(exchange)
    record.notes["control_seq"] = exchange.seq


def run_scenario(ctx: ProbeContext, scenario: Scenario) -> ScenarioRecord:
    record = ScenarioRecord(scenario.name)
    started = time.monotonic()
    try:
        scenario.run(ctx, record)
    except ProbeError as exc:
        record.error = exc.reason
        if exc.exchange is not None and exc.exchange not in record.exchanges:
            record.exchanges.append(exc.exchange)
    except Exception as exc:  # a bug in a probe is an error of that scenario, never a pass
        record.error = Text(f"探测程序出错：{type(exc).__name__}: {exc}", f"probe crashed: {type(exc).__name__}: {exc}")
    record.elapsed_ms = (time.monotonic() - started) * 1000
    return record


def run_all(ctx: ProbeContext, scenarios: list[Scenario]) -> list[ScenarioRecord]:
    """Run scenarios on a bounded pool (``live.concurrency``); then settle and count credits."""
    records: dict[str, ScenarioRecord] = {}
    pool = futures.ThreadPoolExecutor(max_workers=max(1, ctx.concurrency), thread_name_prefix="golive-probe")
    try:
        pending = {pool.submit(run_scenario, ctx, s): s for s in scenarios}
        wait_s = max(ctx.client.deadline - time.monotonic(), 0) + ctx.timeout_s + 1
        done, not_done = wait_all(pending, timeout=wait_s)
        for future in done:
            records[pending[future].name] = future.result()
        for future in not_done:
            s = pending[future]
            records[s.name] = ScenarioRecord(s.name, error=Text(
                "探测未在时限内完成", "the probe did not finish within the run's time bound"))
        settle_and_count(ctx, list(records.values()), pool)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [records[s.name] for s in scenarios]


def settle_and_count(ctx: ProbeContext, records: list[ScenarioRecord], pool: futures.ThreadPoolExecutor) -> None:
    targets = [(r, o) for r in records for o in r.orders.values()]
    if not targets:
        return
    settle(ctx)
    # Several threads append to one record's exchanges here: guard the appends.
    lock = threading.Lock()

    def final(record: ScenarioRecord, order: OrderRecord) -> None:
        local = ScenarioRecord(record.name)
        local.notes = record.notes
        read_credits(ctx, local, order, "final")
        with lock:
            record.exchanges.extend(local.exchanges)

    jobs = [pool.submit(final, r, o) for r, o in targets]
    wait_all(jobs, timeout=max(ctx.client.deadline - time.monotonic(), 0) + ctx.timeout_s + 1)

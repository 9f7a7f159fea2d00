"""LL-NTF-009 -- captured notification exchanges: every one acknowledged correctly, no order credited twice.

For merchants who cannot expose a staging server to the live probes, the same two rules of the
notification contract are judged from captured exchanges (design.md §5 captures; protocol.md §5.1):

* **acknowledgement** -- each captured notification (``kind: notify``) must have been answered
  HTTP 200 with the JSON ``{"ret_code":"0000","ret_msg":"交易成功"}`` within 5 s (when the capture
  has the time, ``response.elapsed_ms``). A single-quoted answer -- as printed in the go-live
  guide -- is not JSON. A different ret_msg is a low, uncertain finding (the docs show "ok").
  A notification with a result_pay other than SUCCESS is only checked for a valid JSON answer: the
  merchant may refuse it.
* **exactly once** -- 一笔订单只能成功入账一次 (guide 五). A capture line can say what the exchange
  did on the merchant's books: ``"effect": {"credited": true}`` (or false). Two credited
  notifications for one ``no_order`` are a double credit. Captures without ``effect`` cannot show
  credits; then duplicates are only counted in the evidence, and the ledger audit
  (``--ledger``, one payment row per credit) is where a double credit shows.

Capture line example::

    {"kind":"notify","request":{"body":"{\\"oid_partner\\":…}"},
     "response":{"status":200,"body":"{\\"ret_code\\":\\"0000\\",\\"ret_msg\\":\\"交易成功\\"}","elapsed_ms":41},
     "effect":{"credited":true}}

Notifications whose capture has no response cannot be judged and are listed as skipped. Captures
without any notification make the check not applicable.
"""

from __future__ import annotations

import hashlib
from typing import Any

from golive.check_api import (
    CaptureJudge, CaptureRecord, CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, ack_contract,
)

META = CheckMeta(
    id="LL-NTF-009",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("抓包中的异步通知：每份都正确应答，没有订单重复入账",
               "Captured notifications: each acknowledged correctly, no order credited twice"),
    rationale=Text(
        "无法开放预发布环境给在线探测的商户，可以用联调时抓到的通知交换证明应答正确、一笔订单只入账一次。",
        "Merchants who cannot expose a staging server to live probes can show from captured exchanges that every "
        "notification was acknowledged correctly and no order was credited twice.",
    ),
    remediation=Text(
        "通知处理完成（验签、核对、事务内入账）后返回 HTTP 200 与 {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}；入账按订单号判重。抓包时在每条通知记录上注明 \"effect\": {\"credited\": true/false}，便于证明只入账一次。",
        "After handling a notification (verify, compare, credit in one transaction) answer HTTP 200 with "
        "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}; make crediting idempotent per order. When capturing, add "
        "\"effect\": {\"credited\": true/false} to each notification line so the captures can show one credit per order.",
    ),
    references=("protocol.md §5.1 (acknowledgement, duplicates)", "guide 五 异步通知和同步通知", "design.md §5 (captures)"),
    stream="captures",
)

MAX_TRACKED_ORDERS = 2_000_000  # digests of credited orders kept in memory (≈100 MB at the cap)


def _digest(no_order: str) -> int:
    return int.from_bytes(hashlib.blake2b(no_order.encode("utf-8"), digest_size=8).digest(), "big")


def _ack_of(record: CaptureRecord) -> ack_contract.AckFacts:
    """The captured answer, read as LianLian would (the same reader as the live probes)."""
    response = record.response or {}
    body = response.get("body")
    elapsed = response.get("elapsed_ms")
    status = response.get("status")
    return ack_contract.read_ack(status if isinstance(status, int) and not isinstance(status, bool) else None,
                                 None if body is None else str(body),
                                 # A capture without timing: unknown, not 0 (the 5 s rule is then not judged).
                                 float(elapsed) if isinstance(elapsed, (int, float)) and not isinstance(elapsed, bool)
                                 else None, label="captured")


class Judge(CaptureJudge):
    kinds = frozenset({"notify"})

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.credited_once: set[int] = set()
        self.credited_twice: set[int] = set()
        self.with_effect = 0
        self.seen_orders: set[int] = set()
        self.duplicates = 0
        self.untracked = False
        self.acks_ok = 0

    def judge_record(self, record: CaptureRecord) -> bool | None:
        params = record.params or {}
        response = record.response
        if not response or response.get("status") is None:
            self.skip(record, "the capture has no response (the merchant's acknowledgement) to judge")
            return False
        ack = _ack_of(record)
        # The merchant may refuse a non-SUCCESS result; then only a garbled (non-JSON) answer matters.
        success = str(params.get("result_pay", "SUCCESS")) == "SUCCESS"
        problems = ack_contract.ack_findings(ack, record.location("response"), format_only=not success)
        for finding in problems:
            data = {k: v for k, v in finding.data.items() if k != "rule"}
            self.report(f"ack_{finding.data.get('rule')}", finding.message, record, "response",
                        severity=finding.severity, uncertain=finding.uncertain, **data)
        if not problems:
            self.acks_ok += 1
        self._track_credit(record, params)
        return True

    def _track_credit(self, record: CaptureRecord, params: dict[str, Any]) -> None:
        no_order = params.get("no_order")
        if not isinstance(no_order, str) or not no_order:
            return
        key = _digest(no_order)
        if len(self.seen_orders) < MAX_TRACKED_ORDERS:
            if key in self.seen_orders:
                self.duplicates += 1
            self.seen_orders.add(key)
        effect = record.effect or {}
        if "credited" not in effect:
            return
        self.with_effect += 1
        if effect.get("credited") is not True:
            return
        if key in self.credited_once:
            if key not in self.credited_twice:
                self.credited_twice.add(key)
                self.report("double_credit",
                            Text(f"订单 {no_order} 的又一份通知也入账了（一笔订单只能成功入账一次）",
                                 f"another notification for order {no_order} credited it again (an order may be credited only once)"),
                            record, "effect.credited", severity=Severity.BLOCKER, no_order=no_order)
        elif len(self.credited_once) < MAX_TRACKED_ORDERS:
            self.credited_once.add(key)
        else:
            self.untracked = True

    def summary(self) -> dict[str, Any]:
        return {"acknowledged_correctly": self.acks_ok, "records_with_effect": self.with_effect,
                "duplicate_notifications": self.duplicates, "orders_credited": len(self.credited_once),
                "orders_credited_twice": len(self.credited_twice), "tracking_capped": self.untracked}

    def finish(self) -> Judgement:
        if self.judged == 0 and self.unjudgeable == 0:
            return Judgement.not_applicable(Text("抓包中没有异步通知", "the captures contain no notifications"))
        judgement = self.conclude(Text("抓包中的异步通知应答与入账", "captured notification answers and credits"))
        if judgement.findings or self.with_effect or not self.duplicates:
            return judgement
        # Duplicates without effect: the acks are judged, the exactly-once half is not visible.
        note = Text(f"；{self.duplicates} 份重复通知未注明 effect.credited，是否重复入账请看台账审计",
                    f"; {self.duplicates} duplicate notification(s) carry no effect.credited -- see the ledger audit for double credits")
        checked = judgement.checked or Text("", "")
        return Judgement(judgement.outcome, judgement.findings, judgement.reason,
                         Text(checked.zh + note.zh, checked.en + note.en), judgement.evidence)

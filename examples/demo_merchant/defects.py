"""The classic integration bugs the demo merchant can switch on, one ``--defect NAME`` at a time.

Each defect reproduces a mistake LianLian's go-live review looks for (authpay-golive-guide.zh.md
§五 异步通知 and §七 同卡进出; protocol.md §5) so that golive's tests and ``golive demo --defect``
can show the matching check failing. The correct merchant is the one with no defect switched on.
"""

from __future__ import annotations

from collections.abc import Iterable

# name -> "中文 / English" one-line description (kept short: shown by --help and golive demo).
DEFECTS: dict[str, str] = {
    "ack_before_commit": "先应答 0000、约 0.5 秒后才提交入账 / acks 0000 first and commits the credit ~0.5 s later",
    "no_duplicate_guard": "先查后改、无条件更新且无事务：并发重复通知会重复入账 / check-then-act without a guarded update: concurrent duplicates double-credit",
    "no_idempotency": "每条验签通过的通知都入账（含已支付订单） / credits every valid notification, even for paid orders",
    "wrong_ack_body": "应答体用单引号（照抄上线指南），不是合法 JSON / acks with single quotes as printed in the guide: not valid JSON",
    "accepts_forged": "不验签 / skips signature verification",
    "accepts_any_sign_type": "按通知自带的 sign_type 验签，而非商户站配置的方式 / verifies with whatever sign_type the notification names",
    "ignores_amount": "不核对 money_order 与 oid_partner / does not compare money_order or oid_partner",
    "credits_sync_return": "同步返回页面入账且不验签 / the synchronous return credits the order, unsigned",
    "credits_non_success": "不看 result_pay，非 SUCCESS 也入账 / credits regardless of result_pay",
    "missing_risk_fields": "风控参数缺 user_info_dt_register、user_info_id_no，且 risk_item 以对象而非字符串发送 / risk_item lacks dt_register and id_no and is sent as an object",
    "withdraw_any_card": "提现不校验同卡进出 / withdrawals skip the same-card check",
    "no_amount_bound": "提现不校验 支付+收益−已提现 上限 / withdrawals skip the paid + earnings − withdrawn bound",
    "slow_ack": "6 秒后才应答（超过连连的 5 秒） / answers after 6 s, past LianLian's 5 s",
    "todo_handler": "验签后一律应答 0000 却从不入账（如连连官方 demo 原样，处理逻辑只写了 TODO） / verifies, answers 0000 and never credits (LianLian's demo as shipped stops at a TODO)",
    "payout_retry_on_ambiguous": "代付得到 9999 等不明应答时不查询，判失败并换单号重付 / on an ambiguous payout answer (9999, no answer) marks it failed and pays again under a new number, without a query",
    "failure_not_refunded": "代付失败通知（FAILURE）不恢复用户余额 / a FAILURE payout notification does not give the money back",
    "payout_refund_twice": "每收到一次 FAILURE/CANCEL 通知就退一次余额（重复通知重复退款） / every FAILURE or CANCEL copy gives the money back again",
    "payout_cancel_ignored": "成功后又收到 CANCEL（银行退回）时不处理 / ignores CANCEL (returned by the bank) after SUCCESS",
    "payout_reason_dropped": "代付失败不记录 info_order 中的失败原因 / drops the failure reason LianLian sends in info_order",
    "stale_key": "预发布环境仍用另一把密钥验签（RSA 时是连连正式公钥，MD5 时是旧密钥） / the staging server verifies with another key (LianLian's production key for RSA, an old MD5 key)",
}


def check_defects(names: Iterable[str]) -> frozenset[str]:
    """Return ``names`` as a frozenset, refusing any name that is not a known defect."""
    chosen = frozenset(names)
    unknown = sorted(chosen - DEFECTS.keys())
    if unknown:
        raise ValueError(
            f"unknown demo merchant defect(s): {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(DEFECTS))}"
        )
    return chosen

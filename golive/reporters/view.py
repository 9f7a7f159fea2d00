"""What the HTML, Markdown, JUnit and SARIF reporters share: bilingual labels in LianLian's own
terms and small formatting helpers.

Every reporter is a pure function of a `golive.result.Result` and only formats it: the engine made
every judgement (item states, staff-summary rows, verdict sentences, the gate per check) and the
one redaction pass ran where the result was made or read (engine, `golive report --from`,
`golive verify-report`). A result from an older golive was completed when it was read
(golive.result_v1), so nothing here needs a fallback for a missing key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from golive.result import SEVERITIES, STAFF_STATE, STATUSES, Location, Text, severity_label, severity_rank, status_label

__all__ = ["STATUSES", "SEVERITIES", "STATUS_MARK", "STAFF_STATE", "severity_label", "severity_rank", "status_label"]

# One set of status marks for every report.
STATUS_MARK = {"pass": "✔", "fail": "✘", "error": "!", "not_applicable": "–", "manual": "?", "waived": "~",
               "skipped": "·"}
VERDICT_LABEL = {
    "ready": ("可以上线", "Ready to go live"),
    "not_ready": ("尚未就绪", "Not ready"),
    "incomplete": ("无法判定（证据不全）", "Incomplete (evidence missing)"),
}
# What "ready" means depends on the stage: in integration the pre-release items (发布前1-3) are
# confirmed only in production, so a ready integration run is ready for LianLian's launch review,
# not for going live.
READY_IN_INTEGRATION = ("可以提交上线审核", "Ready for the launch review")
VERDICT_MARK = {"ready": "✔", "not_ready": "✘", "incomplete": "!"}
ENVIRONMENT_LABEL = {
    "integration": ("联调环境", "Integration"),
    "production": ("正式环境", "Production"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def t(text: Text | None, lang: str) -> str:
    """The text in `lang` (falling back to the other language), or "" for none."""
    return text.get(lang) if text is not None else ""


def verdict_label(verdict: str, lang: str, environment: str = "production") -> str:
    """The verdict in words, as the stage makes it true (see READY_IN_INTEGRATION)."""
    if verdict == "ready" and environment != "production":
        return pick(READY_IN_INTEGRATION, lang)
    return pick(VERDICT_LABEL.get(verdict, (verdict, verdict)), lang)


BEIJING = dt.timezone(dt.timedelta(hours=8), "UTC+8")


def beijing_time(iso: str, lang: str) -> str:
    """A recorded time (ISO 8601 with offset) as LianLian's staff read it: Beijing time, zone
    named. A time without an offset (an old result) is shown as recorded: its zone is unknown."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        return iso
    shown = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    return f"{shown} 北京时间（UTC+8）" if lang != "en" else f"{shown} Beijing time (UTC+8)"


_OPEN, _CLOSE = "(（[「“`", ")）]」”`"


def first_sentence(text: str) -> str:
    """The first sentence of a remediation: the one-line fix (the report keeps the whole text in the card).

    A sentence ends at "。" or "！", or at ". " / "! " before a capital, outside brackets and quotes
    and not in an ellipsis ("UPDATE ... WHERE" goes on)."""
    text = " ".join(text.split())
    depth = 0
    for index, char in enumerate(text):
        if char == "`":
            depth += -1 if depth > 0 and text[:index].count("`") % 2 else 1
        elif char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and char in "。！":
            return text[:index + 1]
        elif depth == 0 and char in ".!" and text[index + 1:index + 2] == " " and text[index + 2:index + 3].isupper() \
                and text[index - 1:index] != "." and index >= 8:
            return text[:index + 1]
    return text


def docs_url(check_id: str) -> str:
    """The published page of a check (golive.links): docs/checks/<ID>.md, generated from its metadata."""
    from golive.links import check_doc_url

    return check_doc_url(check_id)


def environment_label(environment: str, lang: str) -> str:
    return pick(ENVIRONMENT_LABEL.get(environment, (environment, environment)), lang)


def staff_mark_label(state: str, lang: str) -> tuple[str, str]:
    """Mark and label of a staff-summary state (ok, pending, not_judged, attested, ...)."""
    mark, label = STAFF_STATE.get(state, ("?", Text(state, state)))
    return mark, label.get(lang)


def item_mark_label(state: str, lang: str) -> tuple[str, str]:
    """Mark and label of an item heading: its worst check status, or the state the engine shows
    instead of a tick (pending, not_judged), labelled as in the staff summary."""
    if state in STATUS_MARK:
        return STATUS_MARK[state], status_label(state, lang)
    return staff_mark_label(state, lang)


def location_text(location: Location | None) -> str:
    return location.text if location is not None else ""


# -- evidence field names in words (a Chinese report shows no raw English key where a word exists) --

FIELD_LABEL: dict[str, tuple[str, str]] = {
    # the sandbox's deliveries and payouts (LL-NTF-010/011, LL-CRD-004, LL-SIG-009)
    "sandbox_callbacks_left_out": ("未计入的沙箱回调（沙箱自有密钥签名）", "sandbox callbacks left out (signed with the sandbox's own key)"),
    "acknowledged": ("已应答", "acknowledged"),
    "genuine_acknowledged": ("真实通知已应答", "genuine notification acknowledged"),
    "notifications": ("通知", "notifications"),
    "forged": ("伪造的副本", "forged copies"),
    "bad_signature": ("签名错误", "bad signature"),
    "wrong_key": ("密钥错误", "wrong key"),
    "tampered_amount": ("金额被篡改", "tampered amount"),
    "positive": ("对照（正确通知）", "control (a correct notification)"),
    "exchange": ("交互", "exchange"),
    "payout": ("代付", "payout"),
    "uncertain": ("无法确定", "uncertain"),
    "at": ("时间", "at"),
    "engine": ("审计引擎", "audited by"),
    # counts over captures and ledgers
    "records_judged": ("已判定的记录", "records judged"),
    "records_not_judged": ("未判定的记录", "records not judged"),
    "broken_records": ("无法读取的记录", "unreadable records"),
    "records_with_effect": ("带入账结果的记录", "records with an effect"),
    "records": ("记录数", "records"),
    "rows": ("行数", "rows"),
    "broken_rows": ("无法读取的行", "unreadable rows"),
    "failed_rows": ("失败的行", "failed rows"),
    "pending_rows": ("处理中的行", "pending rows"),
    "skipped": ("跳过", "skipped"),
    "judged": ("已判定", "judged"),
    "users": ("用户数", "users"),
    "users_tracked": ("跟踪的用户", "users tracked"),
    "users_not_tracked": ("未跟踪的用户", "users not tracked"),
    "tracking_capped": ("跟踪数已达上限", "tracking capped"),
    "withdrawals": ("提现笔数", "withdrawals"),
    "paying_cards": ("支付卡", "paying cards"),
    "rules_broken": ("违反的规则", "rules broken"),
    "findings_not_shown": ("未列出的问题", "findings not shown"),
    "acknowledged_correctly": ("正确应答的通知", "acknowledged correctly"),
    "not_acknowledged": ("未正确应答的通知", "not acknowledged"),
    "duplicate_notifications": ("重复通知", "duplicate notifications"),
    "orders_credited": ("已入账订单", "orders credited"),
    "orders_credited_twice": ("重复入账的订单", "orders credited twice"),
    "risk_item_as_string": ("risk_item 为字符串的请求", "risk_item sent as a string"),
    "repeat_payments_without_no_agree": ("未复用 no_agree 的再次支付", "repeat payments without no_agree"),
    "values_checked": ("检查的值", "values checked"),
    "verified": ("验签通过", "verified"),
    "matching": ("一致", "matching"),
    "other_numbers": ("其他商户号", "other merchant numbers"),
    "pitfalls": ("签名陷阱", "pitfalls"),
    "diagnoses": ("诊断", "diagnoses"),
    "sent": ("已发送", "sent"),
    "failed": ("失败", "failed"),
    "empty": ("为空", "empty"),
    "missing": ("缺少", "missing"),
    "required": ("必填字段", "required fields"),
    "recommended_missing": ("缺少的推荐字段", "recommended fields missing"),
    "identity_required": ("需要身份信息", "identity required"),
    "profile": ("商户类型画像", "profile"),
    "profile_categories": ("画像允许的类目", "profile categories"),
    "assigned": ("连连分配的类目", "assigned category"),
    "configured": ("配置", "configured"),
    "site_method": ("商户站签名方式", "merchant-site sign method"),
    "keys": ("密钥", "keys"),
    # keys and config
    "bits": ("密钥长度（位）", "key size (bits)"),
    "fingerprint": ("指纹（SHA-256）", "fingerprint (SHA-256)"),
    "public_fingerprint": ("公钥指纹", "public key fingerprint"),
    "private_fingerprint": ("私钥对应公钥指纹", "private key's public fingerprint"),
    "pair_matches": ("公私钥匹配", "key pair matches"),
    "matches_uploaded": ("与上传商户站的公钥一致", "matches the uploaded key"),
    "published_in": ("公布于", "published in"),
    "pem_label": ("PEM 类型", "PEM label"),
    "algorithm": ("算法", "algorithm"),
    "length": ("长度", "length"),
    "format": ("格式", "format"),
    "environment": ("环境", "environment"),
    "mode": ("文件权限", "file mode"),
    "expired": ("已过期", "expired"),
    "date": ("日期", "date"),
    "attested_by": ("确认人", "attested by"),
    "note": ("备注", "note"),
    "host": ("主机", "host"),
    "file": ("文件", "file"),
    "line": ("行", "line"),
    "error": ("错误", "error"),
    "step": ("步骤", "step"),
    "category": ("类目", "category"),
    "channel": ("渠道", "channel"),
    "sign_source": ("待签名串", "sign source"),
    # probes
    "scenario": ("场景", "scenario"),
    "description": ("说明", "description"),
    "expect": ("预期", "expected"),
    "outcome": ("结果", "outcome"),
    "answer": ("商户应答", "merchant's answer"),
    "answers": ("应答", "answers"),
    "acked": ("应答 0000", "acknowledged 0000"),
    "orders": ("订单", "orders"),
    "credits": ("入账次数", "credits"),
    "credits_after_ack": ("应答后入账次数", "credits after the ack"),
    "credits_final": ("最终入账次数", "final credits"),
    "credited": ("已入账", "credited"),
    "copies": ("份数", "copies"),
    "copies_sent": ("发送份数", "copies sent"),
    "burst": ("并发份数", "burst size"),
    "card": ("卡", "card"),
    "card_shown": ("卡（脱敏）", "card (masked)"),
    "paid": ("已支付", "paid"),
    "earned": ("收益", "earned"),
    "withdrawn_before": ("此前已提现", "withdrawn before"),
    "bound": ("可提现上限", "bound"),
    "refunded": ("已退款", "refunded"),
    "payouts": ("付款笔数（前 -> 后）", "payouts (before -> after)"),
    "elapsed_ms": ("耗时（毫秒）", "time (ms)"),
    "seq": ("序号", "sequence"),
    "target": ("目标", "target"),
    "started_ms": ("开始时刻（毫秒）", "started (ms)"),
    "timed_from": ("计时起点", "timed from"),
    "truncated_chars": ("截断字符数", "characters truncated"),
    "error_kind": ("错误类型", "error kind"),
    "total": ("合计", "total"),
    "time": ("时间", "time"),
    "value": ("值", "value"),
    "field": ("字段", "field"),
    # an answer to a notification (golive.judging.acks) and other probe records
    "ack": ("应答", "answer"),
    "body": ("正文", "body"),
    "status": ("状态", "status"),
    "label": ("名称", "name"),
    "valid_json": ("合法 JSON", "valid JSON"),
    "is_object": ("JSON 对象", "a JSON object"),
    "lenient_ret_code": ("宽松读取的 ret_code", "ret_code read leniently"),
    "single_quoted": ("单引号", "single-quoted"),
    "truncated": ("已截断", "truncated"),
    "copy": ("重复通知", "a copy"),
    "rule": ("规则", "rule"),
    "kind": ("类型", "kind"),
    "amount": ("金额", "amount"),
    "attempt": ("尝试", "attempt"),
    "order": ("顺序", "order"),
    "url": ("地址", "URL"),
    "signed_with": ("签名方式与密钥", "signed with"),
    "method": ("方法", "method"),
    "key": ("密钥", "key"),
    "public_key_sha256": ("公钥 SHA-256", "public key SHA-256"),
    # signing pitfalls (LL-SIG-008)
    "null": ("字面量 null", "literal null"),
    "spaces": ("首尾空白", "stray spaces"),
    "non_string": ("非字符串值", "non-string values"),
}
# Moments at which a probe counted an order's credits (golive/probes: credit counts per moment).
CREDIT_MOMENT: dict[str, tuple[str, str]] = {
    "after_ack": ("应答后", "after the ack"),
    "before_control": ("对照前", "before the control"),
    "after_first": ("首份应答后", "after the first copy"),
    "after_burst": ("并发之后", "after the burst"),
    "after_control": ("对照后", "after the control"),
    "final": ("最终", "final"),
}


# Names golive's probes give the exchanges they send (golive/probes, golive/payout/probes.py), in
# words: ``forged notification (wrong_key)`` reads 伪造的通知（密钥错误） in a Chinese report.
PROBE_WORD: dict[str, tuple[str, str]] = {
    "bad_signature": ("签名错误", "bad signature"),
    "wrong_key": ("密钥错误", "wrong key"),
    "unsigned": ("无签名", "unsigned"),
    "other_sign_type": ("签名方式不符", "other sign type"),
    "money_order": ("金额被改", "money_order changed"),
    "unknown_order": ("未知订单号", "unknown order"),
    "oid_partner": ("商户号被改", "oid_partner changed"),
    "web form": ("Web 表单", "web form"),
    "WAP res_data": ("WAP res_data", "WAP res_data"),
    "control": ("对照：合法提现", "control: a valid withdrawal"),
    "other_card": ("他卡提现", "to another card"),
    "over_bound": ("超出可提现上限", "over the bound"),
    "over_bound_cumulative": ("累计超出可提现上限", "over the bound, cumulatively"),
    "main": ("测试订单", "test order"),
    "unknown": ("未知订单", "unknown order"),
    "site": ("商户站配置的方式", "the site's method"),
    "other": ("另一种方式", "the other method"),
    "before": ("之前", "before"),
    "after": ("之后", "after"),
}
_PROBE_LABELS: tuple[tuple[str, tuple[str, str]], ...] = (
    (r"forged notification \((?P<a>.+)\)", ("伪造的通知（{a}）", "forged notification ({a})")),
    (r"tampered notification \((?P<a>.+)\)", ("篡改的通知（{a}）", "tampered notification ({a})")),
    (r"forged return \((?P<a>.+)\)", ("伪造的同步返回（{a}）", "forged return ({a})")),
    (r"notification signed with (?P<m>\w+) \((?P<a>\w+) method\)",
     ("用 {m} 签名的通知（{a}）", "notification signed with {m} ({a})")),
    (r"notify \(ack contract\)", ("通知（应答约定）", "notification (the ack contract)")),
    (r"notify \(credit a test order\)", ("通知（为测试订单入账）", "notification (credit a test order)")),
    (r"notify copy (?P<n>\d+)/(?P<of>\d+)", ("重发通知 第 {n}/{of} 份", "notification copy {n}/{of}")),
    (r"notify burst copy (?P<n>\d+)/(?P<of>\d+)", ("并发通知 第 {n}/{of} 份", "concurrent copy {n}/{of}")),
    (r"credits (?P<a>\w+) \((?P<c>\w+)\)", ("查询入账次数：{a}（{c}）", "credits: {a} ({c})")),
    (r"withdraw \((?P<a>.+)\)", ("提现（{a}）", "withdrawal ({a})")),
    (r"withdraw", ("提现", "withdrawal")),
    (r"payouts \((?P<a>.+)\)", ("查询付款笔数（{a}）", "payouts ({a})")),
    (r"balance \((?P<a>.+)\)", ("查询余额（{a}）", "balance ({a})")),
    (r"earn", ("增加收益", "credit earnings")),
    (r"create_order", ("创建测试订单", "create a test order")),
    (r"payout_status", ("查询代付状态", "payout status")),
    (r"(?P<s>\w+): (?P<r>[A-Z]+) \(copy\)", ("代付通知 {s}: {r}（重复）", "payout notification {s}: {r} (copy)")),
    (r"(?P<s>\w+): (?P<r>[A-Z]+)", ("代付通知 {s}: {r}", "payout notification {s}: {r}")),
)


def exchange_label(label: str, lang: str) -> str:
    """The name a probe gave an exchange, in the report's language (an unknown one as it is)."""
    import re

    for pattern, (zh, en) in _PROBE_LABELS:
        found = re.fullmatch(pattern, label)
        if found:
            words = {k: (pick(CREDIT_MOMENT[v], lang) if k == "c" and v in CREDIT_MOMENT else
                         pick(PROBE_WORD[v], lang) if v in PROBE_WORD else v)
                     for k, v in found.groupdict().items()}
            return (en if lang == "en" else zh).format(**words)
    return label


def field_label(key: str, lang: str) -> str | None:
    """An evidence field name in words, or None where the name is itself what staff read (a
    LianLian protocol field such as no_order, a config key)."""
    pair = FIELD_LABEL.get(key)
    return pick(pair, lang) if pair else None


# -- words the reports use around the data (LianLian's own terms in Chinese) -------------------------

UI: dict[str, tuple[str, str]] = {
    "colon": ("：", ": "),
    "doc_kicker": ("连连支付 · 认证支付 上线准备报告", "LianLian Pay · 认证支付 go-live readiness report"),
    "merchant": ("商户", "Merchant"),
    "oid_partner": ("商户号（oid_partner，本报告所判断的商户）", "Merchant number (oid_partner, the merchant this report judges)"),
    "unreadable_lines": ("{n}/{of} 行无法读取，已跳过（首个：{first}）", "{n} of {of} lines unreadable, skipped (first: {first})"),
    "environment": ("环境", "Environment"),
    "profile": ("商户类型画像", "Merchant-type profile"),
    "time": ("检查时间", "Checked at"),
    "channels": ("接入渠道", "Channels"),
    "category": ("商品类目（frms_ware_category）", "Goods category (frms_ware_category)"),
    "sign_types": ("签名方式（请求 / 商户站回调）", "Sign method (requests / merchant-site callbacks)"),
    "gate": ("判定门槛", "Gate threshold"),
    "selection": ("检查范围", "Checks run"),
    "gate_value": ("{sev}及以上", "{sev} and above"),
    "verdict": ("结论", "Verdict"),
    "why": ("结论依据", "Why"),
    "staff_summary": ("上线审核要点", "Launch review at a glance"),
    "staff_note": ("连连上线审核（审核1–3）与正式发布前确认事项（发布前1–3）。",
                   "LianLian's launch review (Review 1–3) and pre-release confirmations (Pre-release 1–3)."),
    "col_item": ("事项", "Item"),
    "col_question": ("审核内容", "What is reviewed"),
    "col_result": ("结果", "Result"),
    "col_note": ("说明", "Note"),
    "contents": ("目录与检查一览", "Contents and all checks"),
    "counts": ("检查统计", "Checks"),
    "status": ("状态", "Status"),
    "severity": ("严重度", "Severity"),
    "checked": ("检查范围", "What was checked"),
    "reason": ("原因", "Reason"),
    "findings": ("发现的问题", "Findings"),
    "location": ("位置", "Location"),
    "message": ("说明", "Message"),
    "uncertain": ("规则存疑（UNCERTAIN）", "rule UNCERTAIN"),
    "more_findings": ("另有 {n} 条未列出", "{n} more not listed"),
    "more_targets": ("另有 {n} 个（点击展开）", "{n} more (click to show)"),
    "evidence": ("证据", "Evidence"),
    "remediation": ("整改建议", "How to fix"),
    "rationale": ("为什么重要", "Why it matters"),
    "references": ("依据", "References"),
    "duration": ("耗时", "Time"),
    "waiver": ("豁免", "Waiver"),
    "expired_waiver": ("豁免已过期", "Waiver expired"),
    "approver": ("审批人", "Approver"),
    "expires": ("有效期至", "Expires"),
    "justification": ("理由", "Justification"),
    "waivers_attestations": ("豁免与人工确认", "Waivers and attestations"),
    "waivers": ("豁免", "Waivers"),
    "no_waivers": ("无豁免。", "No waivers."),
    "attestations": ("人工确认", "Attestations"),
    "no_attestations": ("无人工确认记录。", "No attestations."),
    "attested_by": ("确认人", "Attested by"),
    "date": ("日期", "Date"),
    "note": ("备注", "Note"),
    "active": ("有效", "active"),
    "expired": ("已过期", "expired"),
    "awaiting": ("待确认", "awaiting"),
    "check": ("检查", "Check"),
    "provenance": ("来源与可追溯信息", "Provenance"),
    "tool_version": ("工具版本", "Tool version"),
    "run_id": ("运行编号", "Run id"),
    "config_file": ("配置文件", "Config file"),
    "config_sha256": ("配置文件 SHA-256", "Config SHA-256"),
    "python": ("Python", "Python"),
    "probe": ("在线探测（--probe）", "Live probes (--probe)"),
    "online": ("在线检查（--online）", "Online checks (--online)"),
    "probe_targets": ("探测目标", "Probe targets"),
    "inputs": ("输入文件", "Inputs"),
    "timings": ("各阶段耗时", "Timings"),
    "evidence_sources": ("证据收集情况", "Evidence gathered"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("无", "none"),
    "bytes": ("字节", "bytes"),
    "signature": ("报告签名", "Report signature"),
    "unsigned": ("本报告未签名。使用 golive check --sign-with 商户私钥 生成可验证的报告。",
                 "This report is not signed. Run golive check --sign-with MERCHANT_PRIVATE_KEY for a verifiable report."),
    "signed_note": ("本报告内嵌的检查结果已用商户 RSA 私钥签名（商户已在商户站上传其公钥）。连连工作人员可用以下命令核验报告未被改动：",
                    "The result embedded in this report is signed with the merchant's RSA private key (whose public key the "
                    "merchant uploaded to the merchant site). LianLian staff can check that the report is unaltered with:"),
    "algorithms": ("签名算法", "Algorithms"),
    "result_sha256": ("检查结果 SHA-256", "Result SHA-256"),
    "key_fingerprint": ("签名公钥指纹（SHA-256）", "Signing key fingerprint (SHA-256)"),
    "key_bits": ("密钥长度", "Key size"),
    "request": ("请求", "Request"),
    "response": ("响应", "Response"),
    "headers": ("请求头", "Headers"),
    "body": ("报文", "Body"),
    "no_response": ("无响应", "no response"),
    "error": ("错误", "Error"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "record": ("抓包记录", "Capture record"),
    "exchange": ("HTTP 交互", "HTTP exchange"),
    "truncated": ("（已截断，原文 {n} 个字符）", " (truncated; {n} characters in full)"),
    "back_to_top": ("返回顶部", "Back to top"),
    "to_act_on": ("需要处理", "To act on"),
    "to_act_on_note": ("未通过、无法判定或待人工确认的检查，按严重度排列；点击检查编号查看证据。",
                       "Checks that failed, could not be judged or await an attestation, worst first; click an id "
                       "for the evidence."),
    "nothing_to_act_on": ("没有需要处理的检查。", "Nothing to act on."),
    "all_checks": ("全部检查", "All checks"),
    "expand_all": ("全部展开", "Expand all"),
    "collapse_all": ("全部收起", "Collapse all"),
    "fix": ("怎么改", "Fix"),
    "explain": ("检查说明", "About this check"),
    "explain_offline": ("离线查看：golive explain {id}", "offline: golive explain {id}"),
    "config_lines": ("需要修改的配置（{file}）", "Config lines to change ({file})"),
    "line_no": ("第 {n} 行", "line {n}"),
    "scenario": ("场景", "Scenario"),
    "credits": ("入账次数", "Credits"),
    "answers": ("应答", "Answers"),
    "page_of": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "footer": ("本报告由 golive 根据商户配置、密钥、抓包与在线探测生成；个人信息已脱敏，密钥从不出现在报告中。",
               "Generated by golive from the merchant's config, keys, captures and live probes; personal data is masked "
               "and secrets never appear in this report."),
    "headline_ready": ("所有达到门槛（{sev}及以上）的检查均已通过：可以把本报告交给连连，提交上线审核。"
                       "发布前1–3 在正式环境上线前确认。",
                       "Every check at or above the gate ({sev}) passed: hand this report to LianLian for the launch "
                       "review. Pre-release 1–3 are confirmed in production before release."),
    "headline_ready_production": ("所有达到门槛（{sev}及以上）的检查均已通过，发布前事项均已确认：可以上线。",
                                  "Every check at or above the gate ({sev}) passed and the pre-release points are "
                                  "confirmed: ready to go live."),
    "headline_not_ready": ("{n} 项达到门槛（{sev}及以上）的检查未通过，需修复后重新检查。",
                           "{n} check(s) at or above the gate ({sev}) failed and must be fixed before the launch review."),
    "headline_incomplete": ("未发现达到门槛的未通过项，但有 {n} 项无法判定或待人工确认；补齐证据前不能判定为可以上线。",
                            "Nothing at or above the gate failed, but {n} point(s) could not be judged or await an "
                            "attestation; the run cannot say ready until the evidence is complete."),
}


def ui(key: str, lang: str, **values: Any) -> str:
    text = pick(UI[key], lang)
    return text.format(**values) if values else text

"""What the HTML, Markdown, JUnit and SARIF reporters share: bilingual labels in LianLian's own
terms and small formatting helpers.

Every reporter is a pure function of a `golive.result.Result` and only formats it: the engine made
every judgement (item states, staff-summary rows, verdict sentences, the gate per check) and the
one redaction pass ran where the result was made or read (engine, `golive report --from`,
`golive verify-report`). A result from an older golive was completed when it was read
(golive.result_v1), so nothing here needs a fallback for a missing key.
"""

from __future__ import annotations

from typing import Any

from golive.result import SEVERITIES, STAFF_STATE, STATUSES, Location, Text, severity_label, severity_rank, status_label

__all__ = ["STATUSES", "SEVERITIES", "STATUS_MARK", "STAFF_STATE", "severity_label", "severity_rank", "status_label"]

# One set of status marks for every report.
STATUS_MARK = {"pass": "✔", "fail": "✘", "error": "!", "not_applicable": "–", "manual": "?", "waived": "~",
               "skipped": "·"}
VERDICT_LABEL = {
    "ready": ("可以上线", "Ready for go-live"),
    "not_ready": ("尚未就绪", "Not ready"),
    "incomplete": ("无法判定（证据不全）", "Incomplete (evidence missing)"),
}
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


def verdict_label(verdict: str, lang: str) -> str:
    return pick(VERDICT_LABEL.get(verdict, (verdict, verdict)), lang)


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
    "footer": ("本报告由 golive 根据商户配置、密钥、抓包与在线探测生成；个人信息已脱敏，密钥从不出现在报告中。",
               "Generated by golive from the merchant's config, keys, captures and live probes; personal data is masked "
               "and secrets never appear in this report."),
    "headline_ready": ("所有达到门槛（{sev}及以上）的检查均已通过，可以提交连连上线审核。",
                       "Every check at or above the gate ({sev}) passed: ready for LianLian's launch review."),
    "headline_not_ready": ("{n} 项达到门槛（{sev}及以上）的检查未通过，需修复后重新检查。",
                           "{n} check(s) at or above the gate ({sev}) failed and must be fixed before the launch review."),
    "headline_incomplete": ("未发现达到门槛的未通过项，但有 {n} 项无法判定或待人工确认；补齐证据前不能判定为可以上线。",
                            "Nothing at or above the gate failed, but {n} point(s) could not be judged or await an "
                            "attestation; the run cannot say ready until the evidence is complete."),
}


def ui(key: str, lang: str, **values: Any) -> str:
    text = pick(UI[key], lang)
    return text.format(**values) if values else text

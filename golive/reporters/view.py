"""What the HTML, Markdown, JUnit and SARIF reporters share: bilingual labels in LianLian's own
terms, the go-live list in the guide's order and the staff summary (审核1–3, 发布前1–3).

Every reporter is a pure function of the result dict (golive.result/1). A result may come from an
older golive (`golive report --from old.json`), so nothing here assumes an optional key exists.

Reporters do not redact: the result they get is already safe. `golive.redact.redact_result` runs
once where a result is made or enters from outside (engine.run_check, `golive report --from`,
`golive verify-report`), and `golive.result_doc` checks the structure of a result from outside
before any reporter sees it.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from golive.model import ITEM_TITLES, Item
from golive.reporters.text import STATUS_MARK  # one set of status marks for every report

# -- labels -------------------------------------------------------------------------------------------

STATUSES = ("pass", "fail", "error", "not_applicable", "manual", "waived", "skipped")
STATUS_LABEL = {
    "pass": ("通过", "Pass"),
    "fail": ("未通过", "Fail"),
    "error": ("无法判定", "Could not judge"),
    "not_applicable": ("不适用", "Not applicable"),
    "manual": ("待人工确认", "Needs attestation"),
    "waived": ("已豁免", "Waived"),
    "skipped": ("未选中", "Skipped"),
}
SEVERITIES = ("blocker", "high", "medium", "low", "info")
SEVERITY_LABEL = {
    "blocker": ("阻断", "Blocker"),
    "high": ("高", "High"),
    "medium": ("中", "Medium"),
    "low": ("低", "Low"),
    "info": ("提示", "Info"),
}
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


def t(text: Any, lang: str) -> str:
    """The text in `lang` from a {"zh","en"} dict (falling back to the other), or str(text)."""
    if isinstance(text, Mapping):
        value = text.get("en" if lang == "en" else "zh") or text.get("zh") or text.get("en") or ""
        return str(value)
    return "" if text is None else str(text)


def status_label(status: str, lang: str) -> str:
    return pick(STATUS_LABEL.get(status, (status, status)), lang)


def severity_label(severity: str, lang: str) -> str:
    return pick(SEVERITY_LABEL.get(severity, (severity, severity)), lang)


def verdict_label(verdict: str, lang: str) -> str:
    return pick(VERDICT_LABEL.get(verdict, (verdict, verdict)), lang)


def environment_label(environment: str, lang: str) -> str:
    return pick(ENVIRONMENT_LABEL.get(environment, (environment, environment)), lang)


def severity_rank(severity: str) -> int:
    return len(SEVERITIES) - SEVERITIES.index(severity) if severity in SEVERITIES else 0


def at_least(severity: str, threshold: str) -> bool:
    return severity_rank(severity) >= severity_rank(threshold)


# -- the go-live list -------------------------------------------------------------------------------


def item_title(result: Mapping[str, Any], item: str) -> Any:
    """The item's bilingual title: from the result, else from the model, else its id."""
    items = (result.get("summary") or {}).get("items") or {}
    title = (items.get(item) or {}).get("title")
    if title:
        return title
    try:
        return ITEM_TITLES[Item(item)].to_dict()
    except ValueError:
        return {"zh": item, "en": item}


def checks_by_item(checks: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Checks grouped by go-live item in the guide's order (Item enum); unknown items last."""
    groups: dict[str, list[Mapping[str, Any]]] = {item.value: [] for item in Item}
    for check in checks:
        groups.setdefault(str(check.get("item") or "other"), []).append(check)
    return [(item, group) for item, group in groups.items() if group]


def location_text(location: Any) -> str:
    if not isinstance(location, Mapping):
        return ""
    if location.get("text"):
        return str(location["text"])
    text = str(location.get("file") or "")
    if location.get("line") is not None:
        text += f":{location['line']}"
    if location.get("pointer"):
        text += f"#{location['pointer']}"
    return text


# -- the staff summary ------------------------------------------------------------------------------

# (key, label zh, label en, item): LianLian's launch review (审核) and pre-release (发布前) lists.
# The model folds 审核3 and 发布前3 (both 同卡进出) into one item; staff read them as two lines.
STAFF_ROWS = (
    ("review1", "审核1", "Review 1", "review.risk", ("风控参数是否传正确", "Risk-control parameters sent correctly")),
    ("review2", "审核2", "Review 2", "review.notify",
     ("异步通知是否接受成功并正确响应", "Async notification received and acknowledged correctly")),
    ("review3", "审核3", "Review 3", "review.same_card", ("同卡进出是否做好控制", "Same card in, same card out")),
    ("release1", "发布前1", "Pre-release 1", "release.registration",
     ("正式环境的域名、IP 和应用标识是否已报备", "Production domains, IPs and app ids registered")),
    ("release2", "发布前2", "Pre-release 2", "release.limits", ("支付限额是否打开", "Payment limits opened")),
    ("release3", "发布前3", "Pre-release 3", "review.same_card", ("同卡进出是否做好", "Same card in, same card out in place")),
)

# state -> (mark, label zh, label en)
STAFF_STATE = {
    "ok": ("✔", "通过", "Pass"),
    "fail": ("✘", "未通过", "Fail"),
    "error": ("!", "无法判定", "Could not judge"),
    "manual": ("?", "待人工确认", "Needs attestation"),
    "waived": ("~", "已豁免", "Waived"),
    "pending": ("…", "待上线前确认", "Confirm before release"),
    "not_judged": ("–", "未判定", "Not judged"),
    "attested": ("○", "不适用（已声明）", "Not applicable (attested)"),
}


def _first(checks: list[Mapping[str, Any]], status: str) -> list[Mapping[str, Any]]:
    return [c for c in checks if c.get("status") == status]


def _more(lines: list[str], lang: str) -> str:
    if len(lines) <= 1:
        return lines[0] if lines else ""
    extra = len(lines) - 1
    return lines[0] + (f"（另有 {extra} 项）" if lang != "en" else f" (+{extra} more)")


def staff_summary(result: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """The six lines staff read first: state, mark and one line of explanation each.

    A tick needs a check that passed and none that failed, errored or awaits an attestation. In the
    integration environment the pre-release items cannot be shown yet (limits open only after the
    review; production domains are filed for launch), so they read "confirm before release" --
    unless a check already found a defect, which is shown as a cross.
    """
    checks = [c for c in result.get("checks") or [] if isinstance(c, Mapping)]
    production = (result.get("merchant") or {}).get("environment") == "production"
    gate = str((result.get("summary") or {}).get("fail_on") or "high")
    uncovered = uncovered_items(result, ("uncovered",))
    deselected = uncovered_items(result, ("deselected",))
    rows: list[dict[str, str]] = []
    for key, label_zh, label_en, item, question in STAFF_ROWS:
        of_item = [c for c in checks if c.get("item") == item]
        # Failures below the gate do not change the verdict, so they do not cross the line out
        # either; they are named at the end of it.
        failed_all = _first(of_item, "fail")
        failed = [c for c in failed_all if at_least(str(c.get("severity")), gate)]
        minor = [c for c in failed_all if c not in failed]
        errors, manual = _first(of_item, "error"), _first(of_item, "manual")
        waived, passed = _first(of_item, "waived"), _first(of_item, "pass")
        na = _first(of_item, "not_applicable")

        def ids(group: list[Mapping[str, Any]], with_reason: bool = False) -> list[str]:
            return [f"{c.get('id')} {t(c.get('reason') if with_reason and c.get('reason') else c.get('title'), lang)}"
                    for c in group]

        if failed:
            state, line = "fail", _more(ids(failed), lang)
        elif item.startswith("release.") and not production:
            state = "pending"
            line = ("联调环境：上线前在正式环境再次确认" if lang != "en" else
                    "Integration environment: confirm again in production before release")
            if passed:
                line += (f"（已通过 {len(passed)} 项预检）" if lang != "en" else
                         f" ({len(passed)} pre-check{'s' if len(passed) != 1 else ''} passed)")
        elif errors:
            state, line = "error", _more(ids(errors, with_reason=True), lang)
        elif item in deselected:
            # --select/--skip left the item without a judging check: never a tick.
            state = "not_judged"
            skipped = [str(c.get("id")) for c in _first(of_item, "skipped")]
            line = (f"检查被 --select/--skip 排除（{', '.join(skipped)}），此项未判定" if lang != "en" else
                    f"its checks were deselected with --select/--skip ({', '.join(skipped)}): not judged")
        elif item in uncovered:
            # The engine found no check that proves this item (a URL-shape pass does not prove that
            # notifications are handled): the verdict is incomplete, and no tick is shown.
            state = "not_judged"
            line = ("没有检查能证明此项（缺少抓包或在线探测证据）" if lang != "en" else
                    "no check could prove this item (captures or live probes missing)")
            if passed:
                line += (f"；{len(passed)} 项辅助检查通过" if lang != "en" else f"; {len(passed)} supporting check(s) passed")
        elif manual:
            state, line = "manual", _more(ids(manual, with_reason=True), lang)
        elif waived:
            state, line = "waived", _more([f"{c.get('id')} {t(c.get('title'), lang)} — "
                                          f"{(c.get('waiver') or {}).get('approver', '')} → "
                                          f"{(c.get('waiver') or {}).get('expires', '')}" for c in waived], lang)
        elif of_item and all(c.get("attestation") and c.get("status") == "not_applicable" for c in of_item):
            # The merchant attested it has no such business (scope.*): settled, and said so.
            attestation = of_item[0]["attestation"]
            state = "attested"
            line = (f"商户声明无此业务，{attestation.get('attested_by')} 于 {attestation.get('date')} 确认" if lang != "en" else
                    f"the merchant declares it has no such business, attested by {attestation.get('attested_by')} on "
                    f"{attestation.get('date')}")
        elif passed:
            state = "ok"
            line = (f"{len(passed)} 项检查通过" if lang != "en" else f"{len(passed)} check(s) passed")
            if na:
                line += (f"，{len(na)} 项不适用" if lang != "en" else f", {len(na)} not applicable")
        else:
            state = "not_judged"
            reasons = [t(c.get("reason"), lang) for c in na if c.get("reason")]
            line = reasons[0] if reasons else ("没有检查判定此项" if lang != "en" else "no check judged this item")
        if minor and state != "fail":
            line += ("；门槛以下的问题：" if lang != "en" else "; below the gate: ") + ", ".join(
                str(c.get("id")) for c in minor)
        if key == "release3" and state not in ("pending",):
            line = ("同审核3：" if lang != "en" else "As Review 3: ") + line
        mark, state_zh, state_en = STAFF_STATE[state]
        rows.append({
            "key": key, "label": label_en if lang == "en" else label_zh, "question": pick(question, lang),
            "item": item, "state": state, "mark": mark, "state_label": state_en if lang == "en" else state_zh,
            "line": line,
        })
    return rows


def uncovered_items(result: Mapping[str, Any], kinds: tuple[str, ...] = ("uncovered", "deselected")) -> set[str]:
    """Go-live items the engine says no check judged (summary.reasons: "uncovered", or "deselected"
    when --select/--skip left them out)."""
    return {str(r.get("item")) for r in (result.get("summary") or {}).get("reasons") or []
            if isinstance(r, Mapping) and r.get("kind") in kinds}


def verdict_reasons(result: Mapping[str, Any], lang: str) -> list[str]:
    """One sentence per reason the verdict is what it is (summary.reasons)."""
    checks = {c.get("id"): c for c in result.get("checks") or [] if isinstance(c, Mapping)}
    lines: list[str] = []
    for reason in (result.get("summary") or {}).get("reasons") or []:
        if not isinstance(reason, Mapping):
            continue
        kind = reason.get("kind")
        if kind in ("uncovered", "deselected"):
            title = t(reason.get("title") or item_title(result, str(reason.get("item"))), lang)
            if kind == "deselected":
                lines.append(f"{title}：检查被 --select/--skip 排除，未判定" if lang != "en"
                             else f"{title}: its checks were deselected with --select/--skip, so it was not judged")
            else:
                lines.append(f"{title}：没有任何检查能够判定" if lang != "en" else f"{title}: no check could judge it")
            continue
        check = checks.get(reason.get("check")) or {}
        title = t(check.get("title"), lang)
        sev = severity_label(str(reason.get("severity") or check.get("severity") or ""), lang)
        status = status_label(str(kind), lang)
        lines.append(f"{reason.get('check')} {title}（{status}，{sev}）" if lang != "en"
                     else f"{reason.get('check')} {title} ({status}, {sev})")
    return lines


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

"""LL-LIM-003 -- card whitelist entries (风控白名单) have not expired.

During integration, frequent test payments can be stopped by risk control; the guide (四 风控参数)
tells merchants to whitelist their test cards with a form e-mailed to LianLian. A whitelist entry
lasts 7 days by default and 30 days at most. An expired entry means the next test payment -- or
the one the launch review needs -- may be blocked (the guide calls it 1003; protocol.md §6 notes
the risk rejection code is actually 9910). golive tracks the entries declared in `whitelist:`.
"""

from __future__ import annotations

import datetime as dt

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-LIM-003",
    item=Item.RELEASE_LIMITS,
    severity=Severity.MEDIUM,
    title=Text("风控白名单未过期（默认 7 天，最长 30 天）", "Card whitelist entries are not expired (7 days default, 30 max)"),
    rationale=Text(
        "测试卡加入风控白名单后默认 7 天有效、最长 30 天；过期后测试或审核用的支付可能被风控拦截。",
        "Whitelisted test cards are valid 7 days by default and 30 at most; after that, test or review payments may "
        "be blocked by risk control.",
    ),
    remediation=Text(
        "在白名单到期前重新发送规则免疫申请表（open.lianlianpay.com #cat=86），需要更长时间请在邮件中说明（最长 30 天），并更新 whitelist: 中的日期。",
        "Re-send the rule-immunity form (open.lianlianpay.com #cat=86) before expiry, asking for up to 30 days if "
        "needed, and update the dates under whitelist:.",
    ),
    references=("guide 四 风控参数（白名单有效期默认 7 天，最长 30 天）", "docs/protocol.md §6 (1003 vs 9910)"),
    needs=("config",),
)

DEFAULT_DAYS = 7
MAX_DAYS = 30


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    entries = evidence.value("config").get("whitelist") or []
    if not entries:
        return Judgement.not_applicable(Text("未声明风控白名单", "no whitelist entries declared"))
    today = ctx.now.date()
    findings: list[Finding] = []
    for index, entry in enumerate(entries):
        key = f"whitelist[{index}]"
        added = dt.date.fromisoformat(entry["added"])
        days = int(entry.get("days", DEFAULT_DAYS))
        card = f"****{entry['card_last4']}"
        if days > MAX_DAYS:
            findings.append(Finding(Text(f"卡 {card} 的白名单有效期 {days} 天超过最长 {MAX_DAYS} 天", f"card {card}: {days} days exceeds the {MAX_DAYS}-day maximum"),
                                    ctx.at(f"{key}.days")))
            days = MAX_DAYS
        if added > today:
            findings.append(Finding(Text(f"卡 {card} 的加入日期 {added} 在未来", f"card {card}: added date {added} is in the future"), ctx.at(f"{key}.added")))
            continue
        expires = added + dt.timedelta(days=days)
        if expires < today:
            findings.append(Finding(Text(f"卡 {card} 的白名单已于 {expires} 过期", f"card {card}: whitelist expired on {expires}"),
                                    ctx.at(key), data={"expired": expires.isoformat()}))
    return Judgement.from_findings(findings, Text(f"{len(entries)} 条白名单", f"{len(entries)} whitelist entr(ies)"))

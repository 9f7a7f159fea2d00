"""LL-LIM-002 -- production payment limits have been opened: needs an attestation.

After integration every user is limited to 10 CNY per transaction and day. Limits are opened by
LianLian's market staff through an internal go-live process after the launch review (guide 七,
九 发布前2: "支付限额是否打开"); the amounts come from the limit table staff provide. Nothing in a
config or capture can prove this, so golive asks for an attestation: who at LianLian confirmed
it, and when (`limits.production_opened: {attested_by, date}`). In integration the check does
not apply yet -- limits are opened after the review this report is for.
"""

from __future__ import annotations

import datetime as dt

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-LIM-002",
    item=Item.RELEASE_LIMITS,
    severity=Severity.HIGH,
    title=Text("生产支付限额已开通（需确认人与日期）", "Production payment limits opened (attested by whom, when)"),
    rationale=Text(
        "联调后每个用户单笔单日仅 10 元，须联系连连市场同事走上线流程开通限额；无法从配置中证明，需要有人确认。",
        "After integration each user is limited to 10 CNY per transaction and day until LianLian's market staff open "
        "limits; no config can prove it, so someone must attest it.",
    ),
    remediation=Text(
        "上线审核通过后联系连连市场同事开通限额，按其提供的限额表核对，并在 limits.production_opened 中记录确认人和日期。",
        "After the launch review ask LianLian's market staff to open the limits, compare with their limit table, and "
        "record who confirmed it and when under limits.production_opened.",
    ),
    references=("guide 七 同卡进出（开通限额）", "guide 九 正式发布前确认事项 2", "docs/protocol.md §10"),
    needs=("config",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    if ctx.environment != "production":
        return Judgement.not_applicable(Text("联调环境：限额在上线审核通过后开通", "integration: limits are opened after the launch review"))
    attestation = ((evidence.value("config").get("limits") or {}).get("production_opened"))
    if not attestation:
        return Judgement.needs_attestation(Text(
            "请在 limits.production_opened 中记录连连确认开通限额的人员与日期",
            "record in limits.production_opened who at LianLian confirmed the limits are open, and when"))
    date = dt.date.fromisoformat(attestation["date"])
    if date > ctx.now.date():
        return Judgement.violations(
            [Finding(Text(f"确认日期 {date} 在未来", f"the attestation date {date} is in the future"), ctx.at("limits.production_opened.date"))],
            Text("限额开通确认", "limits attestation"))
    shown = ({"kind": "attestation", "attested_by": attestation["attested_by"], "date": date.isoformat(),
                 "note": attestation.get("note")},)
    return Judgement.attested(Text(f"{attestation['attested_by']} 于 {date} 确认已开通限额",
                                   f"limits opened, attested by {attestation['attested_by']} on {date}"), shown)

"""LL-REC-001 -- reconciliation is set up: LianLian's daily statements are fetched and checked.

LianLian produces the previous day's statement every morning, keyed by the clearing date
``settle_date`` returned with every successful payment (guide 九 商户对账; docs/protocol.md §9):
``JYMX`` (payments), ``JYMXSUM`` (the day's totals) and ``FKMX`` (payouts). A merchant fetches them
from 商户站 or by SFTP (parameters given after signing, IP-restricted) and compares them with its
books -- the only way to see money received but never credited, a credit LianLian never paid, or
a payout the bank sent back.

golive can judge the comparison only when it is told where the files are (``reconciliation.path``
or ``reconciliation.sftp``) and has the ledger. A merchant that does not reconcile yet gets
``manual`` with what to set up -- never ``pass``; one that reconciles by hand from the merchant-site
download attests who does it (``reconciliation.manual``).
"""

from __future__ import annotations

import datetime as dt

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-REC-001",
    item=Item.INTEGRATION_RECONCILIATION,
    severity=Severity.MEDIUM,
    title=Text("已建立对账：每日获取连连对账文件并与台账核对", "Reconciliation set up: LianLian's daily statements fetched and checked"),
    rationale=Text(
        "连连每天生成前一天按清算日期 settle_date 的对账文件（JYMX、JYMXSUM、FKMX）。不对账就发现不了用户付了款却未入账、"
        "重复入账或银行退回的付款。",
        "LianLian publishes each day's statements keyed by settle_date (JYMX, JYMXSUM, FKMX). Without reconciling them "
        "a merchant never sees payments received but not credited, double credits, or payouts the bank sent back.",
    ),
    remediation=Text(
        "在 golive.yaml 的 reconciliation: 下配置对账文件来源（path 或 sftp，SFTP 须固定主机公钥并用私钥登录），并提供"
        "含 settle_date 的台账；每天 9 点后获取前一天的文件并核对。人工核对的，写明 reconciliation.manual 的负责人与日期。",
        "Configure the statements' source under reconciliation: in golive.yaml (path, or sftp with a pinned host key and "
        "key login) and give a ledger with settle_date; fetch the previous day's files after 09:00 and reconcile them. "
        "If it is done by hand, record who in reconciliation.manual.",
    ),
    references=("guide 九 商户对账", "docs/protocol.md §9", "LianLian docs: Transaction Report (对账文件)"),
    needs=("reconciliation",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("reconciliation")
    if not value.get("configured"):
        manual = value.get("manual")
        setup = value.get("setup") or {}
        if isinstance(manual, dict) and manual.get("attested_by") and manual.get("date"):
            date = dt.date.fromisoformat(str(manual["date"]))
            if date > ctx.now.date():
                return Judgement.violations([Finding(
                    Text(f"确认日期 {date} 在未来", f"the attestation date {date} is in the future"),
                    ctx.at("reconciliation.manual.date"))], Text("人工对账确认", "manual reconciliation attestation"))
            return Judgement.attested(
                Text(f"{manual['attested_by']} 于 {date} 确认每日人工从商户站下载对账文件核对（golive 未能复核）",
                     f"reconciled by hand from the merchant-site download, attested by {manual['attested_by']} on {date} "
                     "(golive could not check it)"),
                ({"kind": "attestation", "attested_by": manual["attested_by"], "date": date.isoformat(),
                  "note": manual.get("note")},))
        return Judgement.needs_attestation(Text(str(setup.get("zh", "")), str(setup.get("en", ""))))
    source = value.get("source") or {}
    files = value.get("files") or []
    if not files:
        return Judgement.cannot_judge(Text(
            f"对账来源 {source.get('where')} 中没有本商户在所选日期内的对账文件（文件名应为 JYMX_{{商户号}}_{{yyyyMMdd}}.txt 等）",
            f"the source {source.get('where')} holds no statement of this merchant in the window (names like "
            "JYMX_{oid_partner}_{yyyyMMdd}.txt)"))
    if value.get("ledger_missing"):
        return Judgement.cannot_judge(Text(
            "已获取对账文件，但没有台账可核对：请提供 evidence.ledger（或 reconciliation.ledger）",
            "statements were fetched but there is no ledger to reconcile them with: give evidence.ledger "
            "(or reconciliation.ledger)"))
    kinds = sorted({str(f.get("kind")) for f in files})
    days = sorted({str(f.get("date")) for f in files})
    return Judgement.clean(
        Text(f"从 {source.get('where')}（{source.get('kind')}）获取 {len(files)} 个对账文件（{'、'.join(kinds)}，"
             f"{days[0]}–{days[-1]}），与台账 {(value.get('ledger') or {}).get('file')} 核对",
             f"fetched {len(files)} statement files ({', '.join(kinds)}, {days[0]}-{days[-1]}) from {source.get('where')} "
             f"({source.get('kind')}) and reconciled them with {(value.get('ledger') or {}).get('file')}"),
        ({"source": source, "files": files, "ledger": value.get("ledger")},))

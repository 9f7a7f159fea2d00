"""LL-REC-002 -- the statement files read cleanly: LianLian's format, this merchant, their own day.

The statements are plain text in a fixed layout (docs/protocol.md §9, LianLian's SFTP templates):
JYMX and FKMX are comma-separated under a Chinese header (14 and 17 columns), JYMXSUM is one line of
7 ``|``-separated figures; amounts are plain decimals (``521.6``, ``.6``), dates ``yyyyMMdd``.
A file that does not read as such -- a wrong header or column count, an amount that is not a
decimal, another merchant's number, a settle_date that is not the file's -- means the merchant's
job fetched the wrong thing, or a reconciliation built on it silently skips rows. Every problem is
listed at ``file:line``; the variants §9 records (empty JYMXSUM fields) are accepted.
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text,
                              reconciled)

META = CheckMeta(
    id="LL-REC-002",
    item=Item.INTEGRATION_RECONCILIATION,
    severity=Severity.HIGH,
    title=Text("对账文件格式正确、属于本商户、日期一致", "Statement files read cleanly: LianLian's format, this merchant, their day"),
    rationale=Text(
        "对账文件格式固定（JYMX/FKMX 逗号分隔带中文表头，JYMXSUM 一行 7 个 | 分隔的数）。读不出的行会在对账中被悄悄跳过。",
        "The statements have a fixed layout (JYMX/FKMX comma-separated under a Chinese header, JYMXSUM one line of 7 "
        "'|'-separated figures). Lines that do not read are silently skipped by a reconciliation built on them.",
    ),
    remediation=Text(
        "确认获取的是本商户号的原始文件（不要经 Excel 另存），按 UTF-8 读取，金额按十进制精确解析。",
        "Fetch this merchant's original files (never re-saved through a spreadsheet), read them as UTF-8 and parse "
        "amounts as exact decimals.",
    ),
    references=("docs/protocol.md §9", "guide 九 商户对账"),
    needs=("reconciliation",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("reconciliation")
    early = reconciled(value) if not value.get("configured") or not value.get("files") else None
    if early is not None:
        return early
    files = value.get("files") or []
    findings = [Finding(Text(f"对账文件问题：{p['message']}", f"statement problem: {p['message']}"),
                        Location(file=p.get("file"), line=p.get("line"))) for p in value.get("problems") or []]
    notes = [f"{f['file']}: {note}" for f in files for note in f.get("notes") or []]
    rows = sum(int(f.get("rows") or 0) for f in files)
    checked = Text(f"读取对账文件 {len(files)} 个，明细 {rows} 行", f"read {len(files)} statement files, {rows} detail rows")
    return Judgement.from_findings(findings, checked, ({"files": files, "notes": notes},))

"""LL-SIG-002 -- the MD5 key is well-formed: only letters, digits and underscore, 1-100 chars.

The merchant sets its own MD5 key on the merchant site (商户站 安全中心—商户密钥维护); the guide
(三 接口联调) says it "supports letters, digits and underscore, within 100 characters". A key
with other characters cannot be saved there, so the two sides will not agree. MD5 signing is a
shared-secret MAC (protocol.md §2.2): a short or low-variety key can be brute-forced from one
signed notification, so weak keys are warned (low severity).
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-SIG-002",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("MD5 密钥格式正确（字母数字下划线，100 位以内）", "MD5 key is well-formed (letters, digits, underscore; at most 100)"),
    rationale=Text(
        "商户站只接受字母、数字、下划线组成、100 位以内的 MD5 密钥；过短或单一的密钥可被一条已签名通知暴力破解。",
        "The merchant site accepts only letters, digits and underscore up to 100 characters; a short or "
        "low-variety key can be brute-forced from a single signed notification.",
    ),
    remediation=Text(
        "在商户站重新设置一个 32 位以上、由大小写字母、数字和下划线随机组成的 MD5 密钥，并同步到程序配置。",
        "Set a new random MD5 key of 32+ characters mixing upper/lower-case letters, digits and underscore on "
        "the merchant site and in the program's configuration.",
    ),
    references=("guide 三 接口联调（MD5 秘钥支持字母数字下划线，100 位以内）", "docs/protocol.md §2.2"),
    needs=("config", "keys"),
)

MIN_STRONG_LENGTH = 16


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    facts = evidence.value("keys").get("md5")
    signing = evidence.value("config").get("signing", {})
    uses_md5 = "MD5" in (signing.get("sign_type"), signing.get("notify_sign_type"))
    if facts is None:
        if uses_md5:
            return Judgement.violations(
                [Finding(Text("使用 MD5 签名但未配置 md5_key", "MD5 signing is used but md5_key is not configured"),
                         ctx.at("signing.md5_key"))],
                Text("MD5 密钥", "MD5 key"))
        return Judgement.not_applicable(Text("未使用 MD5 签名", "MD5 signing is not used"))
    findings: list[Finding] = []
    where = ctx.at("signing.md5_key")
    length = facts["length"]
    if length > 100 or facts["disallowed_kinds"]:
        reason_zh = f"长度 {length}" if length > 100 else f"含不允许的字符（{facts['disallowed_kinds']} 种）"
        reason_en = f"length {length}" if length > 100 else f"contains {facts['disallowed_kinds']} kind(s) of disallowed character"
        findings.append(Finding(Text(f"MD5 密钥格式不符合商户站要求：{reason_zh}", f"MD5 key is not accepted by the merchant site: {reason_en}"), where))
    else:
        if length < MIN_STRONG_LENGTH:
            findings.append(Finding(Text(f"MD5 密钥仅 {length} 位，过短", f"MD5 key has only {length} characters"), where,
                                    severity=Severity.LOW))
        if facts["distinct_chars"] <= 3 or facts["classes"] < 2:
            findings.append(Finding(Text("MD5 密钥字符种类单一，易被猜测", "MD5 key uses too few kinds of characters"), where,
                                    severity=Severity.LOW))
    return Judgement.from_findings(findings, Text(f"MD5 密钥（{length} 位，不显示内容）", f"MD5 key ({length} characters, value not shown)"))

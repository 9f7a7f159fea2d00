"""LL-SIG-007 -- secrets are not inline in the config or committed; key files are private.

The MD5 key is a shared secret: whoever has it can forge LianLian notifications to the merchant
(protocol.md §2.2, §2.5). The RSA private key lets anyone sign payment and payout requests in
the merchant's name (§2.3, §8). Both must live outside the repository (environment variables, a
secrets manager, or files with owner-only permissions) -- never inline in golive.yaml or the
application config, and never committed to git.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-SIG-007",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("密钥不写在配置中、不提交到仓库，密钥文件仅本人可读", "Secrets are not inline or committed; key files are owner-only"),
    rationale=Text(
        "持有 MD5 密钥即可伪造连连异步通知，持有 RSA 私钥即可以商户名义签名支付与代付请求；写在配置或提交到仓库就等于公开。",
        "Whoever holds the MD5 key can forge LianLian notifications; whoever holds the RSA private key can sign "
        "payments and payouts as the merchant. Inline or committed secrets are public secrets.",
    ),
    remediation=Text(
        "改用 {env: 变量名} 或 {file: 路径}；密钥文件放在仓库之外并 chmod 600；已提交的密钥视为泄露，在商户站更换后从 git 历史中清除。",
        "Use {env: NAME} or {file: PATH}; keep key files outside the repository with chmod 600; treat a committed key "
        "as leaked: rotate it on the merchant site and purge it from git history.",
    ),
    references=("docs/protocol.md §2.2, §2.3", "README: Config reference (secrets as {env:} or {file:})"),
    needs=("keys",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    facts = [f for f in evidence.value("keys")["storage"] if f["secret"]]
    if not facts:
        return Judgement.not_applicable(Text("配置中没有密钥", "the config holds no secrets"))
    findings: list[Finding] = []
    unknown: list[str] = []  # file secrets git could not be asked about
    for fact in facts:
        key = fact["key"]
        where = ctx.at(key)
        if fact["kind"] == "inline":
            findings.append(Finding(Text(f"{key} 直接写在配置文件中", f"{key} is written inline in the config"), where))
            continue
        if fact["kind"] != "file":
            continue
        if fact.get("tracked_in_git") is None:
            unknown.append(key)
        elif fact.get("tracked_in_git"):
            findings.append(Finding(Text(f"{key} 的文件已提交到 git 仓库", f"the file of {key} is committed to git"), where,
                                    data={"file": fact["file"]}))
        if fact.get("group_or_world_readable"):
            findings.append(Finding(
                Text(f"{key} 的文件权限为 {fact['mode']}，同组或其他用户可读", f"the file of {key} has mode {fact['mode']}: readable by group or others"),
                where, severity=Severity.MEDIUM, data={"file": fact["file"], "mode": fact["mode"]}))
    kinds = ", ".join(f"{f['key']}={f['kind']}" for f in facts)
    checked = Text(f"密钥来源：{kinds}", f"secret sources: {kinds}")
    if unknown and not findings:
        # Without git nobody can tell whether the key file is committed: never a silent pass.
        return Judgement.cannot_judge(Text(
            f"无法调用 git（未安装或拒绝读取此仓库），不能确认 {', '.join(unknown)} 的文件是否已提交；请在装有 git 的环境中运行",
            f"could not consult git (not installed, or it refuses to read this checkout), so whether the file of "
            f"{', '.join(unknown)} is committed is unknown; run where git is available"))
    return Judgement.from_findings(findings, checked)

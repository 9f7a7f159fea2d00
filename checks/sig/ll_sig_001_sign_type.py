"""LL-SIG-001 -- sign_type is MD5 or RSA and the merchant-site callback method is declared.

LianLian signs requests and callbacks with MD5 (shared key) or RSA (MD5withRSA) (protocol.md §2.2,
§2.3). The go-live guide (二、三) warns that the async notification is signed with the method
configured on the merchant site (商户站), *not* the request's `sign_type` -- so a merchant that
only knows its request method will reject or, worse, mis-verify callbacks. This check wants
`notify_sign_type` declared and the key material for every method in use configured:
MD5 needs `md5_key`; RSA requests need `rsa_private_key` (and the public key that was uploaded);
RSA callbacks need `lianlian_public_key`.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-SIG-001",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("签名方式为 MD5 或 RSA，且声明了商户站回调签名方式", "sign_type is MD5 or RSA and the callback sign method is declared"),
    rationale=Text(
        "异步通知按商户站配置的签名方式签名，而不是按支付请求的 sign_type；不声明就无法确认验签方式与密钥齐全。",
        "Callbacks are signed with the method configured on the merchant site, not the request's sign_type; "
        "without declaring it nobody can tell the right key is in place to verify them.",
    ),
    remediation=Text(
        "在 golive.yaml 的 signing 下填写 sign_type 与 notify_sign_type（与商户站“安全中心—商户密钥维护”一致），并配置对应密钥：MD5 需 md5_key，RSA 请求需 rsa_private_key，RSA 回调需 lianlian_public_key。",
        "Set signing.sign_type and signing.notify_sign_type (as configured on the merchant site under 安全中心—商户密钥维护) "
        "and configure the keys each needs: MD5 -> md5_key; RSA requests -> rsa_private_key; RSA callbacks -> lianlian_public_key.",
    ),
    references=("guide 二 安全签名机制, 三 接口联调", "docs/protocol.md §2.2, §2.3, §2.5"),
    needs=("config",),
)

_NEEDED: dict[tuple[str, str], tuple[str, Text]] = {
    ("request", "MD5"): ("md5_key", Text("请求使用 MD5 签名，但未配置 md5_key", "requests are MD5-signed but md5_key is not configured")),
    ("request", "RSA"): ("rsa_private_key", Text("请求使用 RSA 签名，但未配置 rsa_private_key", "requests are RSA-signed but rsa_private_key is not configured")),
    ("notify", "MD5"): ("md5_key", Text("回调使用 MD5 签名，但未配置 md5_key，无法验签", "callbacks are MD5-signed but md5_key is not configured to verify them")),
    ("notify", "RSA"): ("lianlian_public_key", Text("回调使用 RSA 签名，但未配置连连公钥 lianlian_public_key", "callbacks are RSA-signed but lianlian_public_key is not configured")),
}


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    signing = evidence.value("config").get("signing", {})
    findings: list[Finding] = []
    sign_type = signing.get("sign_type")
    notify_sign_type = signing.get("notify_sign_type")
    if sign_type not in ("MD5", "RSA"):
        findings.append(Finding(Text(f"sign_type 必须是 MD5 或 RSA，实际为 {sign_type!r}", f"sign_type must be MD5 or RSA, got {sign_type!r}"),
                                ctx.at("signing.sign_type")))
    if notify_sign_type is None:
        findings.append(Finding(
            Text("未声明 notify_sign_type（商户站配置的回调签名方式）", "notify_sign_type (the merchant-site callback sign method) is not declared"),
            ctx.at("signing.notify_sign_type")))
    for role, method in (("request", sign_type), ("notify", notify_sign_type)):
        need = _NEEDED.get((role, str(method)))
        if need and not signing.get(need[0]):
            findings.append(Finding(need[1], ctx.at(f"signing.{need[0]}")))
    if sign_type == "RSA" and signing.get("rsa_private_key") and not signing.get("rsa_public_key"):
        findings.append(Finding(
            Text("未配置上传到商户站的商户公钥 rsa_public_key，无法确认密钥对一致", "rsa_public_key (uploaded to the merchant site) is not configured, so the pair cannot be confirmed"),
            ctx.at("signing.rsa_public_key"), severity=Severity.MEDIUM))
    checked = Text(f"请求签名 {sign_type}，回调签名 {notify_sign_type or '未声明'}",
                   f"request sign_type {sign_type}, callback sign method {notify_sign_type or 'not declared'}")
    return Judgement.from_findings(findings, checked)

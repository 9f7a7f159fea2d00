"""LL-SIG-005 -- the LianLian platform public key used to verify callbacks is the published one.

RSA-signed notifications and API responses are verified with LianLian's public key, the same
1024-bit key in every official repository, for test and production alike (protocol.md §2.4:
SHA-256 of its DER c5e86d06…1572). A merchant that configured another key -- a copy with a
typo, its own public key, a staging key -- either rejects every genuine callback or, worse,
accepts callbacks signed by whoever holds the other key. Compared by fingerprint, never by text.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text
from golive.lianlian.platform import LIANLIAN_PUBLIC_KEY_SHA256

META = CheckMeta(
    id="LL-SIG-005",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.BLOCKER,
    title=Text("验签用的连连公钥是官方公布的公钥", "The LianLian public key used to verify callbacks is the published one"),
    rationale=Text(
        "RSA 异步通知与接口返回用连连平台公钥验签；配置了别的公钥，要么拒收所有真实通知，要么接受持有另一把私钥者伪造的通知。",
        "RSA callbacks and responses are verified with LianLian's platform key; any other key either rejects every "
        "genuine callback or accepts callbacks forged by whoever holds that key.",
    ),
    remediation=Text(
        "从商户站下载 llpay_public_key.pem（或使用官方 demo 中的 YT_PUB_KEY），配置为 signing.lianlian_public_key；指纹应为 c5e86d06…1572。",
        "Download llpay_public_key.pem from the merchant site (or use YT_PUB_KEY from the official demos) as "
        "signing.lianlian_public_key; its fingerprint is c5e86d06…1572.",
    ),
    references=("docs/protocol.md §2.4, §2.5",),
    needs=("config", "keys"),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    keys = evidence.value("keys")
    signing = evidence.value("config").get("signing", {})
    facts = keys.get("signing.lianlian_public_key")
    if facts is None:
        if signing.get("notify_sign_type") == "RSA" or signing.get("sign_type") == "RSA":
            return Judgement.violations(
                [Finding(Text("使用 RSA 但未配置连连公钥，无法验证通知与返回", "RSA is used but the LianLian public key is not configured"),
                         ctx.at("signing.lianlian_public_key"))], Text("连连平台公钥", "LianLian platform key"))
        return Judgement.not_applicable(Text("未使用 RSA 验签", "RSA verification is not used"))
    fingerprint = facts["fingerprint"]
    checked = Text(f"连连公钥指纹 {fingerprint[:16]}…", f"LianLian key fingerprint {fingerprint[:16]}…")
    if facts.get("private"):
        return Judgement.violations(
            [Finding(Text("lianlian_public_key 配置的是私钥", "lianlian_public_key holds a private key"), ctx.at("signing.lianlian_public_key"))],
            checked)
    if fingerprint != LIANLIAN_PUBLIC_KEY_SHA256:
        return Judgement.violations(
            [Finding(Text("连连公钥与官方公布的不一致", "the LianLian public key is not the published one"),
                     ctx.at("signing.lianlian_public_key"),
                     data={"configured": fingerprint, "published": LIANLIAN_PUBLIC_KEY_SHA256})], checked)
    return Judgement.clean(checked)

"""LL-SIG-003 -- the published test merchant's credentials are not used in production.

LianLian publishes a test merchant (201408071000001543) with its MD5 key -- in two spellings:
the demo code's `…test_20140812` and the guide's `…test_2014082` (protocol.md §2.2 CONFLICT) --
and demo RSA key pairs in its official repositories (protocol.md §0, S1). The test merchant is a
*production* merchant that really charges cards (guide 三); a production config that still uses
it, or that signs with a published key, is either not live or signs with a key anyone can read.
In any environment, a published MD5 key or demo RSA key used with the merchant's *own* number is
a finding: the merchant's requests would be forgeable by anyone who read the demo.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text
from golive.lianlian.platform import PUBLISHED_DEMO_MERCHANTS, published_demo_key

META = CheckMeta(
    id="LL-SIG-003",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.BLOCKER,
    title=Text("生产配置未使用公开的测试商户号与密钥", "Published test-merchant credentials are not used in production"),
    rationale=Text(
        "临时商户号 201408071000001543 及其 MD5 密钥、演示 RSA 密钥公开在文档和 demo 中；生产环境使用它们等于没有上线，或任何人都能伪造签名。",
        "The test merchant 201408071000001543, its MD5 key and the demo RSA keys are public in the guide and demos; "
        "using them in production means either not really live, or signatures anyone can forge.",
    ),
    remediation=Text(
        "生产环境使用正式商户号；在商户站设置自己的 MD5 密钥、用 `golive keys` 生成自己的 RSA 密钥对并上传公钥。",
        "Use your own production merchant number; set your own MD5 key on the merchant site and generate your own "
        "RSA pair with `golive keys`, uploading the public key.",
    ),
    references=("guide 三 接口联调（临时商户号）", "docs/protocol.md §1, §2.2, §10"),
    needs=("config", "keys"),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    config = evidence.value("config")
    keys = evidence.value("keys")
    oid = str(config.get("merchant", {}).get("oid_partner", ""))
    production = ctx.environment == "production"
    findings: list[Finding] = []
    if oid in PUBLISHED_DEMO_MERCHANTS and production:
        findings.append(Finding(
            Text(f"生产配置使用了公开的演示商户号 {oid}", f"the production config uses the published demo merchant {oid}"),
            ctx.at("merchant.oid_partner")))
    md5_owner = (keys.get("md5") or {}).get("published_demo_owner")
    if md5_owner and (production or md5_owner != oid):
        findings.append(Finding(
            Text(f"MD5 密钥是公开的演示密钥（属于商户 {md5_owner}）", f"the MD5 key is a published demo key (of merchant {md5_owner})"),
            ctx.at("signing.md5_key")))
    for key_name in ("signing.rsa_private_key", "signing.rsa_public_key"):
        facts = keys.get(key_name)
        published = published_demo_key(facts["fingerprint"]) if facts else None
        if published and (production or published.oid_partner != oid):
            findings.append(Finding(
                Text(f"{key_name} 是官方 demo 中公开的 RSA 密钥", f"{key_name} is an RSA key published in LianLian's demo code"),
                ctx.at(key_name), data={"fingerprint": facts["fingerprint"], "published_in": published.where}))
    checked = Text(f"商户号 {oid}、MD5 密钥与 RSA 密钥指纹（{ctx.environment}）",
                   f"merchant number {oid}, MD5 key and RSA key fingerprints ({ctx.environment})")
    return Judgement.from_findings(findings, checked)

"""LL-SIG-004 -- the merchant RSA private key parses, is large enough, and matches the public key
uploaded to the merchant site.

With RSA, the merchant signs requests with its private key and LianLian verifies them with the
public key the merchant uploaded to 商户站 (guide 三: "公钥记得上传" three times). If the pair
does not match, every request fails with 1001 签名错误 at go-live. LianLian accepts 1024-bit
keys (its own key is 1024) but newer docs recommend 2048 (protocol.md §2.3): below 1024 is
refused, below 2048 warned. Parsing itself (PEM PKCS#1/PKCS#8, bare Base64 DER as the Java demo
wants) happens when keys are gathered; an unreadable key stops the run with exit 2.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-SIG-004",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.BLOCKER,
    title=Text("商户 RSA 私钥可用、长度足够且与上传商户站的公钥匹配",
               "Merchant RSA private key parses, is long enough and matches the uploaded public key"),
    rationale=Text(
        "RSA 方式下连连用商户上传到商户站的公钥验签；私钥与公钥不匹配时每笔请求都会返回 1001 签名错误。低于 1024 位的密钥不安全，建议 2048 位。",
        "With RSA, LianLian verifies requests with the public key uploaded to the merchant site; a mismatched pair "
        "makes every request fail with 1001. Keys below 1024 bits are unsafe; 2048 is recommended.",
    ),
    remediation=Text(
        "用 `golive keys --bits 2048` 生成新密钥对，私钥配置到程序，公钥（.b64）上传商户站；用 `golive keys --check 私钥 公钥` 确认匹配。",
        "Generate a new pair with `golive keys --bits 2048`, configure the private key in the program, upload the "
        "public key (.b64) to the merchant site, and confirm with `golive keys --check PRIVATE PUBLIC`.",
    ),
    references=("guide 三 接口联调（RSA 密钥）", "docs/protocol.md §2.3"),
    needs=("config", "keys"),
)

MIN_BITS = 1024
RECOMMENDED_BITS = 2048


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    keys = evidence.value("keys")
    signing = evidence.value("config").get("signing", {})
    private = keys.get("signing.rsa_private_key")
    if private is None:
        if signing.get("sign_type") == "RSA":
            return Judgement.violations(
                [Finding(Text("请求使用 RSA 签名但未配置商户私钥", "requests are RSA-signed but no merchant private key is configured"),
                         ctx.at("signing.rsa_private_key"))], Text("商户 RSA 私钥", "merchant RSA private key"))
        return Judgement.not_applicable(Text("未配置商户 RSA 私钥（未使用 RSA 请求签名）", "no merchant RSA private key (RSA request signing not used)"))
    findings: list[Finding] = []
    where = ctx.at("signing.rsa_private_key")
    bits = private["bits"]
    if bits < MIN_BITS:
        findings.append(Finding(Text(f"私钥仅 {bits} 位，低于 {MIN_BITS} 位", f"the private key has {bits} bits, below {MIN_BITS}"), where))
    elif bits < RECOMMENDED_BITS:
        findings.append(Finding(Text(f"私钥为 {bits} 位，建议 {RECOMMENDED_BITS} 位", f"the private key has {bits} bits; {RECOMMENDED_BITS} is recommended"),
                                where, severity=Severity.LOW))
    matches = keys.get("pair_matches")
    if matches is False:
        public = keys.get("signing.rsa_public_key", {})
        findings.append(Finding(
            Text("私钥与上传商户站的公钥不匹配，连连验签将失败（1001）",
                 "the private key does not match the public key uploaded to the merchant site; LianLian will reject every request (1001)"),
            ctx.at("signing.rsa_public_key"),
            data={"private_fingerprint": private["fingerprint"], "public_fingerprint": public.get("fingerprint")}))
    elif matches is None:
        findings.append(Finding(
            Text("未配置上传商户站的公钥，无法确认密钥对匹配", "the uploaded public key is not configured, so the pair cannot be confirmed"),
            ctx.at("signing.rsa_public_key"), severity=Severity.MEDIUM))
    checked = Text(f"商户私钥 {bits} 位，公钥指纹 {private['fingerprint'][:16]}…",
                   f"merchant private key, {bits} bits, public fingerprint {private['fingerprint'][:16]}…")
    return Judgement.from_findings(findings, checked, evidence=({"kind": "key", "bits": bits, "fingerprint": private["fingerprint"],
                                                                   "pair_matches": matches},))

"""LL-PAY-001 -- the payout API is signed with RSA only.

LianLian's go-live guide (十 商户付款): "提现接口只支持 rsa 签名方式" -- the payout API accepts RSA
signatures only, whatever the merchant uses for payments (docs/protocol.md §8, §2.3). Apply, confirm
and query are signed with the merchant's RSA private key (MD5withRSA), whose public half is uploaded
to 商户站; an MD5-signed payout is refused (1004/1001). Judged from the payout exchanges golive has
(the sandbox journal, captures): each must carry ``sign_type`` RSA, and where golive could check the
signature (the journal; captures opened with ``live.lianlian_private_key``), it must verify with
the uploaded key. And from the config: without an uploaded RSA public key no payout can be signed.
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-001",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("代付接口只用 RSA 签名", "The payout API is signed with RSA only"),
    rationale=Text("上线指南：提现接口只支持 rsa 签名方式。MD5 签名的代付请求会被拒绝，用户提现无法到账。",
                   "The go-live guide: the payout API accepts RSA signatures only. An MD5-signed payout is refused and "
                   "the user's withdrawal never arrives."),
    remediation=Text("用商户 RSA 私钥（MD5withRSA）签名代付申请、确认与查询，并把对应公钥上传到商户站（signing.rsa_public_key）。",
                     "Sign payout apply, confirm and query with the merchant's RSA private key (MD5withRSA) and upload its "
                     "public half to 商户站 (signing.rsa_public_key)."),
    references=("guide 十 商户付款", "docs/protocol.md §8", "docs/protocol.md §2.3"),
    needs=("config",),
    optional=("payouts",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    config = evidence.value("config")
    findings: list[Finding] = []
    uploaded = (config.get("signing") or {}).get("rsa_public_key")
    if not uploaded:
        findings.append(Finding(Text("未配置上传到商户站的 RSA 公钥（signing.rsa_public_key）：代付只能用 RSA 签名",
                                     "no RSA public key uploaded to 商户站 (signing.rsa_public_key): payouts can only be "
                                     "RSA-signed"), ctx.at("signing.rsa_public_key")))
    payouts = evidence.get("payouts")
    exchanges = payouts.value["exchanges"] if payouts.is_ok else []
    judged = 0
    for exchange in exchanges:
        sign = exchange.get("sign") or {}
        sign_type = sign.get("sign_type")
        if exchange.get("api") != "queryPayment" and (exchange.get("envelope") or {}).get("opened") is not True:
            continue  # an apply/confirm golive could not open: its sign_type is not visible
        judged += 1
        name = payout_name(exchange)
        if sign_type != "RSA":
            findings.append(Finding(Text(f"{name.zh} 的 sign_type 为 {sign_type!r}：代付接口只支持 RSA",
                                         f"{name.en} is signed {sign_type!r}: the payout API accepts RSA only"),
                                    payout_location(exchange, "sign_type")))
        elif sign.get("verified") is False:
            findings.append(Finding(Text(f"{name.zh} 的 RSA 签名不能用上传的公钥验证",
                                         f"{name.en}: the RSA signature does not verify with the uploaded public key"),
                                    payout_location(exchange, "sign")))
    if findings:
        return Judgement.violations(findings, Text(f"代付请求 {judged} 笔与配置", f"{judged} payout requests and the config"))
    if not judged:
        return Judgement.not_applicable(payouts.reason if not payouts.is_ok and payouts.reason else Text(
            "没有可见签名方式的代付请求（抓包中的 pay_load 需 live.lianlian_private_key 才能打开）",
            "no payout request whose sign_type golive could see (a captured pay_load opens with live.lianlian_private_key)"))
    return Judgement.clean(Text(f"{judged} 笔代付请求均为 RSA 签名", f"{judged} payout requests, all RSA-signed"))

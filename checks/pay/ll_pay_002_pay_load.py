"""LL-PAY-002 -- the payout request travels in a correct ``pay_load`` envelope (lianpay1_0_1).

docs/protocol.md §8 ([3 SOURCES]: LLP-YT-Java ``LLianPayEncrypt``, LLP-InstantPay-PHP, achais): the
merchant signs the payout request, then encrypts the whole signed JSON for LianLian's public key;
the body is exactly ``{"oid_partner", "pay_load"}`` and ``pay_load`` is
``lianpay1_0_1$B64(RSA-OAEP(hmac_key))$B64(RSA-OAEP(aes_key))$B64(nonce)$B64(AES-256-CTR(json))$B64(HMAC)``.
A card number, a name or an amount sent beside it travels in clear; a pay_load encrypted for another
key is answered 4007 (usually: staging encrypts for LianLian's production key). golive checks the
structure without any key, and opens it with the sandbox's LianLian key (journal) or
``live.lianlian_private_key`` (captures), checking that the ``oid_partner`` inside is the envelope's.
"""

from __future__ import annotations

from golive.check_api import (CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text,
                              payout_location, payout_name)

META = CheckMeta(
    id="LL-PAY-002",
    item=Item.INTEGRATION_PAYOUT,
    severity=Severity.HIGH,
    title=Text("代付请求用 pay_load 正确加密（lianpay1_0_1）", "Payout requests are wrapped in a correct pay_load (lianpay1_0_1)"),
    rationale=Text("代付请求须先签名、再整体加密为 pay_load；明文字段会泄露卡号与姓名，格式或密钥错误会被拒绝（4006/4007）。",
                   "A payout is signed, then encrypted whole into pay_load; fields beside it leak card numbers and names, "
                   "and a wrong format or key is refused (4006/4007)."),
    remediation=Text("按连连 SDK（LLianPayEncrypt）的格式加密：RSA-OAEP 加密 32 位随机 HMAC 与 AES 密钥、8 位随机 nonce、"
                     "AES-256-CTR、HMAC-SHA256；请求体只含 oid_partner 与 pay_load；使用连连（沙箱）的公钥。",
                     "Encrypt as LianLian's SDK (LLianPayEncrypt) does: RSA-OAEP of 32-character random HMAC and AES keys, "
                     "an 8-character random nonce, AES-256-CTR, HMAC-SHA256; the body holds only oid_partner and "
                     "pay_load; encrypt for LianLian's (the sandbox's) public key."),
    references=("docs/protocol.md §8", "LianLian LLP-YT-Java LLianPayEncrypt", "guide 十 商户付款"),
    needs=("payouts",),
    scope="payouts",
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    findings: list[Finding] = []
    judged = opened = 0
    for exchange in evidence.value("payouts")["exchanges"]:
        envelope = exchange.get("envelope")
        if envelope is None:
            continue
        judged += 1
        name = payout_name(exchange)
        for problem in envelope.get("problems") or []:
            findings.append(Finding(Text(f"{name.zh}：{problem}", f"{name.en}: {problem}"), payout_location(exchange, "pay_load")))
        if envelope.get("opened") is False:
            why = envelope.get("open_error") or "?"
            findings.append(Finding(Text(f"{name.zh} 的 pay_load 无法用连连（沙箱）私钥打开：{why}（连连会答 4007）",
                                         f"{name.en}: the pay_load does not open with the (sandbox) LianLian key: {why} "
                                         "(LianLian answers 4007)"), payout_location(exchange, "pay_load")))
        elif envelope.get("opened"):
            opened += 1
    if not judged:
        return Judgement.not_applicable(Text("没有代付申请或确认请求", "no payout apply or confirm request"))
    checked = Text(f"检查 {judged} 个 pay_load 的结构，其中 {opened} 个已解密核对",
                   f"checked the structure of {judged} pay_loads, {opened} of them opened")
    return Judgement.from_findings(findings, checked)

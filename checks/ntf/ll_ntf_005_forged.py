"""LL-NTF-005 -- a forged notification is neither acknowledged with 0000 nor credited.

notify_url is on the public internet (LL-NTF-001), so anybody can POST a notification to it. The
signature is the only thing that makes one LianLian's (protocol.md §2.5, §5.1 "success criteria:
signature valid and result_pay = SUCCESS"): MD5 over the sign source with the merchant's MD5 key,
or MD5withRSA verified with LianLian's public key -- using the method configured on the merchant
site. A handler that skips verification, verifies only when a ``sign`` is present, or lets a
message pick its own method credits orders nobody paid for.

Probes (scenario group ``forged``), each on a fresh pending order, result_pay SUCCESS and the right
amount: one character of a correct signature changed; signed with a key nobody trusts; no
``sign`` at all; claiming the other sign method, signed with an untrusted key. None may credit the
order; a 0000 answer to any of them is a (medium) finding of its own, because it shows the answer
does not depend on the signature check.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, probe_judging

META = CheckMeta(
    id="LL-NTF-005",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("伪造的异步通知（签名错误、密钥错误、无签名、签名方式不符）不应答 0000、不入账",
               "Forged notifications (bad signature, wrong key, unsigned, wrong method) are not acknowledged 0000 and credit nothing"),
    rationale=Text(
        "notify_url 在公网上，任何人都能向它发送“支付成功”；只有验签能区分连连的通知。不验签或验签有漏洞，就会为没付过的钱入账。",
        "notify_url is on the internet and anyone can post a 'payment succeeded' to it; only the signature tells "
        "LianLian's notifications apart. A missing or leaky verification credits money nobody paid.",
    ),
    remediation=Text(
        "先验签再处理：按商户站配置的方式（MD5 用商户 MD5 密钥，RSA 用连连公钥）对除 sign 外的非空参数排序拼接后验签；sign 缺失、sign_type 不是配置的方式或验签失败时，返回失败应答（如 {\"ret_code\":\"9999\",\"ret_msg\":\"交易失败\"}）且不做任何入账。",
        "Verify before anything else: with the merchant-site method (MD5 with the merchant MD5 key, RSA with LianLian's "
        "public key) over the sorted non-empty parameters except sign; when sign is missing, sign_type is not the "
        "configured method or verification fails, answer a failure (e.g. {\"ret_code\":\"9999\",\"ret_msg\":\"交易失败\"}) "
        "and credit nothing.",
    ),
    references=("protocol.md §2.5 (verifying notifications)", "protocol.md §5.1", "guide 二 安全签名机制"),
    needs=("probe.notify",),
    probes=("forged",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    tally = probe_judging.judge_no_credit(evidence.value("probe.notify"), "forged", what=Text("伪造的通知", "a forged notification"),
                                 ack_matters=True)
    return tally.conclude(Text(f"{tally.judged} 种伪造通知：均未应答 0000、未入账",
                               f"{tally.judged} kinds of forged notification: none acknowledged 0000, none credited"), ctx.severity)

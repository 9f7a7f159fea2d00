"""LL-NTF-008 -- the notification handler verifies with the merchant-site sign method, whatever the
pay request used.

LianLian signs async notifications with the method configured on the merchant site (商户站), not
with the pay request's ``sign_type`` (guide 二, 三; protocol.md §2.5). A merchant that signs its
requests with RSA but configured MD5 on the merchant site receives MD5-signed notifications, and
vice versa. Two mistakes follow: verifying with the *request's* method (every real notification
fails, nothing is ever credited), or trusting whichever ``sign_type`` the message names (the
weakest configured key decides, and a message can choose how it is checked). protocol.md §2.5
recommends: branch on the message's sign_type, but accept only the configured method.

Probes (scenario group ``sign_method``), each on a fresh order: a SUCCESS notification correctly
signed with the merchant-site method (``signing.notify_sign_type``) must be credited once; one
correctly signed with the *other* method -- RSA with ``live.lianlian_private_key``, a key pair the
staging server trusts as LianLian's, or MD5 with the merchant's MD5 key -- must not be credited or
acknowledged 0000, and a correct notification for that same order sent right after (the positive
control) must then credit it once. The check passes only when the merchant demonstrably accepts
the configured method and refuses the other. Without a key for the other method that half cannot
be probed and the check is not applicable (the reason says which key to add) -- but only once the
configured method was shown to credit; otherwise it is an error.
"""

from __future__ import annotations

from golive.check_api import (
    CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text, ack_contract, probe_judging,
)

META = CheckMeta(
    id="LL-NTF-008",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("通知按商户站配置的签名方式验签，而不是按支付请求或通知自带的方式",
               "Notifications are verified with the merchant-site method, not the request's or the message's choice"),
    rationale=Text(
        "连连按商户站配置的方式签名异步通知，与支付请求的 sign_type 无关；按请求方式验签会拒收所有真实通知，按通知自带方式验签则让消息自己决定怎么被验证。",
        "LianLian signs notifications with the method configured on the merchant site, whatever the request used; "
        "verifying with the request's method rejects every real notification, and trusting the message's sign_type "
        "lets the message choose how it is checked.",
    ),
    remediation=Text(
        "验签方式取自配置（与商户站“安全中心—商户密钥维护”一致），不取自请求或通知；通知的 sign_type 与配置不同时直接拒绝。",
        "Take the verification method from configuration (as set on the merchant site under 安全中心—商户密钥维护), "
        "never from the request or the notification; reject a notification whose sign_type differs from it.",
    ),
    references=("guide 二 安全签名机制, 三 接口联调", "protocol.md §2.5 (which method signs notifications)"),
    needs=("probe.notify",),
    probes=("sign_method",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("probe.notify")
    site = probe_judging.scenario_named(value, "sign_method.site")
    other = probe_judging.scenario_named(value, "sign_method.other")
    if site is None or other is None:
        return Judgement.cannot_judge(Text("没有签名方式探测结果", "no result of the sign-method probes"))
    site_method = (site.get("notes") or {}).get("site_method") or value.get("sign_type")
    other_method = (other.get("notes") or {}).get("sign_type_sent")
    tally = probe_judging.judge_no_credit(value, "sign_method", only=("sign_method.other",),
                                 what=Text(f"按 {other_method} 签名", f"signed with {other_method}"),
                                 ack_matters=True)
    tally.evidence.extend(probe_judging.scenario_evidence(site))
    count, reason = probe_judging.final_credit_or_reason(site)
    error = probe_judging.text_of(site.get("error"))
    key_problem = probe_judging.key_trust_problem(value)
    if count == 0 and error is None and key_problem is not None:
        # Refused for the key, not for the method: nothing shows which method the handler accepts.
        tally.cannot(site, key_problem)
    elif count is not None and count != 1 and error is None:
        acks = probe_judging.notifications(site)
        answer = ack_contract.ack_text(acks[0]) if acks else "-"
        tally.findings.append(Finding(
            Text(f"用商户站配置的方式（{site_method}）正确签名的成功通知入账 {count} 次（应为 1），应答：{answer}",
                 f"a SUCCESS notification correctly signed with the merchant-site method ({site_method}) was credited "
                 f"{count} times (expected once); answer: {answer}"),
            data={"no_order": probe_judging.no_order(site), "credits": count}))
    elif count == 1 and error is None:
        tally.judged += 1
    else:
        tally.cannot(site, error or reason or Text("?", "?"))
    skipped = (other.get("notes") or {}).get("skipped")
    if skipped and not tally.findings and tally.judged and not tally.unjudged:
        why = probe_judging.text_of(other.get("error")) or Text("无法用另一种方式签名", "cannot sign with the other method")
        return Judgement.not_applicable(Text(f"{why.zh}；商户站方式（{site_method}）已验证可入账",
                                             f"{why.en}; the merchant-site method ({site_method}) was shown to credit"))
    request_method = value.get("request_sign_type")
    return tally.conclude(Text(
        f"商户站方式 {site_method}（支付请求用 {request_method}）：按 {site_method} 签名的通知入账一次，按 {other_method} 签名的不被接受",
        f"merchant-site method {site_method} (pay requests use {request_method}): the {site_method}-signed notification "
        f"credited once, the {other_method}-signed one not accepted"), ctx.severity)

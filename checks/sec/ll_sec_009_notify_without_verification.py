"""LL-SEC-009 -- the notify handler verifies the signature before it acts on the notification.

``notify_url`` is public: anyone can POST a notification-shaped JSON to it. Only the signature --
MD5 with the merchant's key, or MD5withRSA with LianLian's public key (protocol.md §2.2, §2.3,
§2.5) -- shows LianLian sent it, and success means "signature valid **and** result_pay = SUCCESS"
(§5.1). A handler that updates the order (or answers 0000) without verifying first credits
forged notifications: free goods for whoever finds the URL. LL-NTF-005 probes this from outside;
the scan sees it in the code, before deploy.

The rule finds notify handlers (handlers.py) that update the order or answer 0000, and reports the
first such step when no verification call (``checkSign``, ``verify``, ``verifyNotify``,
``openssl_verify``, ``Signature.verify``, ``rsaCheck``…) comes before it in the handler.
Verification done elsewhere (a servlet filter, middleware) is invisible here: suppress the
finding with a justification naming where, and an expiry.
"""

from __future__ import annotations

from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import LIANLIAN_TRIGGERS, ack_events, handlers, update_events, verify_calls
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.syntax import ALL_LANGUAGES, Syntax

META = CheckMeta(
    id="LL-SEC-009",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("异步通知先验签再处理", "The notify handler verifies the signature before acting"),
    rationale=Text(
        "notify_url 是公开地址，任何人都能 POST 一个形似通知的 JSON。只有签名能证明通知来自连连；不验签就更新订单或应答 0000，"
        "伪造的通知也会入账。",
        "notify_url is public: anyone can POST a notification-shaped JSON to it. Only the signature proves LianLian "
        "sent it; a handler that updates the order or answers 0000 without verifying credits forged notifications.",
    ),
    remediation=Text(
        "在处理通知之前按商户站配置的签名方式验签（MD5：待签名串 + \"&key=\" + 密钥；RSA：用连连公钥做 MD5withRSA），"
        "验签失败返回非 0000 并不做任何更新；再校验 oid_partner、金额与 result_pay=SUCCESS。",
        "Before anything else, verify the signature with the method configured on 商户站 (MD5: source + \"&key=\" + key; "
        "RSA: MD5withRSA with LianLian's public key); on failure answer something other than 0000 and change nothing; "
        "then check oid_partner, the amount and result_pay=SUCCESS.",
    ),
    references=("docs/protocol.md §2.5 (verifying notifications)", "docs/protocol.md §5.1 (success = signature valid and SUCCESS)",
                "LL-NTF-005"),
    needs=("scan",),
    proves_item=False,
)


def find_unverified_handlers(syn: Syntax) -> Iterator[Hit]:
    for unit in handlers(syn, "notify"):
        steps = sorted([(u.start, u.end, "update", u.callee) for u in update_events(syn, unit)]
                       + [(a.start, a.end, "ack", "0000") for a in ack_events(syn, unit)])
        if not steps:
            continue
        start, end, kind, what = steps[0]
        if any(v.start < start for v in verify_calls(syn, unit)):
            continue
        zh = f"更新订单（{what}）" if kind == "update" else "应答 0000"
        en = f"updates the order ({what})" if kind == "update" else "answers 0000"
        yield syn.hit(start, end, Text(f"异步通知处理未先验签就{zh}：伪造的通知也会被处理",
                                       f"the notify handler {en} without verifying the signature first: forged "
                                       "notifications are processed too"), data={"step": kind})


SCAN = ScanRule(
    code=find_unverified_handlers,
    languages=ALL_LANGUAGES,
    triggers=LIANLIAN_TRIGGERS,
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)

"""LL-SEC-010 -- the verification method comes from the merchant's configuration, not the message.

LianLian signs async notifications with the method configured on 商户站, not the request's
``sign_type`` (guide 二/三: 异步回调是根据您在商户站配置的签名方式来返回的). A verifier that picks
MD5 or RSA from the ``sign_type`` *inside the notification* lets the sender choose the algorithm:
a merchant configured for RSA, whose MD5 key leaked with an old demo config, accepts forged
"MD5" notifications. LianLian's Java demo does exactly this: ``LLPayUtil.checkSign(reqStr,
YT_PUB_KEY, MD5_KEY)`` receives both keys and switches on ``reqObj.getString("sign_type")``
(protocol.md §2.5: branch on the notification's sign_type only among the methods you configured).

The rule reports: a condition or switch on the message's ``sign_type`` whose branches verify; a
verification call given the message's ``sign_type``; and a verification call handed both an RSA
public key and an MD5 key (the demo's shape). A guard that *rejects* a message whose sign_type is
not the configured one is the correct form and is not reported.
"""

from __future__ import annotations

import re
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import LIANLIAN_HINT, LIANLIAN_TRIGGERS, VERIFY
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.syntax import ALL_LANGUAGES, Syntax

META = CheckMeta(
    id="LL-SEC-010",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("验签方式取自商户配置，而非通知中的 sign_type", "The verification method comes from configuration, not the message's sign_type"),
    rationale=Text(
        "连连按商户站配置的签名方式发送异步通知。按通知里的 sign_type 选择 MD5 或 RSA 验签，等于让发送方选择算法："
        "配置为 RSA 的商户一旦 MD5 密钥泄露（例如旧 demo 配置），伪造的“MD5”通知也能通过。连连 Java demo 的 LLPayUtil.checkSign 就是这样做的。",
        "LianLian signs notifications with the method configured on 商户站. Choosing MD5 or RSA from the sign_type "
        "inside the notification lets the sender pick the algorithm: a merchant configured for RSA whose MD5 key "
        "leaked (say with an old demo config) accepts forged 'MD5' notifications. LianLian's Java demo "
        "LLPayUtil.checkSign does exactly this.",
    ),
    remediation=Text(
        "用配置中的签名方式（与商户站一致，golive.yaml 的 signing.notify_sign_type）验签；通知中的 sign_type 与配置不一致时直接拒绝。"
        "不要把 RSA 公钥和 MD5 密钥同时交给一个按消息选择算法的验签函数。",
        "Verify with the configured method (the one on 商户站; signing.notify_sign_type in golive.yaml), and reject a "
        "notification whose sign_type differs. Do not hand both the RSA public key and the MD5 key to a verifier "
        "that picks by the message.",
    ),
    references=("guide 二/三 (异步回调按商户站配置的签名方式)", "docs/protocol.md §2.5", "LL-NTF-008"),
    needs=("scan",),
    proves_item=False,
)

_SIGN_TYPE = re.compile(r"sign_?type", re.IGNORECASE)
_CONFIG = re.compile(r"config|conf\b|cfg|setting|env|const|option|propert|partner|llpay_|self\.sign|this\.sign|"
                     r"\bsigntype_|sign_type_", re.IGNORECASE)
_RECEIVER = re.compile(r"[\w$.\->:]*$")
_ALGORITHM_LITERAL = re.compile(r"""["'`](?:RSA|MD5)["'`]""", re.IGNORECASE)
# arguments named like the demo's PartnerConfig.YT_PUB_KEY and PartnerConfig.MD5_KEY
_PUBLIC_KEY = re.compile(r"pub\w*_?key|public_?key|yt_?pub", re.IGNORECASE)
_MD5_KEY = re.compile(r"md5_?key|md5_?secret|\bkey\b.*\bmd5", re.IGNORECASE)


def message_sign_type(text: str, message_vars: set[str]) -> bool:
    """Whether `text` reads sign_type from the message (``obj.getString("sign_type")``,
    ``$data['sign_type']``, ``body.sign_type``, a variable assigned from one) rather than from
    configuration (``PartnerConfig.SIGN_TYPE``, ``$this->llpay_config['sign_type']``)."""
    for match in _SIGN_TYPE.finditer(text):
        start, end = match.start(), match.end()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_$"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        ident = text[start:end]
        if ident.lstrip("$").lower().replace("_", "") not in ("signtype", "getsigntype"):
            continue  # accepts_any_sign_type, notify_sign_type_env: other names, not the field
        before = text[max(0, start - 80):start]
        if before.endswith(("'", '"')):  # a key: data["sign_type"], getString("sign_type")
            receiver = before[:-1].rstrip().rstrip("[(").rstrip()
        elif before.rstrip().endswith((".", "->", "::")):  # a member: body.sign_type
            receiver = before.rstrip()
        else:  # a bare variable: a message value only if it was assigned from one
            if ident.lstrip("$") in message_vars:
                return True
            continue
        found = _RECEIVER.search(receiver)  # `*$` always matches, possibly empty
        chain = found.group(0) if found else ""
        if _CONFIG.search(chain) or ident.isupper():
            continue
        return True
    return False


def _message_vars(syn: Syntax) -> set[str]:
    found: set[str] = set()
    for assign in syn.assigns:
        if message_sign_type(assign.value, set()):
            names = re.findall(r"[A-Za-z_$][\w$]*", assign.target.split(",")[0])
            if names:
                found.add(names[-1].lstrip("$"))
    return found


def find_sign_type_from_message(syn: Syntax) -> Iterator[Hit]:
    syn.build()
    if not LIANLIAN_HINT.search(syn.source.text):
        return
    message_vars = _message_vars(syn)
    verifies = [c for c in syn.calls if VERIFY.search(c.name)]
    for condition in syn.conditions:
        if not message_sign_type(condition.test, message_vars):
            continue
        inside = [v for v in verifies if any(s <= v.start < e for s, e in condition.blocks)
                  or condition.test_start <= v.start < condition.test_start + len(condition.test.encode())]
        if not inside:
            continue  # a guard that only rejects a mismatch is the correct form
        text = syn.text(condition.start, condition.end)
        if not _ALGORITHM_LITERAL.search(text) and len(inside) < 2:
            continue
        yield syn.hit(condition.test_start, condition.test_start + len(condition.test.encode()), Text(
            "按通知中的 sign_type 选择验签算法：发送方可以选择用 MD5 还是 RSA",
            "the verification algorithm is chosen by the notification's sign_type: the sender picks MD5 or RSA"),
            data={"kind": "branch"})
    for call in verifies:
        if message_sign_type(call.args, message_vars):
            yield syn.hit(call.start, call.end, Text(
                "验签函数接收通知中的 sign_type：发送方可以选择算法",
                "the verifier is given the notification's sign_type: the sender picks the algorithm"),
                data={"kind": "argument"})
        elif _PUBLIC_KEY.search(call.args) and _MD5_KEY.search(call.args):
            yield syn.hit(call.start, call.end, Text(
                "验签函数同时拿到 RSA 公钥和 MD5 密钥（连连 demo 的 LLPayUtil.checkSign）：它按通知中的 sign_type 选择算法",
                "the verifier gets both the RSA public key and the MD5 key (LianLian demo's LLPayUtil.checkSign): it "
                "picks the algorithm by the notification's sign_type"), data={"kind": "both_keys"})


SCAN = ScanRule(
    code=find_sign_type_from_message,
    languages=ALL_LANGUAGES,
    triggers=LIANLIAN_TRIGGERS,  # the detector looks only at files that handle LianLian messages
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)

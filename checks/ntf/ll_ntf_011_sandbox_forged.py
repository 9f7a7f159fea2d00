"""LL-NTF-011 -- in a sandbox run, forged and tampered notifications are refused, while the genuine one is accepted.

Anyone who finds the notify_url can post "payment succeeded" to it; only the signature tells
LianLian's notification from a forgery (guide 二, 五; protocol.md §2.2, §5.1 -- 验签 before anything
else). The sandbox's ``forged`` scenario (an order of 0.08, or ``golive:forged`` in ``info_order``)
sends the merchant's real notify handler, before LianLian's own notification for the same order, a
copy signed with another key (``bad_signature``) and a copy whose ``money_order`` was changed after
signing (``tampered_amount``). Each must be refused: answered with anything but ret_code 0000.

A refusal proves something only when the same handler accepted the genuine notification of that
same order in the same run -- the positive control: a handler that refuses everything (one that
trusts another key, or is down) would otherwise pass. So per forged order:

* a forged or tampered copy answered 0000 is a failure;
* its refusals count only when the genuine notification was answered 0000 and -- where the
  merchant's books are read (``live.credits``) -- the order was credited exactly once (twice means
  a forged copy was credited too; not at all, that the control did not take);
* otherwise the order cannot be judged, and the reason says so (for an RSA merchant site: whether
  staging trusts the sandbox's stand-in LianLian key, whose fingerprint is given).

No forged order in the run: the check does not apply (the reason says which amount to pay).
"""

from __future__ import annotations

from typing import Any, Mapping

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Location, Severity, Text

META = CheckMeta(
    id="LL-NTF-011",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.BLOCKER,
    title=Text("沙箱运行：伪造与篡改金额的通知被拒收（不应答 0000），同一订单的真实通知被接受",
               "Sandbox run: forged and tampered notifications are refused (never 0000) while the genuine one is accepted"),
    rationale=Text(
        "知道 notify_url 的任何人都能伪造“支付成功”；只有验签能区分。处理程序对伪造或篡改金额的通知应答 0000，就会给没付款的订单入账。",
        "Anyone who knows the notify_url can post a fake \"payment succeeded\"; only the signature tells it apart. A "
        "handler that answers 0000 to a forged or tampered notification credits orders nobody paid.",
    ),
    remediation=Text(
        "处理通知的第一步用商户站配置的方式验签（MD5 用商户密钥，RSA 用连连公钥；预发布环境接沙箱时用沙箱打印的公钥），验签失败直接拒绝、不入账；"
        "再核对订单号、金额与商户号。",
        "Verify the signature first, with the method configured on the merchant site (MD5 with your key, RSA with "
        "LianLian's public key -- in staging against the sandbox, the key the sandbox prints); refuse and credit nothing "
        "when it fails; then compare the order number, amount and merchant number.",
    ),
    references=("guide 二 安全签名机制, 五 异步通知和同步通知", "docs/protocol.md §2.2, §5.1", "README \"golive check --sandbox\""),
    needs=("sandbox.notify",),
)

FORGERIES = {"bad_signature": Text("用别的密钥签名的伪造通知", "a copy signed with another key"),
             "wrong_key": Text("用别的密钥签名的伪造通知", "a copy signed with another key"),
             "tampered_amount": Text("签名后改了金额的通知", "a copy whose amount was changed after signing")}


def _what(how: str | None) -> Text:
    return FORGERIES.get(str(how), Text(f"伪造通知（{how}）", f"a forged copy ({how})"))


def _where(value: Mapping[str, Any], order: Mapping[str, Any], seq: Any = None) -> Location:
    return Location(file=value.get("journal"), line=seq or order.get("seq"), pointer=f"no_order={order.get('no_order')}")


def _answer(delivery: Mapping[str, Any]) -> str:
    if delivery.get("error"):
        return str(delivery["error"])
    return f"HTTP {delivery.get('status')} {str(delivery.get('body') or '')[:80]!r}"


def _key_hint(value: Mapping[str, Any]) -> Text:
    if value.get("notify_sign_type") == "RSA":
        prints = ", ".join(value.get("lianlian_key_sha256") or []) or "?"
        return Text(f"（RSA：预发布环境须把沙箱的公钥当作连连公钥来验签，SHA-256 指纹 {prints}）",
                    f" (RSA: staging must verify with the sandbox's public key as LianLian's, SHA-256 fingerprint {prints})")
    return Text("（MD5：预发布环境须用与 golive.yaml 相同的 MD5 密钥验签）",
                " (MD5: staging must verify with the same MD5 key as golive.yaml)")


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    value = evidence.value("sandbox.notify")
    forged_orders = [o for o in value.get("orders") or [] if any(d.get("role") == "forged" for d in o.get("deliveries") or [])]
    if not forged_orders:
        return Judgement.not_applicable(Text(
            "本次沙箱运行中没有发出伪造或篡改的通知：支付一笔 0.08 元的订单（forged 场景，或在 info_order 中写 golive:forged）再检查",
            "no forged or tampered notification was sent in this sandbox run: pay one order of 0.08 (the forged "
            "scenario, or golive:forged in info_order) and check again"))
    books = bool((value.get("credits") or {}).get("recipe"))
    findings: list[Finding] = []
    unjudged: list[Text] = []
    shown: list[dict[str, Any]] = []
    judged = 0
    for order in forged_orders:
        no_order = order.get("no_order")
        deliveries = order.get("deliveries") or []
        forged = [d for d in deliveries if d.get("role") == "forged"]
        genuine = [d for d in deliveries if d.get("role") in ("genuine", "duplicate") and d.get("result_pay") in (None, "SUCCESS")]
        control = next((d for d in genuine if d.get("positive")), None)
        count = order.get("credits")
        shown.append({"kind": "sandbox", "no_order": no_order, "scenario": order.get("scenario"),
                      "forged": [{"forged": d.get("forged"), "answer": _answer(d), "positive": d.get("positive")} for d in forged],
                      "genuine_acknowledged": control is not None, "credits": count})
        accepted = [d for d in forged if d.get("positive")]
        for d in accepted:
            what = _what(d.get("forged"))
            findings.append(Finding(Text(
                f"订单 {no_order}：{what.zh}被应答 0000（{_answer(d)}）：处理程序没有验签，或验签失败仍然接受",
                f"order {no_order}: {what.en} was answered 0000 ({_answer(d)}): the handler does not verify the signature, "
                f"or accepts a failed verification"), _where(value, order, d.get("seq")),
                data={"no_order": no_order, "forged": d.get("forged")}))
        if books and isinstance(count, int) and count > 1:
            findings.append(Finding(Text(
                f"订单 {no_order} 收到伪造通知与真实通知后入账 {count} 次（应为 1）：伪造的通知也被入账",
                f"order {no_order} was credited {count} times after the forged copies and the genuine notification "
                f"(expected once): a forged copy was credited too"), _where(value, order),
                data={"no_order": no_order, "credits": count}))
            continue
        if accepted:
            continue
        if control is None:
            answer = _answer(genuine[0]) if genuine else "-"
            hint = _key_hint(value)
            unjudged.append(Text(
                f"订单 {no_order}：同一订单的真实通知也没有被接受（应答：{answer}），拒收伪造通知证明不了验签{hint.zh}",
                f"order {no_order}: the genuine notification of the same order was not accepted either (answer: {answer}), "
                f"so refusing the forged copies proves nothing{hint.en}"))
            continue
        if books:
            if count is None:
                unjudged.append(Text(f"订单 {no_order}：无法读取入账次数（{order.get('credit_error') or '?'}）",
                                     f"order {no_order}: the credit count could not be read ({order.get('credit_error') or '?'})"))
                continue
            if count == 0:
                unjudged.append(Text(
                    f"订单 {no_order}：真实通知应答了 0000 却没有入账，对照不成立，拒收伪造通知证明不了什么",
                    f"order {no_order}: the genuine notification was answered 0000 but never credited, so the control did "
                    f"not take and the refusals prove nothing"))
                continue
        judged += 1
    checked = Text(
        f"{len(forged_orders)} 笔订单的伪造/篡改通知均被拒收，同一订单的真实通知应答 0000{'且只入账一次' if books else ''}（阳性对照）",
        f"forged and tampered copies of {len(forged_orders)} order(s) refused, the genuine notification of each answered "
        f"0000{' and credited once' if books else ''} (the positive control)")
    if findings:
        if unjudged:
            checked = Text(checked.zh + "；未能判断：" + "；".join(t.zh for t in unjudged),
                           checked.en + "; not judged: " + "; ".join(t.en for t in unjudged))
        return Judgement.violations(findings, checked, tuple(shown))
    if unjudged or not judged:
        reasons = unjudged or [Text("没有可判断的订单", "no order could be judged")]
        return Judgement.cannot_judge(Text("；".join(t.zh for t in reasons), "; ".join(t.en for t in reasons)), tuple(shown))
    return Judgement.clean(checked, tuple(shown))

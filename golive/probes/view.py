"""Reading probe evidence in checks: pure helpers over the ``probe.notify`` / ``probe.return`` values.

The evidence value (built by golive/probes/runner.py) is plain data::

    {"url", "sign_type", "request_sign_type", "timeout_s", "wall_s",
     "scenarios": {name: {"name", "check", "description", "error", "orders": {role: {"no_order",
                   "credits": {"after_ack"|"after_first"|"after_burst"|"final": n|None}, "credit_errors"}},
                   "sends": [AckFacts.to_dict()], "exchanges": [Exchange.to_dict()], "notes"}}}

Checks judge the *final* credit count (read after every scenario finished and ``live.settle_s``
passed), so a credit booked a moment late is still counted. A negative scenario's order is also read
``before_control`` -- what the negative message did -- and its final count is what its positive
control (a correct notification for the same order) did on top: exactly one, or the negative probe
proved nothing. Helpers here never do I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from golive.model import Finding, Judgement, Location, Severity, Text
from golive.probes.notifications import ACK_RET_CODE, ACK_RET_MSG, LIANLIAN_ACK_LIMIT_MS

__all__ = ["LIANLIAN_ACK_LIMIT_MS", "Tally", "ack_findings", "judge_no_credit", "key_trust_problem",
           "scenario_evidence", "scenarios"]

MAX_EXCHANGES_PER_SCENARIO = 4


def scenarios(value: Mapping[str, Any], prefix: str) -> list[Mapping[str, Any]]:
    """The scenarios named `prefix` or `prefix.*`, in run order."""
    found = value.get("scenarios") or {}
    return [s for name, s in found.items() if name == prefix or name.startswith(prefix + ".")]


def text_of(raw: Mapping[str, str] | None) -> Text | None:
    return Text(raw["zh"], raw["en"]) if raw else None


def credits(scenario: Mapping[str, Any], role: str = "main", moment: str = "final") -> int | None:
    order = (scenario.get("orders") or {}).get(role) or {}
    value = (order.get("credits") or {}).get(moment)
    return value if isinstance(value, int) else None


def credit_error(scenario: Mapping[str, Any], role: str = "main", moment: str = "final") -> str | None:
    order = (scenario.get("orders") or {}).get(role) or {}
    return (order.get("credit_errors") or {}).get(moment)


def no_order(scenario: Mapping[str, Any], role: str = "main") -> str | None:
    return ((scenario.get("orders") or {}).get(role) or {}).get("no_order")


def sends(scenario: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(scenario.get("sends") or [])


def ack_text(ack: Mapping[str, Any]) -> str:
    if ack.get("error"):
        return str(ack["error"])
    body = str(ack.get("body") or "")
    return f"HTTP {ack.get('status')} {body[:80]!r}"


def exchanges(scenario: Mapping[str, Any], limit: int = MAX_EXCHANGES_PER_SCENARIO,
              interesting: tuple[int, ...] = ()) -> list[Mapping[str, Any]]:
    """A readable subset of a scenario's exchanges: the ones named in `interesting` (seq) first,
    then the first notification and the last credit read."""
    every = list(scenario.get("exchanges") or [])
    chosen: list[Mapping[str, Any]] = [e for e in every if e.get("seq") in interesting][:limit]
    for candidate in (_first(every, "notify"), _first(every, "forged"), _first(every, "tampered"),
                      _first(every, "return"), _last(every, "credits")):
        if candidate is not None and candidate not in chosen and len(chosen) < limit:
            chosen.append(candidate)
    if not chosen:
        chosen = every[:limit]
    return sorted(chosen, key=lambda e: e.get("seq") or 0)


def _first(every: list[Mapping[str, Any]], label_start: str) -> Mapping[str, Any] | None:
    return next((e for e in every if str(e.get("label", "")).startswith(label_start)), None)


def _last(every: list[Mapping[str, Any]], label_start: str) -> Mapping[str, Any] | None:
    return next((e for e in reversed(every) if str(e.get("label", "")).startswith(label_start)), None)


def scenario_evidence(scenario: Mapping[str, Any], interesting: tuple[int, ...] = ()) -> Iterator[Mapping[str, Any]]:
    """Evidence entries for one scenario: a summary, then a few HTTP exchanges."""
    summary: dict[str, Any] = {
        "kind": "probe",
        "scenario": scenario.get("name"),
        "description": (scenario.get("description") or {}).get("en"),
        "description_zh": (scenario.get("description") or {}).get("zh"),
        "orders": {role: {"no_order": o.get("no_order"), "credits": o.get("credits")}
                   for role, o in (scenario.get("orders") or {}).items()},
        "answers": _answer_counts(sends(scenario)),
        "elapsed_ms": scenario.get("elapsed_ms"),
    }
    if scenario.get("error"):
        summary["error"] = scenario["error"].get("en")
    yield summary
    yield from exchanges(scenario, interesting=interesting)


def _answer_counts(acks: list[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ack in acks:
        key = ack_text(ack) if ack.get("error") else f"HTTP {ack.get('status')} ret_code={ack.get('lenient_ret_code')}"
        counts[key] = counts.get(key, 0) + 1
    return counts


@dataclass
class Tally:
    """Findings, could-not-judge reasons and evidence gathered over a check's scenarios."""

    findings: list[Finding] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)  # English reasons, prefixed with the scenario
    unjudged_zh: list[str] = field(default_factory=list)
    evidence: list[Mapping[str, Any]] = field(default_factory=list)
    judged: int = 0
    preface: Text | None = None  # a run-level reason shown once before the scenarios' (key trust)

    def cannot(self, scenario: Mapping[str, Any], reason: Text) -> None:
        name = scenario.get("name")
        self.unjudged.append(f"{name}: {reason.en}")
        self.unjudged_zh.append(f"{name}：{reason.zh}")

    def conclude(self, checked: Text, severity: Severity | None = None) -> Judgement:
        """A violation at the check's own severity wins (a seen violation is a failure even if
        another scenario errored). Anything unjudged otherwise makes the check cannot_judge, never
        pass -- also when the only findings are lesser ones (given `severity`, the check's): a
        medium "answered 0000" must not stand in for the unanswered blocker question."""
        evidence = tuple(self.evidence)
        main = [f for f in self.findings
                if severity is None or f.severity is None or f.severity.at_least(severity)]
        if self.unjudged and not main:
            zh, en = "；".join(self.unjudged_zh), "; ".join(self.unjudged)
            if self.preface is not None:
                zh, en = f"{self.preface.zh} 各场景：{zh}", f"{self.preface.en} Per scenario: {en}"
            return Judgement.cannot_judge(Text(zh, en), evidence, tuple(self.findings))
        if self.findings:
            if self.unjudged:
                checked = Text(checked.zh + "；未能判断：" + "；".join(self.unjudged_zh),
                               checked.en + "; not judged: " + "; ".join(self.unjudged))
            return Judgement.violations(self.findings, checked, evidence)
        if not self.judged:
            return Judgement.cannot_judge(Text("没有可判断的探测结果", "no probe result could be judged"), evidence)
        return Judgement.clean(checked, evidence)


def final_credit_or_reason(scenario: Mapping[str, Any], role: str = "main",
                           moment: str = "final") -> tuple[int | None, Text | None]:
    """The credit count at `moment`, or why there is none (scenario error, credit read failed)."""
    count = credits(scenario, role, moment)
    if count is not None:
        return count, None
    error = text_of(scenario.get("error"))
    if error is not None:
        return None, error
    read = credit_error(scenario, role, moment)
    if read:
        return None, Text(f"无法读取入账次数：{read}", f"could not read the credit count: {read}")
    return None, Text("没有入账次数", "no credit count was read")


# -- key trust: did any correct notification of the run credit anything? ----------------------------

# Scenarios whose notifications are all correctly signed SUCCESS notifications for their order.
_POSITIVE_PREFIXES = ("ack", "redelivery", "burst", "sign_method.site")


def _correct_answers(scenario: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answers to the correctly signed SUCCESS notifications of a scenario: all of a positive
    scenario's, and a negative scenario's control."""
    name = str(scenario.get("name") or "")
    if any(name == p or name.startswith(p + ".") for p in _POSITIVE_PREFIXES):
        return sends(scenario)
    control = (scenario.get("notes") or {}).get("control")
    if not control:
        return []
    return [a for a in sends(scenario) if a.get("seq") == control.get("seq")]


def negative_sends(scenario: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answers to a negative scenario's own messages (its positive control left out)."""
    control = (scenario.get("notes") or {}).get("control") or {}
    return [a for a in sends(scenario) if control.get("seq") is None or a.get("seq") != control.get("seq")]


def key_trust_problem(value: Mapping[str, Any]) -> Text | None:
    """Why nothing in this run proves anything about the handler, when the merchant *refused* every
    correctly signed SUCCESS notification golive sent and none credited any order; None otherwise.

    A staging server that verifies with another LianLian key (or another MD5 key, or expects
    another merchant number) refuses every golive notification -- for the key, not for the defect a
    probe tests. Then the negative probes proved nothing, and the reason says which key the staging
    server must trust for the run. (A handler that answers 0000 and never credits -- LianLian's demo
    as shipped ends at a TODO -- is not refusing: that is the handler's own failure.)
    """
    found = list((value.get("scenarios") or {}).values())
    answered = [(s, a) for s in found for a in _correct_answers(s)]
    correct = {str(s.get("name")) for s, _ in answered}
    if not answered or any(a.get("positive") for _, a in answered):
        return None
    if any(isinstance(c, int) and c > 0 for s in found for o in (s.get("orders") or {}).values()
           for c in (o.get("credits") or {}).values()):
        return None
    if all(credits(s) is None for s, _ in answered):  # not one count could be read: another reason says why
        return None
    answers = _answer_counts([a for _, a in answered])
    shown = ", ".join(f"{k} ×{n}" for k, n in sorted(answers.items(), key=lambda kv: -kv[1])[:3]) or "-"
    signed = value.get("signed_with") or {}
    method = signed.get("method") or value.get("sign_type") or "?"
    oid = signed.get("oid_partner") or "?"
    if method == "RSA":
        fp = signed.get("public_key_sha256") or "?"
        trust_zh = (f"本次运行中预发布环境必须把 SHA-256 指纹为 {fp} 的公钥（live.lianlian_private_key 的公钥）当作连连公钥来验签"
                    f"（它若仍用连连的正式公钥或其他公钥验签，会因为密钥而不是因为被探测的缺陷拒收所有通知），并接受商户号 {oid}（merchant.oid_partner）")
        trust_en = (f"for this run the staging server must trust the public key with SHA-256 fingerprint {fp} (the public "
                    f"half of live.lianlian_private_key) as LianLian's -- a server that still verifies with LianLian's real "
                    f"key or another key refuses every golive notification for the key, not for the defect probed -- and "
                    f"accept merchant number {oid} (merchant.oid_partner)")
    else:
        chars = signed.get("md5_key_chars")
        size = f"{chars} 个字符" if chars else "?"
        size_en = f"{chars} chars" if chars else "?"
        trust_zh = (f"本次运行中预发布环境必须用与 signing.md5_key（{size}）相同的 MD5 密钥验签，并接受商户号 {oid}（merchant.oid_partner）；"
                    f"若抓包中连连的真实通知也无法用 signing.md5_key 验签（LL-SIG-009），则是配置的密钥不对")
        trust_en = (f"for this run the staging server must verify with the same MD5 key as signing.md5_key ({size_en}) and "
                    f"accept merchant number {oid} (merchant.oid_partner); if LianLian's real notifications in the captures "
                    f"do not verify with signing.md5_key either (LL-SIG-009), the configured key does not match")
    return Text(
        f"商户拒收了本次运行中 golive 发出的每一份正确签名的成功通知（{len(correct)} 个场景，应答：{shown}），一笔也没有入账："
        f"多半是预发布环境不信任 golive 的签名（密钥或商户号），对处理程序什么也没有证明。{trust_zh}。",
        f"The merchant refused every correctly signed SUCCESS notification golive sent in this run ({len(correct)} "
        f"scenarios; answers: {shown}) and credited none: most likely the staging server does not trust golive's "
        f"signature (the key or the merchant number), so nothing about the handler was proven. "
        f"{trust_en[0].upper() + trust_en[1:]}.")


def _control_failed(scenario: Mapping[str, Any], what: Text) -> Text:
    control = (scenario.get("notes") or {}).get("control") or {}
    answer = control.get("answer") or "-"
    return Text(f"紧随其后、针对同一订单的正确成功通知（对照）也没有入账（应答：{answer}），所以{what.zh}未入账什么也证明不了",
                f"the correct SUCCESS notification for the same order sent right after it (the control) was never "
                f"credited either (answer: {answer}), so this rejection of {what.en} proves nothing")


def judge_no_credit(value: Mapping[str, Any], prefix: str, *, what: Text, ack_matters: bool,
                    roles: tuple[str, ...] = ("main",)) -> Tally:
    """The shared rule of the negative probes: the negative message credits nothing (and, where
    `ack_matters`, is not acknowledged with 0000) -- judged only when its positive control, a correct
    notification for the same order sent after it, then credited that order exactly once."""
    tally = Tally()
    key_problem = key_trust_problem(value)
    for scenario in scenarios(value, prefix):
        description = text_of(scenario.get("description")) or Text(str(scenario.get("name")), str(scenario.get("name")))
        if (scenario.get("notes") or {}).get("skipped"):
            continue
        tally.evidence.extend(scenario_evidence(scenario))
        violated = False
        unknown: Text | None = None
        for role in roles:
            if role not in (scenario.get("orders") or {}):
                continue
            # The main order's count before the control is what the negative message did.
            moment = "before_control" if role == "main" else "final"
            count, reason = final_credit_or_reason(scenario, role, moment)
            if count is None:
                unknown = unknown or reason
            elif count > 0:
                violated = True
                tally.findings.append(Finding(
                    Text(f"{what.zh}（{description.zh}）使订单 {no_order(scenario, role)} 入账 {count} 次",
                         f"{what.en} ({description.en}) credited order {no_order(scenario, role)} {count} time(s)"),
                    data={"scenario": scenario.get("name"), "no_order": no_order(scenario, role), "credits": count}))
        positive = next((a for a in negative_sends(scenario) if a.get("positive")), None)
        if ack_matters and positive is not None and not violated:
            # Answered "success" to a message it must refuse: LianLian would stop re-sending it, and
            # the answer evidently does not depend on the verification.
            tally.findings.append(Finding(
                Text(f"{what.zh}（{description.zh}）被应答为 0000：{ack_text(positive)}；应拒收的通知不应得到成功应答",
                     f"{what.en} ({description.en}) was answered 0000: {ack_text(positive)}; a notification that must be "
                     f"refused must not get the success answer"),
                severity=Severity.MEDIUM, data={"scenario": scenario.get("name")}))
        if violated:
            continue
        error = text_of(scenario.get("error"))
        if error is not None:  # e.g. the message never arrived: a zero count proves nothing
            tally.cannot(scenario, error)
        elif unknown is not None:
            tally.cannot(scenario, unknown)
        elif not (scenario.get("orders") or {}):
            tally.cannot(scenario, Text("探测未执行", "the probe did not run"))
        elif not (scenario.get("notes") or {}).get("control"):
            tally.cannot(scenario, Text("没有对照（同一订单的正确通知），未入账证明不了什么",
                                        "no positive control (a correct notification for the same order) was sent, so "
                                        "nothing credited proves nothing"))
        else:
            final, reason = final_credit_or_reason(scenario)
            if final is None:
                tally.cannot(scenario, reason or Text("?", "?"))
            elif final == 0:
                tally.cannot(scenario, _control_failed(scenario, what))
                tally.preface = key_problem
            elif final > 1:
                tally.findings.append(Finding(
                    Text(f"{what.zh}（{description.zh}）之后再发一份正确通知，订单 {no_order(scenario)} 共入账 {final} 次（应为 1）："
                         f"被拒的消息事后仍入账，或正确通知入账两次",
                         f"after {what.en} ({description.en}) and one correct notification, order {no_order(scenario)} was "
                         f"credited {final} times (expected once): the refused message was credited late, or the correct "
                         f"one twice"),
                    data={"scenario": scenario.get("name"), "no_order": no_order(scenario), "credits": final}))
            else:
                tally.judged += 1
    return tally


def ack_findings(ack: Mapping[str, Any], location: Location | None = None, *, format_only: bool = False) -> list[Finding]:
    """Where an answer (`AckFacts.to_dict()`) breaks LianLian's acknowledgement contract
    (protocol.md §5.1): HTTP 200, a valid JSON object, ret_code "0000", ret_msg "交易成功"
    (low and uncertain: the English docs show "ok"), within 5 s when the time is known.
    `format_only`: judge only that the answer is JSON (for answers the merchant may refuse).
    Each finding's ``data["rule"]`` names the rule (status, json, ret_code, ret_msg, slow)."""
    findings: list[Finding] = []

    def add(rule: str, message: Text, **kw: Any) -> None:
        data = {"rule": rule, "status": ack.get("status"), "elapsed_ms": ack.get("elapsed_ms"), "body": ack.get("body")}
        findings.append(Finding(message, location, data=data, **kw))

    status = ack.get("status")
    if status != 200 and not format_only:
        add("status", Text(f"HTTP 状态码为 {status}，应为 200", f"HTTP status {status}, expected 200"))
    if not ack.get("valid_json"):
        if ack.get("single_quoted"):
            add("json", Text("应答正文用单引号，不是合法 JSON —— 上线指南自己的示例 {'ret_code':'0000','ret_msg':'交易成功'} "
                     "就是这样写的，照抄会被 JSON 解析器拒绝",
                     "the answer uses single quotes, which is not JSON -- the go-live guide's own example "
                     "{'ret_code':'0000','ret_msg':'交易成功'} is written that way, and a copy of it is rejected by a JSON parser"))
        else:
            add("json", Text(f"应答正文不是合法 JSON：{ack_text(ack)}", f"the answer is not valid JSON: {ack_text(ack)}"))
    elif format_only:
        pass
    elif not ack.get("is_object"):
        add("json", Text("应答是 JSON 但不是对象", "the answer is JSON but not an object"))
    elif ack.get("ret_code") != ACK_RET_CODE:
        add("ret_code", Text(f"ret_code 为 {ack.get('ret_code')!r}，应为 \"0000\"", f"ret_code is {ack.get('ret_code')!r}, expected \"0000\""))
    elif ack.get("ret_msg") != ACK_RET_MSG:
        add("ret_msg", Text(f"ret_msg 为 {ack.get('ret_msg')!r}，官方示例为 \"交易成功\"（英文文档写 \"ok\"，连连可能只看 ret_code，未确认）",
                 f"ret_msg is {ack.get('ret_msg')!r}; the official demos send \"交易成功\" (the English docs show \"ok\"; "
                 f"LianLian presumably reads only ret_code -- unconfirmed)"),
            severity=Severity.LOW, uncertain=True)
    elapsed = ack.get("elapsed_ms")
    if isinstance(elapsed, (int, float)) and elapsed > LIANLIAN_ACK_LIMIT_MS and not format_only:
        add("slow", Text(f"应答用时 {elapsed / 1000:.1f} 秒，超过连连的 5 秒", f"the answer took {elapsed / 1000:.1f} s, over LianLian's 5 s"))
    return findings

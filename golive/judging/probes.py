"""Judging probe observations: the ``probe.notify`` / ``probe.return`` evidence, read by the checks.

The probes (golive/probes/) record what happened and nothing more; this module is where it is
read. The evidence value is plain, redacted data::

    {"url", "sign_type", "signed_with", "request_sign_type", "timeout_s", "groups", "wall_s",
     "scenarios": {name: {"name", "error", "elapsed_ms",
                          "orders": {role: {"role", "no_order", "user_id", "amount", "may_be_unknown",
                                            "credits": {moment: n | None}, "credit_errors": {moment: reason}}},
                          "exchanges": [Exchange.to_dict()],   # every request, with its target and timing
                          "notes": {...}}}}                    # what was sent: variant, copies, control_seq ...

Scenario names and groups are the probe specification's (golive/probe_spec.py). Answers to the
notifications are the exchanges whose target is ``notify_url``, read with the one ack reader
(golive/judging/acks.py).

Checks judge the *final* credit count (read after every scenario finished and ``live.settle_s``
passed), so a credit booked a moment late is still counted. A negative scenario's order is also
read ``before_control`` -- what the negative message did -- and its final count is what its
positive control (a correct notification for the same order, ``notes.control_seq``) did on top:
exactly one, or the negative probe proved nothing. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from golive import probe_spec
from golive.judging.acks import AckFacts, ack_of_exchange, ack_text
from golive.model import Finding, Judgement, Severity, Text

__all__ = ["Tally", "control_answer", "credit_error", "credits", "describe", "exchanges", "final_credit_or_reason",
           "judge_no_credit", "key_trust_problem", "negative_answers", "no_order", "notifications", "scenario_evidence",
           "scenarios", "text_of"]

MAX_EXCHANGES_PER_SCENARIO = 4
NOTIFY_TARGET = "notify_url"


def scenarios(value: Mapping[str, Any], group: str) -> list[Mapping[str, Any]]:
    """The recorded scenarios of probe-spec `group` (golive/probe_spec.py), in run order."""
    found = value.get("scenarios") or {}
    return [found[name] for name in probe_spec.group(group).names if name in found]


def scenario_named(value: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    found = (value.get("scenarios") or {}).get(name)
    return found if isinstance(found, Mapping) else None


def describe(scenario: Mapping[str, Any]) -> Text:
    return probe_spec.describe(str(scenario.get("name")))


def text_of(raw: Mapping[str, str] | None) -> Text | None:
    return Text(raw["zh"], raw["en"]) if raw else None


def notes(scenario: Mapping[str, Any]) -> Mapping[str, Any]:
    return scenario.get("notes") or {}


def credits(scenario: Mapping[str, Any], role: str = "main", moment: str = "final") -> int | None:
    order = (scenario.get("orders") or {}).get(role) or {}
    value = (order.get("credits") or {}).get(moment)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def credit_error(scenario: Mapping[str, Any], role: str = "main", moment: str = "final") -> str | None:
    order = (scenario.get("orders") or {}).get(role) or {}
    error = (order.get("credit_errors") or {}).get(moment)
    return str(error) if error else None


def no_order(scenario: Mapping[str, Any], role: str = "main") -> str | None:
    return ((scenario.get("orders") or {}).get(role) or {}).get("no_order")


def notifications(scenario: Mapping[str, Any]) -> list[AckFacts]:
    """The merchant's answers to every notification the scenario sent, in the order sent."""
    every = [e for e in scenario.get("exchanges") or [] if e.get("target") == NOTIFY_TARGET]
    return [ack_of_exchange(e) for e in sorted(every, key=lambda e: e.get("seq") or 0)]


def control_answer(scenario: Mapping[str, Any]) -> AckFacts | None:
    """The answer to the scenario's positive control, if one was sent."""
    seq = notes(scenario).get("control_seq")
    return next((a for a in notifications(scenario) if seq is not None and a.seq == seq), None)


def negative_answers(scenario: Mapping[str, Any]) -> list[AckFacts]:
    """The answers to a negative scenario's own messages (its positive control left out)."""
    seq = notes(scenario).get("control_seq")
    return [a for a in notifications(scenario) if seq is None or a.seq != seq]


def exchanges(scenario: Mapping[str, Any], limit: int = MAX_EXCHANGES_PER_SCENARIO,
              interesting: tuple[int | None, ...] = ()) -> list[Mapping[str, Any]]:
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


def scenario_evidence(scenario: Mapping[str, Any], interesting: tuple[int | None, ...] = ()) -> Iterator[Mapping[str, Any]]:
    """Evidence entries for one scenario: a summary, then a few HTTP exchanges."""
    description = describe(scenario)
    summary: dict[str, Any] = {
        "kind": "probe",
        "scenario": scenario.get("name"),
        "description": description.en,
        "description_zh": description.zh,
        "orders": {role: {"no_order": o.get("no_order"), "credits": o.get("credits")}
                   for role, o in (scenario.get("orders") or {}).items()},
        "answers": answer_counts(notifications(scenario)),
        "elapsed_ms": scenario.get("elapsed_ms"),
    }
    if scenario.get("error"):
        summary["error"] = scenario["error"].get("en")
    yield summary
    yield from exchanges(scenario, interesting=interesting)


def answer_counts(acks: list[AckFacts]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ack in acks:
        key = ack_text(ack) if ack.error else f"HTTP {ack.status} ret_code={ack.lenient_ret_code}"
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

def _correct_answers(scenario: Mapping[str, Any]) -> list[AckFacts]:
    """The answers to the correctly signed SUCCESS notifications of a scenario: all of a positive
    scenario's (probe_spec: ``correct``), and a negative scenario's control."""
    if str(scenario.get("name") or "") in probe_spec.correct_scenarios():
        return notifications(scenario)
    control = control_answer(scenario)
    return [control] if control is not None else []


def key_trust_problem(value: Mapping[str, Any]) -> Text | None:
    """Why nothing in this run proves anything about the handler, when the merchant *refused* every
    correctly signed SUCCESS notification golive sent and none credited any order; None otherwise.

    A staging server that verifies with another LianLian key (or another MD5 key, or expects
    another merchant number) refuses every golive notification -- for the key, not for the defect a
    probe tests. Then the negative probes proved nothing, and the reason says which key the staging
    server must trust for the run. (A handler that answers 0000 and never credits -- LianLian's demo
    as shipped ends at a TODO -- is not refusing: that is the handler's own failure.)
    """
    found = [s for s in (value.get("scenarios") or {}).values() if isinstance(s, Mapping)]
    answered = [(s, a) for s in found for a in _correct_answers(s)]
    correct = {str(s.get("name")) for s, _ in answered}
    if not answered or any(a.positive for _, a in answered):
        return None
    if any(isinstance(c, int) and c > 0 for s in found for o in (s.get("orders") or {}).values()
           for c in (o.get("credits") or {}).values()):
        return None
    if all(credits(s) is None for s, _ in answered):  # not one count could be read: another reason says why
        return None
    answers = answer_counts([a for _, a in answered])
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
    control = control_answer(scenario)
    answer = ack_text(control) if control is not None else "-"
    return Text(f"紧随其后、针对同一订单的正确成功通知（对照）也没有入账（应答：{answer}），所以{what.zh}未入账什么也证明不了",
                f"the correct SUCCESS notification for the same order sent right after it (the control) was never "
                f"credited either (answer: {answer}), so this rejection of {what.en} proves nothing")


def judge_no_credit(value: Mapping[str, Any], group: str, *, what: Text, ack_matters: bool,
                    roles: tuple[str, ...] = ("main",), only: tuple[str, ...] | None = None) -> Tally:
    """The shared rule of the negative probes: the negative message credits nothing (and, where
    `ack_matters`, is not acknowledged with 0000) -- judged only when its positive control, a correct
    notification for the same order sent after it, then credited that order exactly once.
    `only` limits the group's scenarios to these names."""
    tally = Tally()
    key_problem = key_trust_problem(value)
    for scenario in scenarios(value, group):
        if only is not None and scenario.get("name") not in only:
            continue
        description = describe(scenario)
        if notes(scenario).get("skipped"):
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
        accepted = next((a for a in negative_answers(scenario) if a.positive), None)
        if ack_matters and accepted is not None and not violated:
            # Answered "success" to a message it must refuse: LianLian would stop re-sending it, and
            # the answer evidently does not depend on the verification.
            tally.findings.append(Finding(
                Text(f"{what.zh}（{description.zh}）被应答为 0000：{ack_text(accepted)}；应拒收的通知不应得到成功应答",
                     f"{what.en} ({description.en}) was answered 0000: {ack_text(accepted)}; a notification that must be "
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
        elif notes(scenario).get("control_seq") is None:
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

"""Reading probe evidence in checks: pure helpers over the ``probe.notify`` / ``probe.return`` values.

The evidence value (built by golive/probes/runner.py) is plain data::

    {"url", "sign_type", "request_sign_type", "timeout_s", "wall_s",
     "scenarios": {name: {"name", "check", "description", "error", "orders": {role: {"no_order",
                   "credits": {"after_ack"|"after_first"|"after_burst"|"final": n|None}, "credit_errors"}},
                   "sends": [AckFacts.to_dict()], "exchanges": [Exchange.to_dict()], "notes"}}}

Checks judge the *final* credit count (read after every scenario finished and ``live.settle_s``
passed), so a credit booked a moment late is still counted. Helpers here never do I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from golive.model import Finding, Judgement, Location, Severity, Text
from golive.probes.notifications import ACK_RET_CODE, ACK_RET_MSG, LIANLIAN_ACK_LIMIT_MS

__all__ = ["LIANLIAN_ACK_LIMIT_MS", "Tally", "ack_findings", "judge_no_credit", "scenario_evidence", "scenarios"]

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

    def cannot(self, scenario: Mapping[str, Any], reason: Text) -> None:
        name = scenario.get("name")
        self.unjudged.append(f"{name}: {reason.en}")
        self.unjudged_zh.append(f"{name}：{reason.zh}")

    def conclude(self, checked: Text) -> Judgement:
        """Violations win (a seen violation is a failure even if another scenario errored);
        otherwise anything unjudged makes the check cannot_judge, never pass."""
        evidence = tuple(self.evidence)
        if self.findings:
            if self.unjudged:
                checked = Text(checked.zh + "；未能判断：" + "；".join(self.unjudged_zh),
                               checked.en + "; not judged: " + "; ".join(self.unjudged))
            return Judgement.violations(self.findings, checked, evidence)
        if self.unjudged or not self.judged:
            reason = Text("；".join(self.unjudged_zh) or "没有可判断的探测结果",
                          "; ".join(self.unjudged) or "no probe result could be judged")
            return Judgement.cannot_judge(reason, evidence)
        return Judgement.clean(checked, evidence)


def final_credit_or_reason(scenario: Mapping[str, Any], role: str = "main") -> tuple[int | None, Text | None]:
    """The final credit count, or why there is none (scenario error, credit read failed)."""
    count = credits(scenario, role)
    if count is not None:
        return count, None
    error = text_of(scenario.get("error"))
    if error is not None:
        return None, error
    read = credit_error(scenario, role)
    if read:
        return None, Text(f"无法读取入账次数：{read}", f"could not read the credit count: {read}")
    return None, Text("没有入账次数", "no credit count was read")


def judge_no_credit(value: Mapping[str, Any], prefix: str, *, what: Text, ack_matters: bool,
                    roles: tuple[str, ...] = ("main",)) -> Tally:
    """The shared rule of the negative probes: the order is not credited (and, where
    `ack_matters`, the notification is not acknowledged with 0000)."""
    tally = Tally()
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
            count, reason = final_credit_or_reason(scenario, role)
            if count is None:
                unknown = unknown or reason
            elif count > 0:
                violated = True
                tally.findings.append(Finding(
                    Text(f"{what.zh}（{description.zh}）使订单 {no_order(scenario, role)} 入账 {count} 次",
                         f"{what.en} ({description.en}) credited order {no_order(scenario, role)} {count} time(s)"),
                    data={"scenario": scenario.get("name"), "no_order": no_order(scenario, role), "credits": count}))
        acks = sends(scenario)
        positive = next((a for a in acks if a.get("positive")), None)
        if ack_matters and positive is not None and not violated:
            # Not credited, but answered "success": LianLian would stop re-sending a message the
            # handler should have refused, and the answer evidently ignores the verification.
            violated = True
            tally.findings.append(Finding(
                Text(f"{what.zh}（{description.zh}）没有入账，但被应答为 0000：{ack_text(positive)}；应拒收的通知不应得到成功应答",
                     f"{what.en} ({description.en}) was not credited but was answered 0000: {ack_text(positive)}; a "
                     f"notification that must be refused must not get the success answer"),
                severity=Severity.MEDIUM, data={"scenario": scenario.get("name")}))
        # A scenario that errored (e.g. the notification never arrived) proves nothing by a zero count.
        error = text_of(scenario.get("error"))
        if error is not None and not violated:
            tally.cannot(scenario, error)
        elif unknown is not None and not violated:
            tally.cannot(scenario, unknown)
        elif not (scenario.get("orders") or {}):
            tally.cannot(scenario, Text("探测未执行", "the probe did not run"))
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

"""Judging the same-card probes (同卡进出): reading withdrawal answers, and the guide's rule.

LianLian's go-live guide (七 同卡进出): "控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上
收益的总和" -- a withdrawal goes only to a card the user paid with, and never above paid plus
earnings. The probes (golive/probes/withdraw.py) ask the merchant's ``live.withdraw`` recipe for
withdrawals and record the raw answers; this module reads them.

The ``probe.withdraw`` evidence value::

    {"recipe": {"pointer", "accepted": [...], "refused": [...] | None, "cards_by", "payouts", "earn"},
     "groups": [...],
     "attempts": {name: {"name", "user_id", "card": "A" | "B", "card_shown", "amount", "paid", "earned",
                         "follows": None | name,          # an earlier attempt of the same user
                         "answer": None | {"via": "http" | "command", "status", "value", "error", "error_kind"},
                         "payouts": {"before", "after", "error"},
                         "error": None | {"zh", "en"},     # why the attempt could not be made
                         "exchanges": [...]}}}

Reading an answer (`read_answer`): the value at ``live.withdraw.pointer`` is *accepted* when it
equals ``accepted`` (a value or a list; compared leniently: "ACCEPTED" == "accepted", 1 == "1");
with ``refused`` configured only those values are refusals and anything else is inconclusive;
without it, any other value is a refusal. An HTTP 4xx answer is a refusal (a server may refuse
with 403); no answer, a 5xx or a non-JSON answer is inconclusive. When ``live.payouts`` is
configured, a "refusal" after which the user's payout count went up is no refusal.

The positive control (a withdrawal of the paid amount to the paying card) must be accepted, or a
merchant that refuses everything would pass; the cumulative attempt (``over_bound_cumulative``)
tests "− already withdrawn" only after the control was accepted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from golive import probe_spec
from golive.model import Finding, Judgement, Location, Text

__all__ = ["ACCEPTED", "GUIDE_RULE", "REFUSED", "UNKNOWN", "attempt_evidence", "judge_attempts", "read_answer"]

# The go-live guide's own words (七 同卡进出), quoted in every same-card finding.
GUIDE_RULE = Text("控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的总和",
                  "the withdrawal card must be a card the user paid with, and the amount withdrawn must not exceed "
                  "what the user paid plus earnings")
ACCEPTED, REFUSED, UNKNOWN = "accepted", "refused", "unknown"
CONTROL = "control"
CENT = Decimal("0.01")


def _values(raw: Any) -> list[Any]:
    return list(raw) if isinstance(raw, list) else [raw]


def _same(value: Any, wanted: Any) -> bool:
    """Recipe values compare leniently: "ACCEPTED" == "accepted", 1 == "1", true == "true"."""
    if isinstance(value, bool) or isinstance(wanted, bool):
        return str(value).lower() == str(wanted).lower()
    return str(value).strip().lower() == str(wanted).strip().lower()


def read_answer(answer: Mapping[str, Any] | None, recipe: Mapping[str, Any]) -> tuple[str, Any, str]:
    """(accepted | refused | unknown, the deciding value, how it was read) for a recorded answer."""
    if not answer:
        return UNKNOWN, None, "no answer was recorded"
    accepted = _values(recipe.get("accepted") if recipe.get("accepted") is not None else "ACCEPTED")
    refused = _values(recipe["refused"]) if recipe.get("refused") is not None else None
    status = answer.get("status")
    if answer.get("error"):
        if answer.get("via") == "http" and isinstance(status, int) and 400 <= status < 500:
            return REFUSED, status, f"HTTP {status}: a client error answer is a refusal"
        return UNKNOWN, status, str(answer.get("error"))
    value = answer.get("value")
    if any(_same(value, v) for v in accepted):
        return ACCEPTED, value, "the value at the pointer is an accepted value"
    if refused is None:
        return REFUSED, value, "the value at the pointer is not an accepted value"
    if any(_same(value, v) for v in refused):
        return REFUSED, value, "the value at the pointer is a refused value"
    return UNKNOWN, value, "the value at the pointer is neither an accepted nor a refused value"


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _decimal(raw: Any) -> Decimal:
    try:
        return Decimal(str(raw or "0"))
    except InvalidOperation:
        return Decimal(0)


class _Reading:
    """One attempt as judged: its outcome and the figures of the rule (bound, already withdrawn)."""

    def __init__(self, attempt: Mapping[str, Any], attempts: Mapping[str, Any], recipe: Mapping[str, Any]) -> None:
        self.attempt = attempt
        self.name = str(attempt.get("name"))
        self.outcome: str | None = None  # None: the withdrawal was never asked for
        self.value: Any = None
        self.why = ""
        if attempt.get("answer") is not None:
            self.outcome, self.value, self.why = read_answer(attempt.get("answer"), recipe)
        self.withdrawn_before = Decimal(0)
        self.follows_unaccepted: str | None = None
        follows = attempt.get("follows")
        if follows:  # it asks again after an earlier withdrawal of the same user, which must have been accepted
            earlier = attempts.get(follows) or {}
            if earlier.get("answer") is not None and read_answer(earlier.get("answer"), recipe)[0] == ACCEPTED:
                self.withdrawn_before = _decimal(earlier.get("amount"))
            else:
                self.follows_unaccepted = str(follows)
        payouts = attempt.get("payouts") or {}
        self.payouts_before, self.payouts_after = payouts.get("before"), payouts.get("after")
        self.payouts_error = payouts.get("error")

    @property
    def bound(self) -> str | None:
        a = self.attempt
        if not a.get("paid"):
            return None
        return _money(_decimal(a.get("paid")) + _decimal(a.get("earned")) - self.withdrawn_before)

    @property
    def error(self) -> Text | None:
        raw = self.attempt.get("error")
        if raw:
            return Text(raw["zh"], raw["en"])
        if self.follows_unaccepted == CONTROL:
            return Text("阳性对照提现未被受理，无法测试累计上限", "the control withdrawal was not accepted, so the "
                        "cumulative bound could not be tested")
        if self.follows_unaccepted:
            return Text(f"之前的提现（{self.follows_unaccepted}）未被受理，无法测试累计上限",
                        f"the earlier withdrawal ({self.follows_unaccepted}) was not accepted, so the cumulative "
                        "bound could not be tested")
        if self.outcome == UNKNOWN:
            return Text(f"无法判断提现结果：{self.why}", f"the withdrawal answer could not be read: {self.why}")
        return None

    @property
    def judged_outcome(self) -> str | None:
        """The outcome the checks may use: none when the attempt's premise failed."""
        return None if self.follows_unaccepted or self.attempt.get("error") else self.outcome

    def figures(self) -> tuple[str, str]:
        a = self.attempt
        card = "支付卡 A" if a.get("card") == "A" else "从未支付过的卡 B"
        card_en = "the paying card A" if a.get("card") == "A" else "card B (never paid with)"
        before = _money(self.withdrawn_before)
        figures_zh = (f"用户 {a.get('user_id')} 支付 {a.get('paid')}，收益 {a.get('earned')}，已提现 {before}，"
                      f"上限 {self.bound}；申请 {a.get('amount')} 到{card}（{a.get('card_shown')}）")
        figures_en = (f"user {a.get('user_id')} paid {a.get('paid')}, earned {a.get('earned')}, withdrew "
                      f"{before} before, bound {self.bound}; asked for {a.get('amount')} to "
                      f"{card_en} ({a.get('card_shown')})")
        return figures_zh, figures_en


def attempt_evidence(reading: _Reading) -> list[Mapping[str, Any]]:
    """A summary of one attempt and its withdraw exchange (plus the failing one, if any)."""
    a = reading.attempt
    description = probe_spec.describe(reading.name)
    summary: dict[str, Any] = {
        "kind": "probe", "scenario": reading.name, "description": description.en,
        "description_zh": description.zh,
        "expect": ACCEPTED if _legitimate(reading.name) else REFUSED,
        "outcome": reading.outcome, "answer": _shown(reading.value), "user_id": a.get("user_id"),
        "card": a.get("card"), "card_shown": a.get("card_shown"), "amount": a.get("amount"), "paid": a.get("paid"),
        "earned": a.get("earned"), "withdrawn_before": _money(reading.withdrawn_before), "bound": reading.bound,
        "payouts": (f"{reading.payouts_before} -> {reading.payouts_after}"
                    if reading.payouts_before is not None else None),
    }
    error = reading.error
    if error is not None:
        summary["error"] = error.en
    every = list(a.get("exchanges") or [])
    shown = [e for e in every if str(e.get("label", "")).startswith("withdraw")]
    failed = [e for e in every if e.get("error") and e not in shown]
    return [summary, *shown, *failed[:1]]


def _legitimate(name: str) -> bool:
    found = probe_spec.scenario(name)
    return bool(found and found.legitimate)


def _shown(value: Any) -> Any:
    return value[:80] if isinstance(value, str) else value


def _quoted(value: Any) -> str:
    """An answer value as a message quotes it: JSON (a string in double quotes), never a Python repr."""
    import json

    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)[:120]
    except (TypeError, ValueError):
        return str(value)[:120]


def _accepted_values(recipe: Mapping[str, Any], lang: str) -> str:
    values = recipe.get("accepted")
    if isinstance(values, (list, tuple)):
        return ("、" if lang == "zh" else " or ").join(_quoted(v) for v in values) or "—"
    return _quoted(values)


def _negative(r: _Reading, rule: Text, where: Location, findings: list[Finding], unjudged: list[Text]) -> None:
    figures_zh, figures_en = r.figures()
    outcome = r.judged_outcome
    answer = _shown(r.value)
    if outcome == ACCEPTED:
        findings.append(Finding(Text(f"商户受理了应当拒绝的提现（{rule.zh}）：{figures_zh}；应答 {_quoted(answer)}。"
                                     f"指南要求：{GUIDE_RULE.zh}。",
                                     f"the merchant accepted a withdrawal it must refuse ({rule.en}): {figures_en}; "
                                     f"answer {_quoted(answer)}. The guide: {GUIDE_RULE.en}."), where,
                                data={"attempt": r.name, "answer": answer, "amount": r.attempt.get("amount"),
                                      "bound": r.bound, "card": r.attempt.get("card_shown")}))
        return
    if outcome != REFUSED:
        reason = r.error or Text("未执行", "not run")
        unjudged.append(Text(f"{r.name}：{reason.zh}", f"{r.name}: {reason.en}"))
        return
    before, after = r.payouts_before, r.payouts_after
    if r.payouts_error:
        unjudged.append(Text(f"{r.name}：应答为拒绝，但无法通过 live.payouts 核实：{r.payouts_error}",
                             f"{r.name}: answered as refused, but live.payouts could not confirm it: {r.payouts_error}"))
    elif isinstance(before, int) and isinstance(after, int) and after > before:
        findings.append(Finding(Text(f"应答为拒绝，但出款记录从 {before} 笔变为 {after} 笔（{rule.zh}）：{figures_zh}。"
                                     f"指南要求：{GUIDE_RULE.zh}。",
                                     f"answered as refused, but the payout count went from {before} to {after} "
                                     f"({rule.en}): {figures_en}. The guide: {GUIDE_RULE.en}."), where,
                                data={"attempt": r.name, "payouts_before": before, "payouts_after": after}))


def _control(r: _Reading | None, where: Location, findings: list[Finding], unjudged: list[Text]) -> None:
    if r is None:
        unjudged.append(Text("没有阳性对照结果", "no positive-control result"))
        return
    outcome = r.judged_outcome
    if outcome == ACCEPTED:
        return
    if outcome == REFUSED:
        figures_zh, figures_en = r.figures()
        answer = _shown(r.value)
        findings.append(Finding(Text(
            f"阳性对照失败：合法的提现（支付卡、上限以内）被拒绝（{figures_zh}；应答 {_quoted(answer)}）。"
            "一律拒绝提现的商户不能证明做好了同卡进出，拒绝结果因此不能作为证据。",
            f"positive control failed: a legitimate withdrawal (paying card, within the bound) was refused "
            f"({figures_en}; answer {_quoted(answer)}). A merchant that refuses every withdrawal shows nothing "
            "about same card in, same card out, so its refusals prove nothing."),
            where, data={"attempt": CONTROL, "answer": answer, "amount": r.attempt.get("amount"), "bound": r.bound}))
        return
    reason = r.error or Text("未执行", "not run")
    unjudged.append(Text(f"阳性对照：{reason.zh}", f"positive control: {reason.en}"))


def judge_attempts(value: Mapping[str, Any], names: tuple[str, ...], rule: Text, where: Location) -> Judgement:
    """The Judgement of a same-card check over its attempts `names` plus the positive control:
    a violation if the merchant accepted (or paid out) a withdrawal it must refuse, or refused
    the legitimate one; cannot_judge if anything needed could not be read; clean otherwise.
    Findings point at `where` (the config's live.withdraw) and name their attempt in `data`."""
    attempts: Mapping[str, Any] = value.get("attempts") or {}
    recipe: Mapping[str, Any] = value.get("recipe") or {}
    findings: list[Finding] = []
    unjudged: list[Text] = []
    evidence: list[Mapping[str, Any]] = []
    for name in names:
        attempt = attempts.get(name)
        if attempt is None:
            unjudged.append(Text(f"{name}：没有探测结果", f"{name}: no probe result"))
            continue
        reading = _Reading(attempt, attempts, recipe)
        _negative(reading, rule, where, findings, unjudged)
        evidence += attempt_evidence(reading)
    control = _Reading(attempts[CONTROL], attempts, recipe) if CONTROL in attempts else None
    _control(control, where, findings, unjudged)
    if control is not None:
        evidence += attempt_evidence(control)
    checked = Text(
        f"向预发布环境申请提现并读取应答（{recipe.get('pointer')} 为 {_accepted_values(recipe, 'zh')} 即受理；卡以 "
        f"{'卡号' if recipe.get('cards_by') == 'card number' else 'no_agree'} 标识；"
        f"{'以 live.payouts 核对出款笔数' if recipe.get('payouts') else '未配置 live.payouts，仅依据应答'}），含阳性对照",
        f"asked the staging server for withdrawals and read the answers ({recipe.get('pointer')} "
        f"{_accepted_values(recipe, 'en')} means accepted; cards named by {recipe.get('cards_by')}; "
        f"{'payout counts confirmed through live.payouts' if recipe.get('payouts') else 'no live.payouts: answers only'}),"
        " with a positive control")
    if findings:
        if unjudged:
            checked = Text(checked.zh + "；未能判断：" + "；".join(t.zh for t in unjudged),
                           checked.en + "; not judged: " + "; ".join(t.en for t in unjudged))
        return Judgement.violations(findings, checked, tuple(evidence))
    if unjudged:
        return Judgement.cannot_judge(Text("；".join(t.zh for t in unjudged), "; ".join(t.en for t in unjudged)),
                                      tuple(evidence))
    return Judgement.clean(checked, tuple(evidence))


# -- the ledger audit (LL-CRD-003) ---------------------------------------------------------------------

def ledger_problem(value: Any) -> str | None:
    """Where the ``ledger`` evidence (golive.books.result.BooksAudit.to_evidence, perhaps read back
    from saved evidence) is malformed, or None."""
    from golive.books.result import evidence_problem

    return evidence_problem(value)


def ledger_order(order: str, engine: str) -> Text:
    """How the audit put each user's rows in time order: in SQL, in file order, or re-sorted."""
    if order == "sql":
        return Text(f"由 {engine} 按用户、时间（同一时间按行号）排序复核", f"ordered by user, time and line by {engine}")
    if not order:
        return Text("各用户的行按时间顺序排列，按文件顺序判定", "each user's rows were in time order and were judged in file order")
    from golive.evidence.ledger_order import resort_reason

    why = resort_reason(order)
    return Text(f"已按用户和时间重排后判定（{why.zh}）", f"judged re-sorted by user and time ({why.en})")

"""The probe specification: which live-probe scenarios exist, how they are grouped, what each sends.

This is the one place that names probe scenarios. It sits outside `golive.probes` (the code that
sends) and outside the checks (the code that judges), so both can agree on it without either
knowing the other:

* a **check** declares the scenario groups it reads (``CheckMeta.probes``, e.g. ``("forged",)``);
* the **engine** passes the union of the selected checks' groups to the probes gatherer
  (``GatherContext.scenarios``), so ``--select LL-NTF-005`` sends only the forged notifications (each
  with its positive control) and nothing nobody will judge;
* the **probes** (golive/probes/) implement every scenario named here, and record raw observations
  under the scenario's name;
* the **judging** helpers (golive/judging/) find a group's records by the names listed here, and
  read the flags below (which scenarios send only correct notifications, which end with a control).

No check id appears here: a scenario says what is sent, not who judges it.

Groups and their evidence kinds:

==================  ==============  =========================================================
group               evidence        scenarios
==================  ==============  =========================================================
redelivery          probe.notify    redelivery
burst               probe.notify    burst.1, burst.2
ack                 probe.notify    ack
forged              probe.notify    forged.bad_signature / wrong_key / unsigned / other_sign_type
tampered            probe.notify    tampered.money_order / unknown_order / oid_partner
non_success         probe.notify    non_success.FAILURE / non_success.PROCESSING
sign_method         probe.notify    sign_method.other, sign_method.site
return              probe.return    return.web_form, return.wap_res_data
withdraw.other_card probe.withdraw  other_card, control
withdraw.over_bound probe.withdraw  over_bound, control, over_bound_cumulative
==================  ==============  =========================================================

Within a kind, scenarios run in the order listed (the notification groups longest first, so the
probe pool packs them well).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from golive.model import Text

NOTIFY = "probe.notify"
RETURN = "probe.return"
WITHDRAW = "probe.withdraw"
KINDS = (NOTIFY, RETURN, WITHDRAW)

BURSTS = 2  # two independent bursts: a check-then-act race must win in either to go unseen


class UnknownScenarioGroup(LookupError):
    """A scenario group nobody specified: a programming error (a typo in a check's ``probes``)."""


@dataclass(frozen=True)
class Scenario:
    """One experiment, on its own fresh order (or, for withdrawals, its own fresh user).

    ``correct``: every notification it sends is a correctly signed SUCCESS notification for its own
    order (so a refusal of all of them in a run points at the key, not the handler).
    ``control``: it sends something that must be refused, then its positive control -- a correct
    notification for the same order -- whose credit shows the refusal was the handler's choice.
    ``legitimate``: (withdrawals) a request the merchant must accept: the positive control.
    """

    name: str
    description: Text
    correct: bool = False
    control: bool = False
    legitimate: bool = False


@dataclass(frozen=True)
class ScenarioGroup:
    name: str
    kind: str
    title: Text
    scenarios: tuple[Scenario, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scenarios)


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


_WITHDRAW_CONTROL = Scenario("control", _t(
    "阳性对照：申请把已支付金额提现到支付卡 A（合法，应当受理）",
    "positive control: ask to withdraw the paid amount to the paying card A (legitimate, must be accepted)"),
    legitimate=True)

GROUPS: tuple[ScenarioGroup, ...] = (
    ScenarioGroup("redelivery", NOTIFY, _t("顺序重发", "sequential redelivery"), (
        Scenario("redelivery", _t("顺序重发同一通知", "the same notification re-sent in sequence"), correct=True),
    )),
    ScenarioGroup("burst", NOTIFY, _t("并发重复通知", "concurrent duplicates"), tuple(
        Scenario(f"burst.{n}", _t(f"第 {n} 组并发重复通知及一份迟到的重复通知",
                                  f"burst {n} of identical concurrent copies, then a late duplicate"), correct=True)
        for n in range(1, BURSTS + 1))),
    ScenarioGroup("ack", NOTIFY, _t("应答", "the acknowledgement"), (
        Scenario("ack", _t("正确签名的成功通知的应答", "the answer to a correctly signed SUCCESS notification"),
                 correct=True),
    )),
    ScenarioGroup("forged", NOTIFY, _t("伪造的通知", "forged notifications"), (
        Scenario("forged.bad_signature", _t("签名被改动一位", "one character of the signature changed"), control=True),
        Scenario("forged.wrong_key", _t("用错误的密钥签名", "signed with a key nobody trusts"), control=True),
        Scenario("forged.unsigned", _t("没有签名", "no signature at all"), control=True),
        Scenario("forged.other_sign_type", _t("声称另一种签名方式，且用不可信的密钥签名",
                                              "claims the other sign method, signed with an untrusted key"), control=True),
    )),
    ScenarioGroup("tampered", NOTIFY, _t("与订单不符的通知", "notifications not matching the order"), (
        Scenario("tampered.money_order", _t("金额 money_order 被改大（签名正确）", "money_order raised (correctly signed)"),
                 control=True),
        Scenario("tampered.unknown_order", _t("不存在的订单号 no_order（签名正确）",
                                              "an order number the merchant never issued (correctly signed)"), control=True),
        Scenario("tampered.oid_partner", _t("其他商户号 oid_partner（签名正确）",
                                            "another merchant's oid_partner (correctly signed)"), control=True),
    )),
    ScenarioGroup("non_success", NOTIFY, _t("非成功结果的通知", "non-SUCCESS notifications"), tuple(
        Scenario(f"non_success.{result}", _t(f"result_pay={result}（签名正确）", f"result_pay={result} (correctly signed)"),
                 control=True)
        for result in ("FAILURE", "PROCESSING"))),
    ScenarioGroup("sign_method", NOTIFY, _t("签名方式", "sign methods"), (
        Scenario("sign_method.other", _t("用另一种签名方式正确签名的通知", "a notification correctly signed with the other method"),
                 control=True),
        Scenario("sign_method.site", _t("用商户站配置的签名方式签名的通知", "a notification signed with the merchant-site method"),
                 correct=True),
    )),
    ScenarioGroup("return", RETURN, _t("伪造的同步返回", "forged synchronous returns"), (
        Scenario("return.web_form", _t("伪造的 Web 同步返回（表单 POST）", "a forged Web return (form POST)"), control=True),
        Scenario("return.wap_res_data", _t("伪造的 WAP 同步返回（res_data）", "a forged WAP return (res_data)"), control=True),
    )),
    ScenarioGroup("withdraw.other_card", WITHDRAW, _t("提现到非支付卡", "withdrawal to another card"), (
        Scenario("other_card", _t("用卡 A 支付后，申请把已支付金额提现到从未支付过的卡 B",
                                  "after paying with card A, ask to withdraw the paid amount to card B, which the user "
                                  "never paid with")),
        _WITHDRAW_CONTROL,
    )),
    ScenarioGroup("withdraw.over_bound", WITHDRAW, _t("超额提现", "withdrawal above the bound"), (
        Scenario("over_bound", _t("申请提现 支付 + 收益 + 0.01 到支付卡 A", "ask to withdraw paid + earnings + 0.01 to the paying card A")),
        _WITHDRAW_CONTROL,
        Scenario("over_bound_cumulative", _t(
            "阳性对照提现之后，同一用户再申请 收益 + 0.01（超过 支付 + 收益 − 已提现）",
            "after the control withdrawal, the same user asks for earnings + 0.01 more (above paid + earnings − "
            "already withdrawn)")),
    )),
)

_BY_NAME: dict[str, ScenarioGroup] = {g.name: g for g in GROUPS}
_SCENARIOS: dict[str, Scenario] = {s.name: s for g in GROUPS for s in g.scenarios}


def group(name: str) -> ScenarioGroup:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownScenarioGroup(f"unknown probe scenario group {name!r}; known: {', '.join(_BY_NAME)}") from None


def scenario(name: str) -> Scenario | None:
    return _SCENARIOS.get(name)


def describe(name: str) -> Text:
    """The bilingual description of scenario `name` (the name itself when unknown)."""
    found = _SCENARIOS.get(name)
    return found.description if found else Text(name, name)


def groups_of(kind: str) -> tuple[str, ...]:
    """Every group whose scenarios record into evidence `kind`."""
    return tuple(g.name for g in GROUPS if g.kind == kind)


def plan(kind: str, groups: Iterable[str]) -> tuple[str, ...]:
    """The scenario names of evidence `kind` to run for the wanted `groups`, in run order, each
    once (the withdrawal control serves both withdrawal groups; it is listed before the attempt that
    follows it). Unknown names raise."""
    wanted = {group(name).name for name in groups}
    names: list[str] = []
    for g in GROUPS:
        if g.kind == kind and g.name in wanted:
            names += [n for n in g.names if n not in names]
    return tuple(names)


def correct_scenarios() -> frozenset[str]:
    """The scenarios all of whose notifications are correct SUCCESS notifications for their order."""
    return frozenset(name for name, s in _SCENARIOS.items() if s.correct)

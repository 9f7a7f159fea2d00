"""LL-RSK-006 -- 认证支付 identity is sent and locked; repeat payers use their agreement (no_agree).

Background (protocol.md §3; S1 ``ToPayServlet`` comments, [1 SOURCE, official demo]):

* 认证支付 authenticates the card holder, so the merchant passes the user's verified identity --
  ``id_type``, ``id_no``, ``acct_name`` -- and sets ``flag_modify=1`` so the user cannot edit it on
  LianLian's page (``0``, the default, lets anyone pay with someone else's identity). Applies when
  the profile says ``identity_required`` (``golive profiles``).
* After the first successful payment LianLian returns a signed-agreement token ``no_agree`` (in the
  notification, or via the bind-list query, §7.2). Repeat payments by the same user send that
  ``no_agree`` instead of the card number; when ``no_agree`` is present LianLian ignores
  ``card_no``/``acct_name``/``id_no``/``id_type``, and the demo says never to send ``card_no``
  together with ``no_agree``.

The literal text ``null`` (any case) is blank here, as it is for the signer's old-demo rule
(protocol.md §2.1 step 2): LianLian's demo pages post ``null`` for an unset field, so a
``no_agree=null`` is no agreement and an ``id_no=null`` no identity.

The check follows users through the capture: a pay request maps ``no_order`` to ``user_id``, a
notification for that order teaches the user's ``no_agree``; a later request by the same user that
sends ``card_no`` (or nothing) instead of the known ``no_agree`` is flagged. State is bounded
(`MAX_USERS`, `MAX_ORDERS`).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Item,
    Judgement,
    Severity,
    Text,
)
from golive.lianlian import fields

META = CheckMeta(
    id="LL-RSK-006",
    item=Item.REVIEW_RISK,
    severity=Severity.HIGH,
    title=Text("认证支付传用户身份且 flag_modify=1；再次支付复用签约协议号 no_agree",
               "认证支付 sends the identity with flag_modify=1; repeat payments reuse no_agree"),
    rationale=Text(
        "认证支付要求商户传已实名的身份（id_type、id_no、acct_name）并锁定（flag_modify=1），否则用户可在收银台改成他人身份；再次支付应传首次支付返回的 no_agree，不要与 card_no 同时传。",
        "认证支付 needs the user's verified identity (id_type, id_no, acct_name) locked with flag_modify=1, otherwise "
        "the user can switch to someone else's identity on the cashier page; repeat payments send the no_agree from "
        "the first payment, never together with card_no.",
    ),
    remediation=Text(
        "每笔认证支付都传 id_type、id_no、acct_name 与 flag_modify=1；保存异步通知（或绑卡查询）返回的 no_agree，同一用户再次支付时只传 no_agree、不传 card_no。",
        "Send id_type, id_no, acct_name and flag_modify=1 on every 认证支付 request; store the no_agree from the "
        "notification (or the bind-list query) and send only no_agree, not card_no, on the user's next payment.",
    ),
    references=("guide 四 风控参数（签约协议号 no_agree）", "docs/protocol.md §3, §5.1, §7.2"),
    stream="captures",
)

def is_blank(value: Any) -> bool:
    """Absent, empty, whitespace -- or the literal text ``null`` in any case, which the old demo's
    sign rule drops too (golive.lianlian.sign.NullRule.OLD_DEMO): a demo page's unset field."""
    return fields.is_blank(value) or (isinstance(value, str) and len(value) == 4 and value.lower() == "null")


MAX_USERS = 50_000
MAX_ORDERS = 10_000  # a notification follows its request within minutes: recent orders suffice
_IDENTITY = ("id_type", "id_no", "acct_name")


class _User:
    __slots__ = ("payments", "first_line", "agree")

    def __init__(self, line: int) -> None:
        self.payments = 0
        self.first_line = line
        self.agree: str | None = None


class Judge(CaptureJudge):
    kinds = frozenset({"pay_request", "notify"})
    subject = Text("支付请求（异步通知用于跟踪 no_agree）", "pay requests (notifications tracked for no_agree)")

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.identity_required = ctx.profile.identity_required
        self.users: dict[str, _User] = {}
        self.order_user: OrderedDict[str, str] = OrderedDict()
        self.repeat_payments = 0
        self.state_full = 0

    def judge_record(self, record: CaptureRecord) -> bool | None:
        params = record.params or {}
        if record.kind == "notify":
            self._learn(params)
            return False  # notifications teach state; only pay requests are "judged"
        get = params.get
        agree = get("no_agree")
        if record.plain_params():
            # Plain values (CaptureRecord.plain_params) are blank exactly when falsy: the usual
            # request is decided here without _identity's questions.
            has_agree, has_card = bool(agree), bool(get("card_no"))
            if self.identity_required and not (get("flag_modify") == "1" and get("id_type") and get("id_no")
                                               and get("acct_name")):
                self._identity(record, params, has_agree)
        else:
            has_agree, has_card = not is_blank(agree), not is_blank(get("card_no"))
            if self.identity_required:
                self._identity(record, params, has_agree)
        if has_card and has_agree:
            self.report("card_and_agree", Text(
                "同时传了 card_no 与 no_agree；有 no_agree 时只传 no_agree（连连会忽略卡号与身份字段）",
                "card_no and no_agree are sent together; with no_agree send only no_agree (LianLian ignores the card and identity then)"),
                record, "card_no")
        self._repeat(record, params, agree if has_agree else None, has_card)
        return None

    def _identity(self, record: CaptureRecord, params: dict[str, Any], has_agree: bool) -> None:
        get = params.get
        if get("flag_modify") == "1" and get("id_type") and get("id_no") and get("acct_name"):
            # is_blank below also catches "  " and the literal "null"
            if not any(is_blank(get(name)) for name in _IDENTITY):
                return  # the usual case, decided without building anything
        missing = [name for name in _IDENTITY if is_blank(get(name))]
        if missing and not self.unlisted("identity_missing_with_agree" if has_agree else "identity_missing"):
            names = ", ".join(missing)
            if has_agree:
                self.report("identity_missing_with_agree", Text(
                    f"未传 {names}；带 no_agree 时连连会忽略身份字段（官方示例注释，单一来源），建议仍按认证支付要求传",
                    f"{names} not sent; with no_agree LianLian ignores the identity fields (demo comment, one source), "
                    "but 认证支付 asks for them"),
                    record, missing[0], severity=Severity.LOW, uncertain=True, missing=missing)
            else:
                self.report("identity_missing", Text(
                    f"认证支付请求未传用户身份 {names}", f"the 认证支付 request does not send the user's identity: {names}"),
                    record, missing[0], missing=missing)
        flag = params.get("flag_modify")
        if flag != "1" and not self.unlisted("flag_modify"):
            shown = "未传（默认 0）" if flag is None else repr(flag)
            shown_en = "not sent (default 0)" if flag is None else repr(flag)
            self.report("flag_modify", Text(
                f"flag_modify 应为 \"1\"（锁定姓名与证件号），实际 {shown}",
                f"flag_modify must be \"1\" (name and ID locked), got {shown_en}"),
                record, "flag_modify")

    def _learn(self, params: dict[str, Any]) -> None:
        order, agree = params.get("no_order"), params.get("no_agree")
        if not isinstance(order, str) or is_blank(agree) or not isinstance(agree, str):
            return
        user_id = self.order_user.get(order)
        user = self.users.get(user_id) if user_id else None
        if user is not None and user.agree is None:
            user.agree = agree

    def _repeat(self, record: CaptureRecord, params: dict[str, Any], agree: Any, has_card: bool) -> None:
        user_id, order = params.get("user_id"), params.get("no_order")
        if not isinstance(user_id, str) or not user_id:
            return
        user = self.users.get(user_id)
        if user is None:
            if len(self.users) >= MAX_USERS:
                self.state_full += 1
                return
            user = self.users[user_id] = _User(record.line)
        elif agree is None:
            self.repeat_payments += 1
            if user.agree is not None:
                self.report("agree_not_reused", Text(
                    f"该用户此前已获得 no_agree（首笔在第 {user.first_line} 行），再次支付却没有传 no_agree",
                    f"this user already has a no_agree (first payment on line {user.first_line}) but the repeat payment does not send it"),
                    record, "no_agree", severity=Severity.MEDIUM)
            elif has_card:
                self.report("card_again", Text(
                    f"同一用户再次支付（首笔在第 {user.first_line} 行）又传了 card_no；应保存首笔支付返回的 no_agree 并改传 no_agree",
                    f"a repeat payment by the same user (first on line {user.first_line}) sends card_no again; store the "
                    "no_agree returned by the first payment and send it instead"),
                    record, "card_no", severity=Severity.MEDIUM)
        user.payments += 1
        if agree is not None and user.agree is None:
            user.agree = agree
        if isinstance(order, str) and order:
            self.order_user[order] = user_id
            if len(self.order_user) > MAX_ORDERS:
                self.order_user.popitem(last=False)

    def summary(self) -> dict[str, Any]:
        return {"identity_required": self.identity_required, "users": len(self.users),
                "repeat_payments_without_no_agree": self.repeat_payments, "users_not_tracked": self.state_full}

    def finish(self) -> Judgement:
        return self.conclude(Text("检查认证支付身份字段与 no_agree 复用", "identity fields and no_agree reuse checked"))

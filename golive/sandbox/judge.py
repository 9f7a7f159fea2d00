"""Judging a merchant's request as LianLian would, and answering with LianLian's codes.

Each function looks at one concern and returns `Problem`s carrying the ret_code LianLian uses for
it (protocol.md §6, ``golive.lianlian.codes.RETURN_CODES``):

=====  ============================================================  ==================================
code   when                                                          source
=====  ============================================================  ==================================
1012   the body is not a form / JSON object / ``req_data`` JSON       §6 请求报文解析失败
3001   ``oid_partner`` is not the merchant golive.yaml describes      §6 非法商户
1008   page origin or server IP not registered (报备)                 §1, §10, guide §六
1004   a parameter is missing or malformed (its name in ret_msg)      §3, §6
1001   ``sign`` does not verify (MD5 key / merchant public key)       §2, §6
9910   ``risk_item`` missing, not a JSON string, or wrong for the     §4, §6 (risk rejection is 9910,
       merchant's profile (required fields, formats, category)       not 1003: protocol.md §11.5)
1019   one payment above the stage's limit (10 CNY in integration)   guide §七, §10
1014   a user's payments today above the daily limit                 guide §七, §6
=====  ============================================================  ==================================

Every problem found is kept (the journal shows them all); the answer is the first one in the
order above. Which null rule LianLian's server applies to literal ``"null"`` values is UNCERTAIN
(§2.1): the sandbox accepts a signature under either rule and records which one matched, so a
check can flag it. The sandbox does not judge what LianLian cannot see either: the merchant's
private key, its books, its return page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping
from urllib.parse import urlsplit

from golive.lianlian.codes import APP_REQUEST, BUSI_PARTNERS, ID_TYPES, RETURN_CODES
from golive.lianlian.validators import CST, ValidationContext, ip_underscore
from golive.sandbox.settings import SandboxSettings, is_loopback_host

TIMESTAMP_TOLERANCE = timedelta(minutes=30)  # protocol.md §3: within 30 min of LianLian time
MAX_AMOUNT = Decimal("100000000.00")
_AMOUNT = re.compile(r"(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?")
_DIGITS14 = re.compile(r"[0-9]{14}")


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a request: LianLian's code, the field it is about, and why."""

    code: str
    field: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass
class Judgement:
    """Everything found about one request; `code` and `ret_msg` are what the sandbox answers."""

    problems: list[Problem] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def code(self) -> str:
        return self.problems[0].code if self.problems else "0000"

    @property
    def ret_msg(self) -> str:
        return ret_msg(self.code, self.problems[0].field if self.problems else None)

    def add(self, code: str, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(code, field_name, message))

    def to_detail(self) -> dict[str, Any]:
        out = dict(self.detail)
        out["problems"] = [p.to_dict() for p in self.problems]
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def ret_msg(code: str, field_name: str | None = None) -> str:
    """LianLian's message for `code`; 1004 names the parameter, as LianLian's does."""
    if code == "1004":
        return f"商户请求参数校验错误[{field_name}]" if field_name else "商户请求参数校验错误"
    return RETURN_CODES.get(code, "交易失败")


def now_cst() -> datetime:
    return datetime.now(CST)


# -- merchant and source ---------------------------------------------------------------------------

def judge_merchant(judgement: Judgement, params: Mapping[str, str], settings: SandboxSettings) -> None:
    oid = params.get("oid_partner")
    if not oid:
        judgement.add("1004", "oid_partner", "oid_partner is missing")
    elif oid != settings.oid_partner:
        judgement.add("3001", "oid_partner",
                      f"oid_partner {oid} is not the merchant this sandbox plays LianLian for ({settings.oid_partner})")


def page_origin(origin: str | None, referer: str | None) -> tuple[str | None, str]:
    """The host a browser POST came from: Origin, else Referer (and which header said so)."""
    for name, value in (("Origin", origin), ("Referer", referer)):
        if value and value != "null":
            host = urlsplit(value).hostname
            if host:
                return host.lower(), name
    return None, "none"


def judge_source(judgement: Judgement, settings: SandboxSettings, *, server_api: bool, host: str | None,
                 via: str) -> None:
    """1008 unless the page's domain (redirect products) or the caller's IP (server APIs) is registered.

    `host` is the page's host (Origin/Referer, `via` says which) or the client IP for server APIs.
    """
    if host is None:
        judgement.detail["source"] = {"host": None, "registered": None, "via": via,
                                      "note": "no Origin or Referer: the page's domain could not be judged"}
        return
    stands_for = None
    if is_loopback_host(host):
        stands_for = settings.as_ip if server_api else settings.as_domain
    judged = (stands_for or host).lower()
    registered_set = settings.registered_ips if server_api else settings.registered_domains
    registered = settings.unrestricted or judged in registered_set
    source: dict[str, Any] = {"host": host, "via": via, "judged_as": judged, "registered": registered}
    if stands_for:
        source["note"] = f"loopback stands for {stands_for}"
    judgement.detail["source"] = source
    if not registered:
        what = "server IP" if server_api else "page domain"
        listed = "registration.server_ips" if server_api else "registration.domains"
        judgement.add("1008", None, f"{what} {judged} is not registered (报备); golive.yaml {listed}: "
                                    f"{', '.join(sorted(registered_set)) or 'empty'}")


# -- signature -------------------------------------------------------------------------------------

def judge_signature(judgement: Judgement, params: Mapping[str, Any], settings: SandboxSettings, *,
                    exclude: frozenset[str] = frozenset(), rsa_only: bool = False) -> None:
    """1001 unless ``sign`` verifies with the key the merchant configured for its ``sign_type``."""
    from golive.lianlian.sign import verify_message

    sign_type = params.get("sign_type")
    if not sign_type:
        judgement.add("1004", "sign_type", "sign_type is missing")
        return
    if sign_type not in ("MD5", "RSA"):
        judgement.add("1004", "sign_type", f"sign_type {str(sign_type)[:10]!r} is neither MD5 nor RSA")
        return
    if rsa_only and sign_type != "RSA":
        judgement.add("1004", "sign_type", "payouts (实时付款) accept RSA signatures only (guide §十)")
        return
    if not params.get("sign"):
        judgement.add("1004", "sign", "sign is missing")
        return
    signed = {k: v for k, v in params.items() if k not in exclude} if exclude else params
    if sign_type == "MD5" and not settings.md5_key:
        judgement.detail["sign"] = {"sign_type": "MD5", "ok": False, "reason": "no MD5 key configured"}
        judgement.add("1001", "sign", "MD5-signed, but the merchant site has no MD5 key (golive.yaml signing.md5_key)")
        return
    if sign_type == "RSA" and settings.merchant_public_key is None:
        judgement.detail["sign"] = {"sign_type": "RSA", "ok": False, "reason": "no public key uploaded"}
        judgement.add("1001", "sign", "RSA-signed, but no merchant public key was uploaded "
                                      "(golive.yaml signing.rsa_public_key)")
        return
    result = verify_message(signed, md5_key=settings.md5_key if sign_type == "MD5" else None,
                            public_key=settings.merchant_public_key if sign_type == "RSA" else None)
    judgement.detail["sign"] = {"sign_type": sign_type, "ok": result.ok, "null_rule": result.null_rule.value,
                                "reason": result.reason, "excluded": sorted(exclude) or None}
    if not result.ok:
        judgement.add("1001", "sign", result.reason)


# -- parameters ------------------------------------------------------------------------------------

def amount_problem(value: str | None) -> str | None:
    if not value:
        return "is missing"
    if not _AMOUNT.fullmatch(value):
        return "must be yuan with at most 2 decimals (e.g. 49.65)"
    amount = Decimal(value)
    if amount <= 0 or amount > MAX_AMOUNT:
        return "must be > 0 and at most 100000000.00"
    return None


def url_problem(value: str, limit: int) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http(s) URL"
    if len(value) > limit:
        return f"is {len(value)} characters; at most {limit}"
    return None


def datetime14_problem(value: str) -> str | None:
    if not _DIGITS14.fullmatch(value):
        return "must be 14 digits yyyyMMddHHmmss"
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return "is not a real date and time"
    return None


PAY_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "web": ("version", "oid_partner", "user_id", "busi_partner", "no_order", "dt_order", "name_goods",
            "money_order", "notify_url", "timestamp", "userreq_ip"),
    "wap": ("version", "oid_partner", "user_id", "busi_partner", "no_order", "dt_order", "name_goods",
            "money_order", "notify_url", "app_request"),
    "app": ("oid_partner", "user_id", "busi_partner", "no_order", "dt_order", "name_goods", "money_order",
            "notify_url"),
}
"""Required 认证支付 parameters per channel (protocol.md §3; risk_item is judged as a risk matter)."""
_LENGTHS = {"user_id": 32, "no_order": 32, "name_goods": 40, "info_order": 255, "url_order": 255}


def judge_pay_params(judgement: Judgement, params: Mapping[str, Any], channel: str, now: datetime) -> None:
    """1004 for each missing or malformed 认证支付 parameter (protocol.md §3)."""
    for name in PAY_REQUIRED[channel]:
        if not params.get(name):
            judgement.add("1004", name, f"{name} is required")
    for name, value in params.items():
        if value is not None and not isinstance(value, str):
            if name == "risk_item":
                continue  # a nested risk_item object is a risk matter (9910)
            judgement.add("1004", name, f"{name} must be a string (got a JSON {type(value).__name__})")
    text = {k: v for k, v in params.items() if isinstance(v, str) and v}
    for name, limit in _LENGTHS.items():
        if name in text and len(text[name]) > limit:
            judgement.add("1004", name, f"{name} is {len(text[name])} characters; at most {limit}")
    if "busi_partner" in text and text["busi_partner"] not in BUSI_PARTNERS:
        judgement.add("1004", "busi_partner", f"busi_partner {text['busi_partner'][:10]!r} is not a known code")
    if "dt_order" in text:
        problem = datetime14_problem(text["dt_order"])
        if problem:
            judgement.add("1004", "dt_order", f"dt_order {problem}")
    if "money_order" in text:
        problem = amount_problem(text["money_order"])
        if problem:
            judgement.add("1004", "money_order", f"money_order {problem}")
    for name, limit in (("notify_url", 128), ("url_return", 128)):
        if name in text:
            problem = url_problem(text[name], limit)
            if problem:
                judgement.add("1004", name, f"{name} {problem}")
    if channel == "web" and "timestamp" in text:
        problem = datetime14_problem(text["timestamp"])
        if problem is None:
            stamp = datetime.strptime(text["timestamp"], "%Y%m%d%H%M%S").replace(tzinfo=CST)
            if abs(stamp - now) > TIMESTAMP_TOLERANCE:
                problem = "is more than 30 minutes from LianLian's time (Beijing time)"
        if problem:
            judgement.add("1004", "timestamp", f"timestamp {problem}")
    if "userreq_ip" in text:
        ip_problem = ip_underscore(text["userreq_ip"], ValidationContext(now=now))
        if ip_problem:
            judgement.add("1004", "userreq_ip", f"userreq_ip: {ip_problem.en}")
    if "app_request" in text and text["app_request"] not in APP_REQUEST:
        judgement.add("1004", "app_request", "app_request must be 1 (Android), 2 (iOS) or 3 (WAP)")
    if "valid_order" in text and not text["valid_order"].isdigit():
        judgement.add("1004", "valid_order", "valid_order is a number of minutes")
    if "id_type" in text and text["id_type"] not in ID_TYPES:
        judgement.add("1004", "id_type", f"id_type {text['id_type'][:4]!r} is not a known code")
    if "flag_modify" in text and text["flag_modify"] not in ("0", "1"):
        judgement.add("1004", "flag_modify", "flag_modify is 0 or 1")
    if text.get("card_no") and text.get("no_agree"):
        judgement.notes.append("card_no and no_agree both sent: LianLian ignores card_no when no_agree is "
                               "present; send only no_agree (protocol.md §3)")
    missing_identity = [f for f in ("id_no", "acct_name") if not text.get(f)]
    if missing_identity or text.get("flag_modify") != "1":
        judgement.notes.append("认证支付 expects the user's identity (id_type, id_no, acct_name) with "
                               "flag_modify=1 (protocol.md §3)")


# -- risk ------------------------------------------------------------------------------------------

def judge_risk(judgement: Judgement, params: Mapping[str, Any], settings: SandboxSettings, now: datetime) -> None:
    """9910 when risk_item is missing, not a JSON string of strings, or wrong for the profile (§4)."""
    from golive.lianlian.validators import validate
    from golive.profile import load_profile

    raw = params.get("risk_item")
    info: dict[str, Any] = {}
    judgement.detail["risk_item"] = info
    if raw is None or raw == "":
        info["present"] = False
        judgement.add("9910", "risk_item", "risk_item is missing: LianLian's risk control rejects orders "
                                           "without risk parameters (protocol.md §4)")
        return
    info["present"] = True
    if not isinstance(raw, str):
        info["nested_object"] = True
        judgement.add("9910", "risk_item", "risk_item must be a JSON *string*, not a nested object (§2.1 step 5)")
        return
    try:
        risk = json.loads(raw)
    except ValueError:
        judgement.add("9910", "risk_item", "risk_item is not valid JSON")
        return
    if not isinstance(risk, dict):
        judgement.add("9910", "risk_item", "risk_item must hold a JSON object")
        return
    info["fields"] = sorted(risk)
    non_strings = sorted(k for k, v in risk.items() if not isinstance(v, str))
    if non_strings:
        info["non_string"] = non_strings
        judgement.add("9910", non_strings[0], f"risk_item values must be strings: {', '.join(non_strings)}")
    profile = load_profile(settings.profile)
    missing = [f for f in profile.required_fields if not str(risk.get(f) or "").strip()]
    info["profile"] = profile.name
    info["missing"] = missing
    if missing:
        judgement.add("9910", missing[0], f"risk_item lacks what profile {profile.name} requires: {', '.join(missing)}")
    ctx = ValidationContext(now=now)
    format_errors: dict[str, str] = {}
    for name, format_name in profile.formats.items():
        value = risk.get(name)
        if not isinstance(value, str) or not value:
            continue
        problem = validate(format_name, value, ctx)
        if problem is None:
            continue
        if problem.uncertain:
            judgement.notes.append(f"risk_item.{name}: {problem.en}")
        else:
            format_errors[name] = problem.en
    if format_errors:
        info["format_errors"] = format_errors
        first = next(iter(format_errors))
        judgement.add("9910", first, f"risk_item.{first}: {format_errors[first]}")
    category = risk.get("frms_ware_category")
    if settings.frms_ware_category and isinstance(category, str) and category and category != settings.frms_ware_category:
        judgement.add("9910", "frms_ware_category", f"frms_ware_category {category} is not the category LianLian "
                                                    f"assigned ({settings.frms_ware_category})")
    if profile.identity_required and params.get("id_no") and isinstance(risk.get("user_info_id_no"), str):
        if risk["user_info_id_no"] and risk["user_info_id_no"] != params.get("id_no"):
            judgement.notes.append("risk_item.user_info_id_no differs from id_no")


# -- limits ----------------------------------------------------------------------------------------

def judge_limits(judgement: Judgement, settings: SandboxSettings, amount_text: str | None, paid_today: Decimal) -> None:
    """1019 over the single-payment limit, 1014 over the daily one (guide §七: 10 CNY in integration)."""
    try:
        amount = Decimal(amount_text or "")
    except InvalidOperation:
        return  # already a 1004
    if settings.single_limit is not None and amount > settings.single_limit:
        judgement.add("1019", "money_order", f"{amount} CNY is over the {settings.environment} single-payment "
                                             f"limit of {settings.single_limit} CNY")
    elif settings.daily_limit is not None and paid_today + amount > settings.daily_limit:
        judgement.add("1014", "money_order", f"this user's payments today would reach {paid_today + amount} CNY, "
                                             f"over the daily limit of {settings.daily_limit} CNY")

"""Format validators for LianLian request and ``risk_item`` values (LL-RSK-003, profiles).

Each validator takes the value as transmitted (a string) and a `ValidationContext` and returns
``None`` when the value is acceptable, or a `Problem`: a bilingual `Text` (zh, en) saying briefly
what is wrong, with ``uncertain=True`` when the rule rests on a fact protocol.md marks UNCERTAIN
(the finding then says so and uses a lower severity). Problems never repeat the value itself:
callers show it redacted (golive.redact).

`FORMATS` maps a format name (used in ``profiles/*.yaml`` under ``risk_item.formats``; the profile
loader rejects unknown names) to its validator; `FORMAT_DESCRIPTIONS` says in both languages what
each format accepts (``golive profiles NAME``).

Validators are pure functions of the value and the run's `ValidationContext` (fixed for a run), so a
caller may remember values it has seen accepted. `FAST_ACCEPT` holds C-level shortcuts.

Sources (protocol.md):
* Dates (§4.6): ``user_info_dt_register`` is 14-digit ``yyyyMMddHHmmss`` [2+ SOURCES]; merchants
  have sent epoch milliseconds (``1499244264000``) and a 15-digit typo (``201407251110120``, from an
  SDK demo) -- both invalid, and the messages name these mistakes. ``dt_flight`` is ``yyyyMMdd``;
  hotel and tourism times are 14-digit and may lie in the future (``datetime14_any``).
  "Not in the future" allows `ValidationContext.future_tolerance` (30 minutes, LianLian's own
  tolerance for ``timestamp``, §3) because merchant clocks drift. Times are Beijing time (UTC+8).
* Mobiles (§4.6): 11-digit mainland numbers in every example; no explicit rule found, so a
  non-matching number is reported as UNCERTAIN. ``passenger_phone`` may mask its last four digits
  with ``*`` (§4.4) -- the only field where masking is allowed (``mobile_masked``).
* Resident ID numbers (§3, §4.3): GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check character
  (``0-9`` or ``X``), a valid birth date, a known province code; 15-digit numbers (pre-1999 cards)
  with a valid ``yyMMdd`` birth date (19yy).
* Code sets (§3, §4): from `golive.lianlian.codes`, which records each set's confidence.
* ``frms_ware_category`` (§4.5): 4 digits; the list of codes is a third-party transcription
  [UNCERTAIN], so an unlisted code is an uncertain problem, not a hard one.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from operator import mul
from typing import Callable, Mapping

from golive.lianlian import codes
from golive.model import Text

__all__ = [
    "CST",
    "FORMATS",
    "FAST_ACCEPT",
    "FORMAT_DESCRIPTIONS",
    "Problem",
    "ValidationContext",
    "Validator",
    "gb11643_check_char",
    "outcome",
    "outcomes",
    "quick_acceptors",
    "validate",
]

CST = timezone(timedelta(hours=8), "CST")
"""LianLian works in Beijing time (protocol.md §3: ``timestamp`` within 30 min of UTC+8)."""


@dataclass(frozen=True)
class Problem(Text):
    """Why a value is not acceptable (bilingual). `uncertain`: the rule is UNCERTAIN in protocol.md."""

    uncertain: bool = False


@dataclass(frozen=True)
class ValidationContext:
    """What validators may depend on besides the value: the time of the run."""

    now: datetime
    future_tolerance: timedelta = timedelta(minutes=30)
    latest14: str = field(init=False, repr=False)
    today8: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        now = self.now if self.now.tzinfo else self.now.replace(tzinfo=timezone.utc)
        latest = (now + self.future_tolerance).astimezone(CST)
        # 14-digit timestamps compare correctly as strings, which keeps the per-record cost tiny.
        object.__setattr__(self, "latest14", latest.strftime("%Y%m%d%H%M%S"))
        object.__setattr__(self, "today8", latest.strftime("%Y%m%d"))


Validator = Callable[[str, ValidationContext], "Problem | None"]


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


# --- dates ------------------------------------------------------------------------------------

def _real_datetime(value: str) -> Problem | None:
    try:
        datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                 int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return Problem("不是真实存在的日期时间（如 2 月 30 日、25 时）",
                       "not a real date and time (e.g. 30 February or hour 25)")
    return None


def _datetime14_shape(value: str) -> Problem | None:
    if _digits(value):
        n = len(value)
        if n == 14:
            return None
        if n == 13 and value[0] == "1":
            return Problem("看起来是毫秒时间戳（13 位），应为 yyyyMMddHHmmss 14 位数字",
                           "looks like epoch milliseconds (13 digits); expected 14-digit yyyyMMddHHmmss")
        if n == 10 and value[0] == "1":
            return Problem("看起来是秒级时间戳（10 位），应为 yyyyMMddHHmmss 14 位数字",
                           "looks like epoch seconds (10 digits); expected 14-digit yyyyMMddHHmmss")
        if n == 15:
            return Problem("15 位数字，多了一位（SDK 示例里的笔误 201407251110120 就是这样）；应为 14 位 yyyyMMddHHmmss",
                           "15 digits, one too many (the typo 201407251110120 from an SDK demo); "
                           "expected 14-digit yyyyMMddHHmmss")
        if n == 8:
            return Problem("只有日期（8 位）；应为 14 位 yyyyMMddHHmmss，补上时分秒",
                           "date only (8 digits); expected 14-digit yyyyMMddHHmmss including the time")
        return Problem(f"{n} 位数字；应为 14 位 yyyyMMddHHmmss", f"{n} digits; expected 14-digit yyyyMMddHHmmss")
    if any(sep in value for sep in "-/: T"):
        return Problem("含分隔符；应为不带分隔符的 14 位数字 yyyyMMddHHmmss",
                       "contains separators; expected 14 plain digits yyyyMMddHHmmss")
    return Problem("应为 14 位数字 yyyyMMddHHmmss", "expected 14 digits yyyyMMddHHmmss")


def datetime14(value: str, ctx: ValidationContext) -> Problem | None:
    """yyyyMMddHHmmss, a real date and time, not in the future (Beijing time, with tolerance)."""
    problem = _datetime14_shape(value) or _real_datetime(value)
    if problem:
        return problem
    if value > ctx.latest14:
        return Problem("时间在未来（晚于本次检查时间，按北京时间）", "lies in the future (after the time of this run, Beijing time)")
    return None


def datetime14_any(value: str, ctx: ValidationContext) -> Problem | None:
    """yyyyMMddHHmmss and a real date and time; future times allowed (arrival, show time)."""
    return _datetime14_shape(value) or _real_datetime(value)


def date8(value: str, ctx: ValidationContext) -> Problem | None:
    """yyyyMMdd and a real date (flight dates may lie in the future)."""
    if not (_digits(value) and len(value) == 8):
        return Problem("应为 8 位数字 yyyyMMdd", "expected 8 digits yyyyMMdd")
    try:
        date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return Problem("不是真实存在的日期", "not a real date")
    return None


# --- phones, IDs ------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_MASKED = re.compile(r"1[3-9][0-9]{5}(?:[0-9]{4}|\*{4})")
_PHONE = re.compile(r"[0-9+()\- ]{5,24}")


def _mobile_hint(value: str) -> Problem:
    compact = value.replace(" ", "").replace("-", "")
    if compact.startswith(("+86", "0086", "86")) and _MOBILE.fullmatch(compact[-11:] or ""):
        return Problem("带有国家码；只填 11 位手机号", "carries a country code; send the 11-digit number only", uncertain=True)
    if "*" in value:
        return Problem("手机号被掩码；本字段须传完整号码（只有 passenger_phone 可掩码后四位）",
                       "the number is masked; this field needs the full number (only passenger_phone may mask the last four)")
    return Problem("不是 11 位大陆手机号（1[3-9] 开头）；协议未写明格式规则，所有示例均为 11 位",
                   "not an 11-digit mainland mobile (1[3-9]...); the protocol states no rule, every example is 11 digits",
                   uncertain=True)


def mobile(value: str, ctx: ValidationContext) -> Problem | None:
    """11-digit mainland mobile, 1[3-9] followed by nine digits."""
    return None if _MOBILE.fullmatch(value) else _mobile_hint(value)


def mobile_masked(value: str, ctx: ValidationContext) -> Problem | None:
    """11-digit mainland mobile whose last four digits may be ``****`` (passenger_phone, §4.4)."""
    if _MOBILE_MASKED.fullmatch(value):
        return None
    return Problem("不是 11 位大陆手机号（后四位可用 **** 掩码）",
                   "not an 11-digit mainland mobile (the last four may be masked as ****)", uncertain=True)


def phone(value: str, ctx: ValidationContext) -> Problem | None:
    """A telephone number (landline or mobile): digits with optional + - ( ) and spaces."""
    if _PHONE.fullmatch(value) and sum(c.isdigit() for c in value) >= 5:
        return None
    return Problem("不是电话号码（数字，可含 + - ( ) 空格）", "not a telephone number (digits, optionally + - ( ) and spaces)")


_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"
# Province-level codes of GB/T 2260 (+ 71 Taiwan, 81/82 HK/Macau and 83 Taiwan residence permits);
# numbers beginning with 9 are the 2017+ permanent residence permits for foreigners.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def gb11643_check_char(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    return _GB11643_CHECK[sum(map(mul, map(int, first17), _GB11643_WEIGHTS)) % 11]


def _birth_problem(birth8: str, ctx: ValidationContext) -> Problem | None:
    year = int(birth8[:4])
    try:
        date(year, int(birth8[4:6]), int(birth8[6:8]))
    except ValueError:
        return Problem("出生日期部分不是真实日期", "the birth-date part is not a real date")
    if year < 1900 or birth8 > ctx.today8:
        return Problem("出生日期不合理（早于 1900 年或在未来）", "implausible birth date (before 1900 or in the future)")
    return None


def id_number(value: str, ctx: ValidationContext) -> Problem | None:
    """Resident ID number: 18 characters with a valid GB 11643 check character, or 15 digits."""
    n = len(value)
    if n == 18:
        first17, check = value[:17], value[17]
        if not _digits(first17) or check not in "0123456789Xx":
            return Problem("18 位身份证号前 17 位须为数字、末位为数字或 X", "an 18-character ID number is 17 digits plus a digit or X")
        if first17[:2] not in _PROVINCES and first17[0] != "9":
            return Problem("前两位不是有效的省级行政区划代码", "the first two digits are not a province code")
        problem = _birth_problem(first17[6:14], ctx)
        if problem:
            return problem
        if gb11643_check_char(first17) != check.upper():
            return Problem("校验位错误（GB 11643 MOD 11-2），号码有误或被截断/篡改",
                           "wrong check character (GB 11643 MOD 11-2): the number is mistyped or altered")
        return None
    if n == 15:
        if not _digits(value):
            return Problem("15 位旧身份证号应全为数字", "a 15-digit (old) ID number is all digits")
        if value[:2] not in _PROVINCES:
            return Problem("前两位不是有效的省级行政区划代码", "the first two digits are not a province code")
        return _birth_problem("19" + value[6:12], ctx)
    return Problem(f"身份证号应为 18 位（旧证 15 位），实际 {n} 位", f"an ID number has 18 characters (15 for old cards), got {n}")


# --- codes ------------------------------------------------------------------------------------

def _code_set(code_set: Mapping[str, str], name: str, uncertain: bool = False) -> Validator:
    allowed = frozenset(code_set)
    listing = ", ".join(sorted(allowed, key=lambda c: (len(c), c)))

    def validate(value: str, ctx: ValidationContext) -> Problem | None:
        if value in allowed:
            return None
        return Problem(f"不在 {name} 的取值范围内（{listing}）", f"not a valid {name} code (allowed: {listing})", uncertain)

    validate.__name__ = name
    validate.__doc__ = f"One of {listing}."
    return validate


def category_code(value: str, ctx: ValidationContext) -> Problem | None:
    """4 digits; unlisted codes are an UNCERTAIN problem (the list is a third-party transcription)."""
    if not (_digits(value) and len(value) == 4):
        return Problem("frms_ware_category 应为 4 位数字类目代码", "frms_ware_category is a 4-digit category code")
    if value in codes.FRMS_WARE_CATEGORIES or value in codes.FRMS_WARE_CATEGORIES_SEEN_UNLISTED:
        return None
    return Problem("不在已知类目列表中（该列表来自第三方转录，不确定）；请以连连分配的类目为准",
                   "not in the known category list (a third-party transcription, UNCERTAIN); "
                   "use the category LianLian assigned", uncertain=True)


# --- network, money ---------------------------------------------------------------------------

_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


def ip(value: str, ctx: ValidationContext) -> Problem | None:
    """An IPv4 or IPv6 address (dotted, as the end user's IP)."""
    if _IPV4.fullmatch(value):  # the common case, without ipaddress' slower parser
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if "_" in value:
            return Problem("用了下划线；风控参数里的 IP 用点分格式（只有 userreq_ip 用下划线）",
                           "uses underscores; risk_item IPs are dotted (only userreq_ip uses underscores)")
        return Problem("不是 IP 地址", "not an IP address")
    return None


def ip_underscore(value: str, ctx: ValidationContext) -> Problem | None:
    """An IPv4 address with ``.`` replaced by ``_`` (``userreq_ip``, e.g. 122_11_37_211)."""
    if "." not in value and _IPV4.fullmatch(value.replace("_", ".")):
        return None
    try:
        ipaddress.IPv4Address(value.replace("_", "."))
    except ValueError:
        return Problem("应为把点换成下划线的 IPv4 地址（如 122_11_37_211）",
                       "expected an IPv4 address with '.' replaced by '_' (e.g. 122_11_37_211)")
    if "." in value:
        return Problem("userreq_ip 须把点换成下划线（如 122_11_37_211）", "userreq_ip must use '_' instead of '.' (e.g. 122_11_37_211)")
    return None


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def email(value: str, ctx: ValidationContext) -> Problem | None:
    """An e-mail address (name@domain.tld)."""
    return None if _EMAIL.fullmatch(value) else Problem("不是电子邮箱地址", "not an e-mail address")


_AMOUNT = re.compile(r"(0|[1-9][0-9]{0,10})(\.[0-9]{1,2})?")


def amount(value: str, ctx: ValidationContext) -> Problem | None:
    """Yuan with at most 2 decimals, greater than 0 (e.g. 49.65)."""
    if not _AMOUNT.fullmatch(value):
        return Problem("金额应为元、最多两位小数（如 49.65）", "expected yuan with at most 2 decimals (e.g. 49.65)")
    if float(value) <= 0:
        return Problem("金额必须大于 0", "the amount must be greater than 0")
    return None


def count(value: str, ctx: ValidationContext) -> Problem | None:
    """A positive whole number (goods_count)."""
    if _digits(value) and value[0] != "0":
        return None
    return Problem("应为正整数", "expected a positive whole number")


def text(value: str, ctx: ValidationContext) -> Problem | None:
    """Any non-empty text."""
    return None if value.strip() else Problem("为空或只有空白", "empty or blank")


_ZERO_ONE = {"0": "0", "1": "1"}
_POSITIVE_AMOUNT = re.compile(r"(?:[1-9][0-9]{0,10}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?))")
_COUNT = re.compile(r"[1-9][0-9]*")

FORMATS: dict[str, Validator] = {
    "datetime14": datetime14,
    "datetime14_any": datetime14_any,
    "date8": date8,
    "mobile": mobile,
    "mobile_masked": mobile_masked,
    "phone": phone,
    "id_number": id_number,
    "category_code": category_code,
    "id_type": _code_set(codes.ID_TYPES, "id_type"),
    "identify_state": _code_set(codes.IDENTIFY_STATES, "identify_state"),
    "identify_type": _code_set(codes.IDENTIFY_TYPES, "identify_type"),
    "client_chnl": _code_set(codes.CLIENT_CHANNELS, "frms_client_chnl"),
    "logistics_mode": _code_set(codes.LOGISTICS_MODES, "logistics_mode"),
    "delivery_cycle": _code_set(codes.DELIVERY_CYCLES, "delivery_cycle"),
    "user_type": _code_set(codes.USER_TYPES, "user_info_mercht_usertype"),
    "game_id_belongs": _code_set(codes.GAME_ID_BELONGS, "game_id_belongs"),
    "app_request": _code_set(codes.APP_REQUEST, "app_request"),
    "busi_partner": _code_set(codes.BUSI_PARTNERS, "busi_partner"),
    "zero_one": _code_set(_ZERO_ONE, "0/1"),
    "ip": ip,
    "ip_underscore": ip_underscore,
    "email": email,
    "amount": amount,
    "count": count,
    "text": text,
}
"""Format name (as written in profiles) -> validator."""

_FAST_SETS: dict[str, frozenset[str]] = {
    **{name: frozenset(table) for name, table in (
        ("id_type", codes.ID_TYPES), ("identify_state", codes.IDENTIFY_STATES), ("identify_type", codes.IDENTIFY_TYPES),
        ("client_chnl", codes.CLIENT_CHANNELS), ("logistics_mode", codes.LOGISTICS_MODES),
        ("delivery_cycle", codes.DELIVERY_CYCLES), ("user_type", codes.USER_TYPES),
        ("game_id_belongs", codes.GAME_ID_BELONGS), ("app_request", codes.APP_REQUEST),
        ("busi_partner", codes.BUSI_PARTNERS), ("zero_one", _ZERO_ONE))},
    "category_code": frozenset(codes.FRMS_WARE_CATEGORIES) | codes.FRMS_WARE_CATEGORIES_SEEN_UNLISTED,
}
_FAST_PATTERNS: dict[str, re.Pattern[str]] = {
    "mobile": _MOBILE, "mobile_masked": _MOBILE_MASKED, "ip": _IPV4, "email": _EMAIL, "amount": _POSITIVE_AMOUNT,
    "count": _COUNT,
}

FAST_ACCEPT: dict[str, Callable[[str], object]] = {
    **{name: table.__contains__ for name, table in _FAST_SETS.items()},
    **{name: pattern.fullmatch for name, pattern in _FAST_PATTERNS.items()},
}
"""Cheap acceptance tests (C-level set lookups and regexes) for formats that have one: a truthy
answer means the validator would accept the value too; a falsy one means "ask the validator" for
the verdict and its reason. LL-RSK-003 judges 100,000-record captures with them, calling Python
validators only for the formats below that need arithmetic (dates, ID check digits)."""

# A date every month has (days 01-28, year 0001-9999: what `datetime` accepts), and a time of day.
_EASY_DATE8 = r"(?!0000)[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"
_EASY_DATETIME14 = re.compile(_EASY_DATE8 + r"(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]")


def _or_empty(pattern: str) -> Callable[[str], object]:
    return re.compile(f"(?:{pattern})?").fullmatch


def quick_acceptors(ctx: ValidationContext) -> dict[str, Callable[[str], object]]:
    """Per format, a test that is truthy for ``""`` and for every value `FAST_ACCEPT` accepts, and
    for the times and dates of the usual shape (days up to 28, which every month has; for
    ``datetime14`` no later than ``ctx.latest14``): truthy means the validator would accept the
    value (or it is empty, which is blank and never validated); falsy means "ask the validator".

    Only for exact `str` values (not a saved masked value). They let a caller test a whole record's
    values in one C-level pass (``all(map(operator.call, tests, values))``), absent fields as ``""``.
    """
    quick: dict[str, Callable[[str], object]] = {
        name: (table | {""}).__contains__ for name, table in _FAST_SETS.items()}
    quick.update({name: _or_empty(pattern.pattern) for name, pattern in _FAST_PATTERNS.items()})
    latest, easy = ctx.latest14, _EASY_DATETIME14.fullmatch

    def datetime14_quick(value: str) -> bool:
        # 14-digit strings compare as the times they spell (ValidationContext.latest14)
        return not value or (value <= latest and easy(value) is not None)

    quick["datetime14"] = datetime14_quick
    quick["ip_underscore"] = _or_empty(_IPV4.pattern.replace(r"\.", "_"))  # userreq_ip: 122_11_37_211
    quick["datetime14_any"] = _or_empty(_EASY_DATETIME14.pattern)
    quick["date8"] = _or_empty(_EASY_DATE8)
    return quick


FORMAT_DESCRIPTIONS: dict[str, Text] = {
    "datetime14": Text("14 位 yyyyMMddHHmmss，真实存在且不晚于当前时间（北京时间）",
                       "14-digit yyyyMMddHHmmss, a real time, not in the future (Beijing time)"),
    "datetime14_any": Text("14 位 yyyyMMddHHmmss，真实存在（可为将来时间）", "14-digit yyyyMMddHHmmss, a real time (may be in the future)"),
    "date8": Text("8 位 yyyyMMdd，真实日期", "8-digit yyyyMMdd, a real date"),
    "mobile": Text("11 位大陆手机号", "11-digit mainland mobile number"),
    "mobile_masked": Text("11 位大陆手机号，后四位可用 **** 掩码", "11-digit mainland mobile, last four may be ****"),
    "phone": Text("电话号码（固话或手机）", "telephone number (landline or mobile)"),
    "id_number": Text("身份证号：18 位含 GB 11643 校验位（或 15 位旧证）", "resident ID: 18 chars with GB 11643 check character (or 15 digits)"),
    "category_code": Text("4 位类目代码（连连分配）", "4-digit category code (assigned by LianLian)"),
    "id_type": Text("证件类型 0–9、X、10（0 = 身份证）", "ID type 0-9, X, 10 (0 = resident ID card)"),
    "identify_state": Text("0 未实名 / 1 商户已实名认证", "0 not verified / 1 real-name verified by the merchant"),
    "identify_type": Text("1 银行卡 2 现场 3 远程身份证 4 其它", "1 bank card, 2 on-site, 3 remote ID card, 4 other"),
    "client_chnl": Text("10 移动应用 13 PC 网页 16 H5", "10 app, 13 PC web, 16 H5"),
    "logistics_mode": Text("物流方式 1–9", "logistics mode 1-9"),
    "delivery_cycle": Text("12h/24h/48h/72h/other", "12h/24h/48h/72h/other"),
    "user_type": Text("1 普通 / 2 白名单", "1 normal / 2 white-listed"),
    "game_id_belongs": Text("1 本人账号 / 2 他人账号", "1 own account / 2 another's account"),
    "app_request": Text("1 Android 2 iOS 3 WAP/H5", "1 Android, 2 iOS, 3 WAP/H5"),
    "busi_partner": Text("101001 虚拟 / 109001 实物 / 108001 充值", "101001 virtual / 109001 physical / 108001 top-up"),
    "zero_one": Text("0 或 1", "0 or 1"),
    "ip": Text("IP 地址（点分）", "IP address (dotted)"),
    "ip_underscore": Text("点换成下划线的 IPv4（如 122_11_37_211）", "IPv4 with '_' for '.' (e.g. 122_11_37_211)"),
    "email": Text("电子邮箱", "e-mail address"),
    "amount": Text("金额（元，最多两位小数，大于 0）", "amount in yuan, at most 2 decimals, > 0"),
    "count": Text("正整数", "positive whole number"),
    "text": Text("非空文本", "non-empty text"),
}
"""Format name -> what it accepts, in both languages."""


def validate(format_name: str, value: str, ctx: ValidationContext) -> Problem | None:
    """Run the named validator. Unknown format names are a programming error (KeyError)."""
    return FORMATS[format_name](value, ctx)


# --- masked values (saved evidence) -------------------------------------------------------------
# Saved evidence holds personal values masked (golive.evidence.masked): an ID number as
# 370***********8968 has no check digit left to test. So a masked value carries the outcome of the
# validators that may judge it, computed once from the original when it was masked; `outcome`
# answers with it. A validator never sees a masked text it could misjudge.

PERSONAL_FORMATS: tuple[str, ...] = ("id_number", "mobile", "mobile_masked", "phone")
"""Formats whose values are personal data: a masked value of any field carries their outcomes."""

NOT_KEPT = Problem(
    "保存的证据里这个值已掩码，且没有保存该格式的校验结果（保存时的 golive 不用此格式校验该字段），无法判断",
    "the saved evidence holds this value masked, without this format's outcome (the golive that saved it did "
    "not validate the field with this format), so it cannot be judged",
    uncertain=True)


def outcomes(value: str, format_names: "frozenset[str] | tuple[str, ...]", ctx: ValidationContext) -> dict[str, Problem | None]:
    """What each named validator says of `value` (None: accepted), for a masked value to carry."""
    return {name: FORMATS[name](value, ctx) for name in format_names if name in FORMATS}


def outcome(format_name: str, value: str, ctx: ValidationContext) -> Problem | None:
    """`validate`, for a value as transmitted or as saved masked: a masked value (one with
    ``outcomes``) answers with what the validator said of its original; one saved without that
    format's outcome gets `NOT_KEPT`, never a verdict on its masked text."""
    known = None if value.__class__ is str else getattr(value, "outcomes", None)
    if known is None:
        return FORMATS[format_name](value, ctx)
    return known[format_name] if format_name in known else NOT_KEPT

"""Values of the merchant's ledger CSV (design.md §5): kinds, statuses, amounts, times and cards as
real exports write them, read leniently where the meaning is clear and refused where it is not.

- amounts are `Decimal` (never float): an optional ``¥``/``￥`` sign, thousands commas and a
  trailing ``元`` are accepted; NaN/Infinity are not.
- times are ISO 8601 (``2026-11-30T10:00:00+08:00``, ``Z`` allowed), ``yyyyMMddHHmmss`` (what
  LianLian's ``dt_order`` uses) or ``yyyy-MM-dd HH:mm:ss``. Times without a zone are China
  Standard Time, as LianLian's are; zoned times are converted to it.
- kinds and statuses are read in English or Chinese, any case (``SUCCESS``, ``成功``, ``提现``).
- cards are matched by `card_token` and shown by `display_card` (never a full card number).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from golive.model import Text
from golive.redact import mask_card

# Canonical kinds and statuses.
PAYMENT, WITHDRAWAL, EARNING, REFUND = "payment", "withdrawal", "earning", "refund"
SUCCESS, FAILED, PENDING = "success", "failed", "pending"

# China Standard Time: LianLian's times (dt_order, settle_date) are Beijing time.
CST = dt.timezone(dt.timedelta(hours=8), "CST")

KIND_WORDS: dict[str, str] = {}
for _kind, _words in {
    PAYMENT: ("payment", "pay", "paid", "deposit", "recharge", "topup", "top_up", "top-up", "charge", "purchase",
              "invest", "investment", "支付", "充值", "入金", "投资", "购买", "存入"),
    WITHDRAWAL: ("withdrawal", "withdraw", "withdrawals", "payout", "cashout", "cash_out", "redeem", "redemption",
                 "提现", "取现", "出金", "提款", "代付", "赎回"),
    EARNING: ("earning", "earnings", "income", "interest", "profit", "yield", "bonus", "reward",
              "收益", "利息", "返利", "奖励", "分红"),
    REFUND: ("refund", "refunded", "退款"),
}.items():
    KIND_WORDS.update(dict.fromkeys(_words, _kind))

STATUS_WORDS: dict[str, str] = {}
for _status, _words in {
    SUCCESS: ("success", "succeeded", "successful", "succ", "ok", "done", "complete", "completed", "paid",
              "settled", "accepted", "成功", "已成功", "支付成功", "提现成功", "完成", "已完成", "已支付", "已到账"),
    # A refunded or returned movement left no money behind: ignored like a failed one.
    FAILED: ("fail", "failed", "failure", "error", "refused", "rejected", "declined", "cancelled", "canceled",
             "closed", "reversed", "returned", "refund", "refunded", "失败", "已失败", "支付失败", "提现失败",
             "拒绝", "已拒绝", "取消", "已取消", "关闭", "已关闭", "退回", "已退回", "已退款"),
    # Pending withdrawals are money on its way out; pending payments are not yet money in.
    PENDING: ("pending", "processing", "waiting", "wait", "in_progress", "submitted", "处理中", "待处理",
              "审核中", "等待", "待支付"),
}.items():
    STATUS_WORDS.update(dict.fromkeys(_words, _status))

ASCII_SPACE = " \t\r\n\x0b\x0c"
_MASKED_CARD = re.compile(r"^[0-9]{0,8}[*xX•]+[\s*xX•]*([0-9]{4})$")  # \s: str.isspace(), as the SQL trims
_AMOUNT_NOISE = re.compile(r"[,，\s]")
_PLAIN_AMOUNT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", re.ASCII)
AMOUNT_SCALE = 6  # decimal places at most: amounts are exact in 10^-6 yuan in every engine
AMOUNT_INT_DIGITS = 12  # integer digits at most (leading zeros aside)
DIGITS_DOT = "0123456789."


def card_token(value: str) -> str:
    """The identifier a card value is matched by. A last four ("1234") and a masked number
    ("622202******1234") both become "#1234"; anything else (a no_agree, an id) is matched exactly.
    A long bare digit string is *not* cut to its last four: LianLian's no_agree values are long
    digit strings too, and matching them by their last four would let another card through.
    Digits are ASCII digits (the SQL engines know no others)."""
    if value.isdigit() and value.isascii():
        return "#" + value if len(value) == 4 else value
    match = _MASKED_CARD.match(value)
    return "#" + match.group(1) if match else value


def display_card(value: str) -> str:
    """A card value safe to show: a last four or a masked number as is; anything long that could
    be a full card number is masked to first 6 + last 4 (golive.redact)."""
    if not value:
        return ""
    if len(value) >= 11 and sum(ch.isdigit() for ch in value) >= 11:
        return mask_card(value)
    return value


def amount_problem(text: str) -> str:
    """Why `text` is no amount: ``amount`` (not a number), ``amount_scale`` (more than 6 places) or
    ``amount_big`` (more than 12 integer digits)."""
    body = _amount_body(text)
    if body is None:
        return "amount"
    whole, _, places = body.lstrip("+-").partition(".")
    return "amount_scale" if len(places) > AMOUNT_SCALE else "amount_big"


def _amount_body(text: str) -> str | None:
    """The amount as plain ASCII ``[+-]digits[.digits]`` once a leading ¥/￥, a trailing 元,
    thousands commas and white space are dropped; None if it is not that."""
    if _PLAIN_AMOUNT.fullmatch(text):
        return text
    if text[:1] in ("¥", "￥"):
        text = text[1:]
    if text.endswith("元"):
        text = text[:-1]
    text = _AMOUNT_NOISE.sub("", text)
    return text if _PLAIN_AMOUNT.fullmatch(text) else None


def parse_amount(text: str) -> Decimal | None:
    """A Decimal, or None. The grammar every engine reads (golive.books.schema): ASCII digits with
    at most one point and an optional sign, after an optional ¥/￥, a trailing 元, thousands commas
    and white space are dropped; at most 6 decimal places and 12 integer digits. No exponents, no
    NaN or Infinity, no other digits."""
    body = _amount_body(text)
    if body is None:
        return None
    whole, _, places = body.lstrip("+-").partition(".")
    if len(places) > AMOUNT_SCALE or (len(whole) > AMOUNT_INT_DIGITS and len(whole.lstrip("0")) > AMOUNT_INT_DIGITS):
        return None
    return Decimal(body)


# yyyyMMddHHmmss with a plausible date and a real clock; days 29-31 are checked against the month.
TIME14 = re.compile(r"(?:1\d|2\d)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d",
                    re.ASCII)
# The reader's fast path for yyyyMMddHHmmss: two set lookups instead of the regex (a third of the
# cost, on every row). Every valid "mmss", and the hours (yyyyMMddHH) parse_time found valid so far.
MINUTES_SECONDS = frozenset(f"{minute:02d}{second:02d}" for minute in range(60) for second in range(60))
VALID_HOURS: set[str] = set()
_MAX_VALID_HOURS = 200_000  # bounded: 20 years of hours; beyond, times just take the slow path


# ISO 8601 as every engine reads it: yyyy-MM-dd[(T|t| )hh[:mm[:ss[(.|,)f...]]]][Z|z|±hh[[:]mm]].
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d)(?::(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
                  r"(?:([Zz])|([+-])(\d\d)(?::?(\d\d))?)?)?", re.ASCII)
_EPOCH = dt.datetime(1970, 1, 1)


def parse_time(text: str) -> str | None:
    """The time as 20 sortable digits yyyyMMddHHmmssffffff in CST, or None if it is not one of
    ``yyyyMMddHHmmss``, ``yyyy-MM-dd HH:mm:ss`` or ISO 8601 as `_ISO` reads it (no zone: CST; a
    fraction of a second only after the seconds, digits past 6 dropped; a zone offset under 24
    hours with minutes under 60; the date as written from year 1000, the instant in CST within
    years 1000-9999). Strings, not datetimes: building and comparing them is the cheapest there
    is, and text order is time order. The SQL of golive.books reads exactly the same times."""
    if len(text) == 19 and text[10] == " " and text[4] == text[7] == "-" and text[13] == text[16] == ":":
        # yyyy-MM-dd HH:mm:ss, the usual export
        text = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:]
        if not (text.isdigit() and text.isascii()):
            return None
    if len(text) == 14 and text.isdigit() and text.isascii():
        if TIME14.fullmatch(text) and (text[6:8] < "29" or _valid_day(text[:8])):
            if len(VALID_HOURS) < _MAX_VALID_HOURS:
                VALID_HOURS.add(text[:10])
            return text + "000000"
        return None
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, utc, sign, zone_h, zone_m = match.groups()
    if int(year) < 1000:
        return None
    offset = 8 * 60 if not (utc or sign) else 0
    if sign:
        if zone_m is not None and int(zone_m) > 59:
            return None
        offset = (int(zone_h) * 60 + int(zone_m or 0)) * (-1 if sign == "-" else 1)
        if abs(offset) >= 24 * 60:
            return None
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                             int((fraction or "")[:6].ljust(6, "0")))
        moment += dt.timedelta(minutes=8 * 60 - offset)  # to CST
    except (ValueError, OverflowError):
        return None
    if moment.year < 1000:
        return None
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond:06d}"


_VALID_DAYS: dict[str, bool] = {}


def _valid_day(digits: str) -> bool:
    valid = _VALID_DAYS.get(digits)
    if valid is None:
        try:
            dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            valid = True
        except ValueError:
            valid = False
        if len(_VALID_DAYS) < 100_000:  # bounded: a ledger spans a few thousand days at most
            _VALID_DAYS[digits] = valid
    return valid



# -- unreadable rows ---------------------------------------------------------------------------------
# Every engine that audits the books (this reader, and the SQL of golive.books) names what is wrong
# with a row by one of these codes and the value at fault; the message is made from both here, so a
# row reads the same whichever engine found it.

_PROBLEMS: dict[str, tuple[str, str]] = {
    "encoding": ("不是 UTF-8 编码{detail}", "not UTF-8{detail}"),
    "long": ("行超过 1 MiB", "line longer than 1 MiB"),
    "quoted_long": ("引号字段超过 1 MiB 仍未结束", "a quoted field still open after 1 MiB"),
    "csv": ("CSV 格式错误：{detail}", "malformed CSV: {detail}"),
    "json": ("不是 JSON 对象：{detail}", "not a JSON object: {detail}"),
    "user": ("user_id 为空", "user_id is empty"),
    "user_nul": ("user_id 含 NUL 字符", "user_id contains a NUL character"),
    "kind": ("无法识别的类型 {value}（应为 payment、withdrawal、earning、refund）",
             "unknown kind {value} (expected payment, withdrawal, earning or refund)"),
    "amount": ("金额 {value} 不是数字", "amount {value} is not a number"),
    "amount_scale": ("金额 {value} 超过 6 位小数", "amount {value} has more than 6 decimal places"),
    "amount_big": ("金额 {value} 超过 12 位整数", "amount {value} has more than 12 integer digits"),
    "time": ("时间 {value} 无法识别（应为 ISO 8601、yyyyMMddHHmmss 或 yyyy-MM-dd HH:mm:ss）",
             "time {value} is not ISO 8601, yyyyMMddHHmmss or yyyy-MM-dd HH:mm:ss"),
    "status": ("无法识别的状态 {value}（应为 success、failed、pending 或对应中文）",
               "unknown status {value} (expected success, failed, pending or their Chinese)"),
    "negative": ("提现金额为负数 {detail}（被退回的提现请记为失败）",
                 "negative withdrawal amount {detail} (record a returned withdrawal as failed)"),
}
PROBLEM_CODES = frozenset(_PROBLEMS) | {"fields"}


def problem_text(code: str, detail: str | None) -> Text:
    """The bilingual message for an unreadable row's problem `code` and the value at fault."""
    value = detail or ""
    if code == "fields":
        expected, _, got = value.partition("/")
        return RowProblem(f"应有 {expected} 个字段，实际 {got} 个", f"expected {expected} fields, got {got}", code, detail)
    zh, en = _PROBLEMS.get(code, (f"无法读取（{code}）", f"unreadable ({code})"))
    fill = {"detail": value, "value": repr(value)}
    return RowProblem(zh.format(**fill), en.format(**fill), code, detail)


@dataclass(frozen=True)
class RowProblem(Text):
    """What is wrong with a row: the message, and the code and value it was made from."""

    code: str = ""
    detail: str | None = None

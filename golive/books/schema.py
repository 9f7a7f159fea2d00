"""The logical schema of the merchant's books, and the words and problems every engine shares.

Every source -- a CSV, Parquet or JSON Lines file, a table, a query -- is first seen as rows of
these logical columns, all as text (a typed column is cast to text: a NUMERIC reads as ``10.00``,
a TIMESTAMP as ``2026-11-25 10:00:00``):

======== ========= ===========================================================================
column   required  meaning
======== ========= ===========================================================================
user_id  yes       the merchant's user (ASCII spaces around it are dropped)
kind     yes       payment | withdrawal | earning | refund, in English or Chinese, any case
no_order no        the merchant's order or payout number (shown in findings)
amount   yes       a decimal, at most 6 places and 12 integer digits; ``¥``/``￥``, thousands
                   commas and a trailing ``元`` are accepted; a negative payment is a refund
card     yes       card last 4, a masked number (``622202******1234``) or LianLian's no_agree;
                   several card columns (card, no_agree) are all matched
time     yes       ``yyyyMMddHHmmss``, ``yyyy-MM-dd HH:mm:ss`` or ISO 8601
                   (``yyyy-MM-dd[Thh[:mm[:ss[.ffffff]]]][Z|±hh[:mm]]``); no zone means China
                   Standard Time, as LianLian's times are
status   no        success | failed | pending (English or Chinese); absent means success
line     no        the row's position: a file's line, or a column the merchant names; rows of one
                   user at the same time are judged in this order
======== ========= ===========================================================================

The words come from the Python reader's tables (golive.evidence.ledger), imported in this one
place so both auditors read the same books the same way.

A row that cannot be read is *broken*: it carries a `Problem` code and the value at fault, it is
reported with its file:line (or row position), and it keeps the audit from passing -- never
silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from golive.evidence.ledger_reader import COLUMN_ALIASES, REQUIRED_COLUMNS
from golive.evidence.ledger_values import KIND_WORDS, STATUS_WORDS
from golive.model import Text

LOGICAL_COLUMNS = ("user_id", "kind", "no_order", "amount", "card", "time", "status")
REQUIRED = tuple(REQUIRED_COLUMNS)  # user_id, kind, amount, card, time
ALIASES = COLUMN_ALIASES
KINDS = KIND_WORDS
STATUSES = STATUS_WORDS

# Python's str.strip() drops every Unicode white space; the SQL engines trim this same set.
UNICODE_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                 "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
ASCII_SPACE = " \t\r\n\x0b\x0c"

AMOUNT_SCALE = 6  # amounts are exact integers of 10^-6 yuan in every engine (SQLite has no DECIMAL)
AMOUNT_INT_DIGITS = 12


def header_name(raw: str) -> str:
    """A column name as the header aliases are written (lower case, separators as ``_``)."""
    return re.sub(r"[\s\-.]+", "_", raw.strip().strip('"').lstrip("\ufeff").strip().lower())


def column_of(name: str) -> str | None:
    """The logical column a source column name stands for, or None."""
    wanted = header_name(name)
    for column, aliases in ALIASES.items():
        if wanted in aliases:
            return column
    if wanted == "line":
        return "line"
    return None


@dataclass(frozen=True)
class Problem:
    code: str
    zh: str
    en: str


# The codes are what the SQL returns; the texts follow the Python reader's wording where it has one.
PROBLEMS: dict[str, Problem] = {p.code: p for p in (
    Problem("encoding", "不是 UTF-8 编码{detail}", "not UTF-8{detail}"),
    Problem("long", "行超过 1 MiB", "line longer than 1 MiB"),
    Problem("csv", "CSV 格式错误：{detail}", "malformed CSV: {detail}"),
    Problem("json", "不是 JSON 对象：{detail}", "not a JSON object: {detail}"),
    Problem("fields", "应有 {detail} 个字段", "expected {detail} fields"),
    Problem("user", "user_id 为空", "user_id is empty"),
    Problem("kind", "无法识别的类型 {detail!r}（应为 payment、withdrawal、earning、refund）",
            "unknown kind {detail!r} (expected payment, withdrawal, earning or refund)"),
    Problem("amount", "金额 {detail!r} 不是数字", "amount {detail!r} is not a number"),
    Problem("amount_scale", "金额 {detail!r} 超过 6 位小数", "amount {detail!r} has more than 6 decimal places"),
    Problem("amount_big", "金额 {detail!r} 超过 12 位整数", "amount {detail!r} has more than 12 integer digits"),
    Problem("time", "时间 {detail!r} 无法识别（应为 ISO 8601、yyyyMMddHHmmss 或 yyyy-MM-dd HH:mm:ss）",
            "time {detail!r} is not ISO 8601, yyyyMMddHHmmss or yyyy-MM-dd HH:mm:ss"),
    Problem("status", "无法识别的状态 {detail!r}（应为 success、failed、pending 或对应中文）",
            "unknown status {detail!r} (expected success, failed, pending or their Chinese)"),
    Problem("negative", "提现金额为负数 {detail}（被退回的提现请记为失败）",
            "negative withdrawal amount {detail} (record a returned withdrawal as failed)"),
)}


def problem_text(code: str, detail: str | None) -> Text:
    """The bilingual message for a broken row's problem code and the value at fault."""
    problem = PROBLEMS.get(code)
    if problem is None:
        return Text(f"无法读取（{code}）", f"unreadable ({code})")
    value = detail or ""
    if code in ("kind", "amount", "amount_scale", "amount_big", "time", "status"):
        return Text(problem.zh.replace("{detail!r}", repr(value)), problem.en.replace("{detail!r}", repr(value)))
    if code == "fields":
        expected, _, got = value.partition("/")
        return Text(f"应有 {expected} 个字段，实际 {got} 个", f"expected {expected} fields, got {got}")
    return Text(problem.zh.replace("{detail}", value), problem.en.replace("{detail}", value))

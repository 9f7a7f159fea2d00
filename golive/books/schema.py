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
amount   yes       ASCII digits with at most one point and a sign (``12``, ``12.50``, ``.5``,
                   ``-3``), at most 6 places and 12 integer digits (leading zeros aside); one
                   leading ``¥``/``￥``, one trailing ``元``, thousands commas (``,``/``，``) and
                   white space are dropped first; no exponents, no NaN; a negative payment is a
                   refund, a negative earning lowers the bound, a negative withdrawal is broken
card     yes       card last 4, a masked number (``622202******1234``) or LianLian's no_agree;
                   several card columns (card, no_agree) are all matched
time     yes       ``yyyyMMddHHmmss``, ``yyyy-MM-dd HH:mm:ss`` or ISO 8601 as
                   ``yyyy-MM-dd[(T|t| )hh[:mm[:ss[(.|,)f…]]]][Z|z|±hh[[:]mm]]``: fraction
                   digits past 6 dropped, a zone under 24 h with minutes under 60; no zone means
                   China Standard Time, as LianLian's times are; the date as written from year
                   1000, the instant in CST within years 1000-9999
status   no        success | failed | pending (English or Chinese); absent means success
line     no        the row's position: a file's line, or a column the merchant names; rows of one
                   user at the same time are judged in this order
======== ========= ===========================================================================

The words, the grammar and the problems come from the Python reader's module
(golive.evidence.ledger_values), imported in this one place, so every engine reads the same books
the same way: tests/test_books_differential.py holds the SQL of every dialect and the Python
auditor to it.

A row that cannot be read is *broken*: it carries a problem code (`PROBLEM_CODES`: encoding, long,
csv, json, fields, user, kind, amount, amount_scale, amount_big, time, status, negative, ...) and
the value at fault, it is reported with its file:line (or row position) and the message
`problem_text` makes of both, and it keeps the audit from passing -- never silently dropped. A
physical line of a file that cannot be read on its own (not UTF-8, over 1 MiB, a carriage return
inside it) is broken at its own number and read as an empty line, even inside a quoted field.
"""

from __future__ import annotations

from golive.evidence.ledger_reader import COLUMN_ALIASES, REQUIRED_COLUMNS
from golive.evidence.ledger_reader import header_name as header_name  # one spelling of a header name
from golive.evidence.ledger_values import AMOUNT_INT_DIGITS as AMOUNT_INT_DIGITS  # re-exported: one grammar
from golive.evidence.ledger_values import AMOUNT_SCALE as AMOUNT_SCALE
from golive.evidence.ledger_values import KIND_WORDS, STATUS_WORDS
from golive.evidence.ledger_values import PROBLEM_CODES as PROBLEM_CODES  # the one catalogue of problems
from golive.evidence.ledger_values import problem_text as problem_text

LOGICAL_COLUMNS = ("user_id", "kind", "no_order", "amount", "card", "time", "status")
REQUIRED = tuple(REQUIRED_COLUMNS)  # user_id, kind, amount, card, time
ALIASES = COLUMN_ALIASES
KINDS = KIND_WORDS
STATUSES = STATUS_WORDS

# Python's str.strip() drops every Unicode white space; the SQL engines trim this same set.
UNICODE_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                 "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
ASCII_SPACE = " \t\r\n\x0b\x0c"


def column_of(name: str) -> str | None:
    """The logical column a source column name stands for, or None."""
    wanted = header_name(name)
    for column, aliases in ALIASES.items():
        if wanted in aliases:
            return column
    if wanted == "line":
        return "line"
    return None

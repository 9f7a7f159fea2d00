"""Inline suppressions: a comment on the finding's line, or on the line just above it::

    // golive-ignore: LL-SEC-003 until 2026-06-30 -- sandbox config, deleted before launch
    # golive-ignore: LL-SEC-004, LL-SEC-005 until 2026-03-31 -- 内网联调桩，不上线

A suppression needs a justification (after ``--``) and an expiry date (``until YYYY-MM-DD``), like
a waiver (golive/waivers.py): an exception someone has to explain and revisit. Without either, or
after the date, the finding stays open and the report says why the comment did not count. The
comment syntax of the file does not matter: the marker is found anywhere on the line.
"""

from __future__ import annotations

import datetime as dt
import re

from golive.model import Text
from golive.scan.model import Suppression
from golive.scan.source import SourceFile

MARKER = "golive-ignore:"
_COMMENT = re.compile(r"golive-ignore:\s*(?P<ids>LL-SEC-\d{3}(?:\s*,\s*LL-SEC-\d{3})*)(?P<rest>.*)", re.IGNORECASE)
_UNTIL = re.compile(r"\buntil\s+(\S+)", re.IGNORECASE)
_WHY = re.compile(r"--\s*(?P<why>.*?)\s*(?:\*/|-->|%>|\?>)?\s*$")
MIN_JUSTIFICATION = 4


def _parse(line_text: str, line_no: int, rule_id: str, today: dt.date) -> Suppression | None:
    match = _COMMENT.search(line_text)
    if match is None:
        return None
    ids = {part.strip().upper() for part in match.group("ids").split(",")}
    if rule_id not in ids:
        return None
    rest = match.group("rest")
    until_match = _UNTIL.search(rest)
    why_match = _WHY.search(rest)
    why = why_match.group("why").strip() if why_match else ""
    until: dt.date | None = None
    if until_match:
        try:
            until = dt.date.fromisoformat(until_match.group(1))
        except ValueError:
            until = None
    until_text = until.isoformat() if until else (until_match.group(1) if until_match else None)
    if until is None:
        return Suppression(line_no, "invalid", until_text, why or None, Text(
            "忽略注释缺少有效期：写 until YYYY-MM-DD", "the suppression needs an expiry: until YYYY-MM-DD"))
    if len(why) < MIN_JUSTIFICATION:
        return Suppression(line_no, "invalid", until_text, why or None, Text(
            "忽略注释缺少理由：在 -- 后写明为什么可以忽略", "the suppression needs a justification after --"))
    if until < today:
        return Suppression(line_no, "expired", until_text, why, Text(
            f"忽略注释已于 {until_text} 过期", f"the suppression expired on {until_text}"))
    return Suppression(line_no, "active", until_text, why)


def find_suppression(source: SourceFile, offset: int, rule_id: str, today: dt.date) -> Suppression | None:
    """The suppression comment for a finding starting at character `offset`, if there is one."""
    index = source.line_index(offset)
    for candidate in (index, index - 1):
        text = source.line_text(candidate)
        if MARKER in text.lower():
            found = _parse(text, candidate + source.first_line, rule_id, today)
            if found is not None:
                return found
    return None

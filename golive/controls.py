"""Control characters from captured values, shown visibly instead of acted on.

A captured value is the merchant's (or an attacker's) text. Written raw it can
* restyle, move or retitle a terminal (ESC/CSI/OSC sequences, BEL, backspace, carriage return),
  and so forge a line of golive's own output -- a fake "ready" verdict;
* make an XML file malformed (XML 1.0 forbids C0 controls other than tab, newline and carriage
  return, lone surrogates, U+FFFE and U+FFFF), so a CI server drops the JUnit report.

`visible` writes such characters as escapes a reader can see (``\\x1b``, ``\\n``, ``\\u202e``...).
It covers C0 and C1 controls, DEL, the characters XML cannot hold, and the Unicode bidirectional
controls that reorder what a terminal or page shows. The text report and everything golive prints
to a terminal go through it, and so do the JUnit and Markdown reports and the visible text of the
HTML report.

JSON (result.json, SARIF, the result embedded in the HTML) keeps the data exact: json.dumps already
writes C0 controls as ``\\u001b``, and `json_controls` does the same for the rest (DEL, C1, the
bidirectional controls, U+2028/U+2029), so no JSON file golive writes holds a raw control
character and each still parses to the same values.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Tab is harmless and common in pasted text; everything else in C0, DEL and C1 is escaped.
_OTHERS = "\x7f-\x9f\ud800-\udfff\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[\x00-\x08\x0a-\x1f{_OTHERS}]")
# In a page, line breaks are layout (an HTTP body in a <pre>), not a way to forge a line.
_CONTROLS_BUT_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHERS}]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with every control character written as a visible escape; newlines and carriage
    returns too, unless `lines` (a page, where they only break lines)."""
    pattern = _CONTROLS_BUT_LINES if lines else _CONTROLS
    return pattern.sub(_escape, text) if pattern.search(text) else text


def visible_tree(node: Any, *, lines: bool = False) -> Any:
    """A copy of a JSON-like structure with `visible` applied to every string, keys included."""
    if isinstance(node, str):
        return visible(node, lines=lines)
    if isinstance(node, dict):  # the common case first: isinstance against Mapping is slow
        return {visible(str(k), lines=lines): visible_tree(v, lines=lines) for k, v in node.items()}
    if isinstance(node, list):
        return [visible_tree(v, lines=lines) for v in node]
    if isinstance(node, Mapping):
        return {visible(str(k), lines=lines): visible_tree(v, lines=lines) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [visible_tree(v, lines=lines) for v in node]
    return node


# Outside C0 (which json.dumps escapes itself); raw, these only ever sit inside JSON strings, where
# a \u escape is the same value.
_JSON_CONTROLS = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_controls(text: str) -> str:
    """JSON text (from json.dumps) with the control characters it leaves raw written as escapes."""
    if not _JSON_CONTROLS.search(text):
        return text
    return _JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)

"""Generators for the fuzz suite: valid documents mutated one step at a time, and hostile shapes.

Structure-aware: a valid document (examples/golive.yaml, a capture line, a ledger row, a result
JSON) is parsed, one value at a path is replaced, deleted or added, and the document is written
back. Hostile values that Python cannot even build or serialise (a 5000-digit number, 1000 levels
of nesting, a lone surrogate escape, NaN) are spliced in as raw text through a placeholder.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# Raw JSON texts that a json.dumps of a Python value would never produce (or cannot).
RAW_JSON = [
    "1" * 5000,                      # over Python's 4300-digit int limit
    "-" + "9" * 4400,
    "0." + "1" * 5000,
    "1e999999999", "-1e999999999", "1.5e-400",
    "NaN", "Infinity", "-Infinity",
    "[" * 1100 + "]" * 1100,         # deeper than the recursion limit
    "[" * 600 + "]" * 600,
    "[" * 120 + "]" * 120,
    '{"a":' * 700 + "1" + "}" * 700,
    '"\\ud800"', '"x\\udfff"', '"\\ud83d"', '"\\ud83d\\ude00"',   # lone and paired surrogates
    '"\\u0000"', '"a\\u0000b"', '"\\u001f\\u007f"',
    '"null"', '"NULL"', '"Null"', '""', '" "', '"\\t"',
    '"-0.01"', '"-5.00"', '"0"', '"NaN"', '"-Infinity"', '"1e999999"', '"10.001"', '"９"',
    '"9999-12-31T23:59:59-12:00"', '"0001-01-01T00:00:00+14:00"', '"20261399250000"',
    "[]", "{}", "true", "false", "null", "0", "-1", "-0.01", "1.50", "1e3",
    '{"kind":[]}', '[{"a":[]}]',
]

# Raw YAML scalars and fragments that yaml.safe_dump would not write.
RAW_YAML = [
    ".nan", ".NaN", ".inf", "-.inf", "1" * 5000, "-" + "9" * 4400, "1.0e+400", "0b_", "0x_", "._", "0o",
    "2026-13-45", "2026-02-30", "9999-12-31T23:59:59-12:00", "0001-01-01 00:00:00 +14:00",
    "*nowhere", "!!binary AAAA", "!!binary ====", "!!timestamp 2026-99-99", "!!int abc", "!!float x",
    "!!python/object:os.system", "!custom x", "!!set {a, b}", "!!omap [a: 1]", "!!omap [1]", "!!pairs [x]",
    "[" * 600 + "]" * 600, "{a: " * 300 + "1" + "}" * 300, "[" * 60 + "]" * 60,
    "~", "null", "yes", "no", "on", "0001", "1_000", "190:20:30", "0x1F", "0o17", "-0", "1e3",
    "'\\ud800'", '"\\ud800"', '"\\x00"', '"\\u0000"', "\"\\U0010FFFF\"",
    "[]", "{}", "[1, [2, [3]]]", "{env: 1234567890123456}", "{file: ''}", "{env: ''}",
    "? [a, b]\n  : 1", "<<: *nowhere",
]

JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None), max_size=12),
    st.sampled_from(["null", "NULL", "", " ", "-0.01", "-1", "NaN", "1e999999", "0.00", "10.01", "abc",
                     "20261125100000", "2026-11-25T10:00:00+08:00", "201811230001000001", "MD5", "RSA", "md5",
                     "pay_request", "notify", "return", "query", "other", "wap", "app", "web", "api"]),
)

KEY_NAMES = st.one_of(
    st.sampled_from(["sign", "sign_type", "Sign", "SIGN_TYPE", "Oid_Partner", "risk_item", "money_order", "no_agree",
                     "card_no", "id_no", "acct_name", "flag_modify", "user_id", "no_order", "dt_order", "kind",
                     "params", "request", "response", "body", "effect", "channel", "req_data", "res_data",
                     "result_pay", "oid_partner", "headers", "status", "url", "method", "A", "a", "_", "Z_z"]),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None), max_size=6),
)


class Placeholder:
    """Splices raw text into a serialised document (`render_json`, `render_yaml`)."""

    def __init__(self) -> None:
        self.raw: dict[str, str] = {}

    def token(self, text: str) -> str:
        key = f"@@RAW{len(self.raw)}@@"
        self.raw[key] = text
        return key

    def apply(self, text: str, quote: str = '"') -> str:
        for key, raw in self.raw.items():
            text = text.replace(f"{quote}{key}{quote}", raw).replace(key, raw)
        return text


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `node` (dict keys and list indexes), the root first."""
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += paths(value, prefix + (index,))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return doc


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def mutate(data: Any, doc: Any, raw: Placeholder, raw_texts: list[str], steps: int = 3) -> Any:
    """Apply 1..`steps` mutations to `doc` (a parsed JSON/YAML document, modified in place)."""
    for _ in range(data.draw(st.integers(1, steps), label="steps")):
        where = paths(doc)
        path = data.draw(st.sampled_from(where), label="path")
        op = data.draw(st.sampled_from(["raw", "raw", "leaf", "delete", "add", "string", "wrap", "swap_type"]),
                       label="op")
        current = _get(doc, path)
        if op == "raw":
            doc = _set(doc, path, raw.token(data.draw(st.sampled_from(raw_texts), label="raw")))
        elif op == "leaf":
            doc = _set(doc, path, data.draw(JSON_LEAVES, label="leaf"))
        elif op == "delete" and path:
            doc = _delete(doc, path)
        elif op == "add" and isinstance(current, dict):
            current[data.draw(KEY_NAMES, label="key")] = data.draw(JSON_LEAVES, label="value")
        elif op == "string" and isinstance(current, str):
            doc = _set(doc, path, _string_mutation(data, current))
        elif op == "wrap":
            doc = _set(doc, path, data.draw(st.sampled_from([[current], {"x": current}, [current, current]]),
                                            label="wrap"))
        elif op == "swap_type":
            doc = _set(doc, path, data.draw(st.sampled_from([[], {}, 0, -1, True, None, "", "x", 1.5]), label="swap"))
    return doc


def _string_mutation(data: Any, text: str) -> str:
    how = data.draw(st.sampled_from(["insert", "truncate", "case", "surrogate", "nul", "null", "space", "double"]),
                    label="how")
    cut = data.draw(st.integers(0, len(text)), label="at")
    if how == "insert":
        return text[:cut] + data.draw(st.text(max_size=4), label="ins") + text[cut:]
    if how == "truncate":
        return text[:cut]
    if how == "case":
        return text.swapcase()
    if how == "surrogate":
        return text[:cut] + data.draw(st.sampled_from(["\ud800", "\udfff", "\ud83d", "\udc80"]), label="s") + text[cut:]
    if how == "nul":
        return text[:cut] + "\x00" + text[cut:]
    if how == "null":
        return "null"
    if how == "space":
        return " " + text + " "
    return text + text


def render_json(doc: Any, raw: Placeholder) -> str:
    # ensure_ascii: lone surrogates become \\udXXX escapes (UTF-8 cannot hold them)
    return raw.apply(json.dumps(doc, ensure_ascii=True, default=str))


def render_yaml(doc: Any, raw: Placeholder) -> str:
    import yaml

    text = yaml.safe_dump(doc, allow_unicode=False, sort_keys=False, default_flow_style=False, width=10**6)
    return raw.apply(raw.apply(text, "'"), '"')


def byte_mutation(data: Any, blob: bytes) -> bytes:
    """A text-level change: bytes inserted, deleted, truncated or replaced (non-UTF-8, NUL, CR)."""
    how = data.draw(st.sampled_from(["insert", "delete", "truncate", "replace", "none", "none"]), label="bytes")
    if how == "none" or not blob:
        return blob
    at = data.draw(st.integers(0, len(blob) - 1), label="byte_at")
    junk = data.draw(st.sampled_from([b"\xff", b"\x00", b"\r", b"\n", b"\xed\xa0\x80", b"\xc3", b"{", b"[", b'"',
                                      b"\\", b":", b"&", b"*", b"#", b"\t", b"\xef\xbb\xbf"]), label="junk")
    if how == "insert":
        return blob[:at] + junk + blob[at:]
    if how == "delete":
        return blob[:at] + blob[at + 1:]
    if how == "truncate":
        return blob[:at]
    return blob[:at] + junk + blob[at + 1:]


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs' YAML: `levels` anchors, each a list of `width` aliases of the one before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int, flow: bool) -> str:
    if flow:
        return "k: " + "[" * depth + "]" * depth + "\n"
    return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"

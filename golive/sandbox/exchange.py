"""One HTTP exchange as the sandbox's handlers see it: a parsed request in, an `Answer` out.

The HTTP server (`server.py`) turns sockets into `Request`s; handlers never touch sockets, so they
are testable without a network and the server stays a thin, bounded front. Parsers here read the
three body shapes LianLian's endpoints take (protocol.md §1): form fields (Web cashier), one
``req_data`` form field holding JSON (WAP), and a JSON object (server APIs, payouts), each value a
string as LianLian's parameters are.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    client_ip: str
    at: float = field(default_factory=time.time)
    began: float = field(default_factory=time.perf_counter)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def wants_json(self) -> bool:
        """A script asking for a machine answer instead of the cashier's HTML (sandbox extension)."""
        return "application/json" in (self.header("Accept") or "")

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.began) * 1000, 2)


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Answer:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, body, "application/json;charset=utf-8")

    @classmethod
    def html(cls, text: str, csp: str, status: int = 200) -> Answer:
        return cls(status, text.encode("utf-8"), "text/html; charset=utf-8",
                   [("Content-Security-Policy", csp), ("X-Content-Type-Options", "nosniff"),
                    ("Cache-Control", "no-store")])

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class ParseError(ValueError):
    """The body is not what the endpoint takes (LianLian: 1012 请求报文解析失败)."""


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError("the body is not UTF-8") from None


def parse_form(body: bytes) -> dict[str, str]:
    """Form fields (application/x-www-form-urlencoded), first value of each, blanks kept."""
    text = _text(body)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=500)
    except ValueError:
        raise ParseError("the body is not a form (application/x-www-form-urlencoded)") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def parse_json_object(text: str | bytes, what: str = "the body") -> dict[str, Any]:
    """A JSON object (values as given: a nested risk_item object stays an object, to be judged)."""
    raw = _text(text) if isinstance(text, bytes) else text
    try:
        obj = json.loads(raw)
    except ValueError:
        raise ParseError(f"{what} is not valid JSON") from None
    if not isinstance(obj, dict):
        raise ParseError(f"{what} must be a JSON object")
    return obj

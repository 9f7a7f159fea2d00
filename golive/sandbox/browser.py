"""A payer's browser, just enough of one: follow forms from the merchant to the cashier and back.

In a 认证支付 payment nothing goes from the merchant's server to LianLian: the merchant's page
posts a form to LianLian's cashier, and after payment the cashier's page posts the result back to
``url_return`` (protocol.md §1, §5.2). `golive demo --sandbox`, the tests and the benchmark drive a
merchant through the sandbox the same way -- HTML forms, POSTed with a Referer -- with nothing but
the standard library (``urllib``, ``html.parser``). The headless-browser test does the same with
a real Chromium.

Only loopback URLs are followed (the sandbox's tools never leave the machine).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from golive.sandbox.settings import is_loopback_host

TIMEOUT_S = 15.0


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return dict(self.fields)


@dataclass
class Page:
    url: str
    status: int
    text: str
    forms: list[Form]
    data: dict[str, str]
    """``data-*`` attributes of ``<main id="sandbox">`` (the sandbox's machine-readable state)."""


class _Parser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.data: dict[str, str] = {}
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(urljoin(self.base, a.get("action") or self.base), (a.get("method") or "get").upper())
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("name"):
            self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and self._form is not None and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "main" and a.get("id") == "sandbox":
            self.data = {k[5:]: v for k, v in a.items() if k.startswith("data-")}

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _check(url: str) -> None:
    if not is_loopback_host(urlsplit(url).hostname):
        raise ValueError(f"the sandbox browser follows loopback URLs only, not {url}")


def _page(url: str, status: int, body: bytes) -> Page:
    text = body.decode("utf-8", errors="replace")
    parser = _Parser(url)
    parser.feed(text)
    return Page(url, status, text, parser.forms, parser.data)


def _open(request: urllib.request.Request) -> Page:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - loopback only
            return _page(response.geturl(), response.status, response.read(1 << 20))
    except urllib.error.HTTPError as exc:
        return _page(request.full_url, exc.code, exc.read(1 << 20))


def get(url: str) -> Page:
    _check(url)
    return _open(urllib.request.Request(url, method="GET"))


def submit(form: Form, referer: str, button: tuple[str, str] | None = None) -> Page:
    """Post `form` as a browser would, from page `referer` (the Referer and Origin headers)."""
    _check(form.action)
    fields = list(form.fields) + ([button] if button else [])
    body = urlencode(fields).encode("utf-8")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(referer))
    request = urllib.request.Request(form.action, data=body, method=form.method, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Referer": referer, "Origin": origin})
    return _open(request)

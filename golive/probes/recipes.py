"""The probe session (`ProbeContext`) and the merchant's test recipes (design.md §5 ``live:``).

A recipe is how golive asks a merchant's staging server to do something without knowing its code:
``{http: {method, url, headers, json | form | body}}`` or ``{command: "..."}``, with
``{placeholders}``; the answer is JSON read by a JSON pointer (RFC 6901). The recipes are:

* ``create_order`` -- a fresh pending order for ``{user_id}`` and ``{amount}``; ``fields`` maps
  ``no_order`` (required), ``money_order``, ``dt_order``, ``user_id`` to pointers in the answer;
* ``credits`` -- how many times ``{no_order}`` was credited (``pointer`` to a count);
* ``withdraw`` / ``earn`` / ``payouts`` -- used by the same-card probes (golive/probes/withdraw.py).

A recipe's answer is recorded as it came (the exchange, the value at the pointer, or why there is
none); what it means -- a withdrawal accepted or refused -- is judged elsewhere (golive/judging/).

Placeholders are ``{name}`` with a Python identifier inside, so JSON braces in a ``body`` template
are left alone. In a URL the value is percent-encoded; a ``command`` is split with `shlex` first
and placeholders are filled per argument, so a value can never add an argument or reach a shell.

Public API (also used by golive/probes/withdraw.py):
``ProbeContext.run_recipe(name, placeholders) -> RecipeAnswer`` (never raises),
``ProbeContext.create_order(...) -> TestOrder``, ``ProbeContext.credits(no_order) -> int``,
``ProbeContext.credited_order(...) -> CreditedOrder`` (create_order -> signed SUCCESS notification
-> credits == 1); the last three raise `ProbeError` with a bilingual reason when they cannot.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets as _random
import shlex
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple
from urllib.parse import quote, urlencode

from golive import safe_json
from golive.config import LoadedConfig
from golive.model import Text
from golive.probes.http import Exchange, HttpClient, HttpRequest, redact_body_cut, redact_url
from golive.signing import SigningMaterial
from golive.redact import mask_free_text

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
CHINA = dt.timezone(dt.timedelta(hours=8))  # LianLian's dt_order / settle_date are Beijing time
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_AMOUNT = "0.01"
MAX_COMMAND_OUTPUT = 1 << 20


class ProbeError(Exception):
    """A probe step could not be carried out; `reason` says why (bilingual)."""

    def __init__(self, reason: Text, exchange: Exchange | None = None) -> None:
        super().__init__(reason.en)
        self.reason = reason
        self.exchange = exchange


@dataclass(frozen=True)
class RecipeAnswer:
    """What a recipe answered. `value` is the JSON at the recipe's pointer (the whole answer
    without one); `fields` the create_order fields; `error` why there is no usable answer."""

    name: str
    value: Any = None
    document: Any = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    status: int | None = None  # HTTP status, or a command's exit code
    error: str | None = None
    exchange: Exchange | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class TestOrder:
    """A pending order the merchant created for a probe."""

    no_order: str
    user_id: str
    amount: str
    dt_order: str


class CreditedOrder(NamedTuple):
    """An order that a signed SUCCESS notification credited exactly once."""

    no_order: str
    user_id: str
    no_agree: str
    amount: str


def now_china() -> dt.datetime:
    return dt.datetime.now(CHINA)


def resolve_pointer(document: Any, pointer: str | None) -> Any:
    """RFC 6901 JSON pointer; raises LookupError naming the missing step."""
    if pointer in (None, ""):
        return document
    assert pointer is not None
    if not pointer.startswith("/"):
        raise LookupError(f"pointer {pointer!r} must start with /")
    node = document
    walked = ""
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        walked += "/" + raw
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LookupError(f"the answer has nothing at {walked}")
    return node


def fill(template: str, values: Mapping[str, Any], where: str, *, url: bool = False) -> str:
    """Replace {name} placeholders; an unknown name is an error naming the config key."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ProbeError(Text(f"{where} 中的占位符 {{{name}}} 未知；可用：{', '.join(sorted(values))}",
                                  f"unknown placeholder {{{name}}} in {where}; known: {', '.join(sorted(values))}"))
        value = str(values[name])
        return quote(value, safe="") if url else value

    return PLACEHOLDER.sub(replace, template)


def _fill_json(node: Any, values: Mapping[str, Any], where: str) -> Any:
    if isinstance(node, str):
        return fill(node, values, where)
    if isinstance(node, dict):
        return {k: _fill_json(v, values, where) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill_json(v, values, where) for v in node]
    return node


def recipe_urls(live: Mapping[str, Any]) -> list[str]:
    """Every URL template in the live: section (the hosts probes may contact)."""
    urls = [live[k] for k in ("notify_url", "url_return") if isinstance(live.get(k), str)]
    for value in live.values():
        if isinstance(value, dict) and isinstance(value.get("http"), dict):
            url = value["http"].get("url")
            if isinstance(url, str):
                urls.append(PLACEHOLDER.sub("x", url))
    return urls


class ProbeContext:
    """One probe session: config, signing material, the guarded HTTP client, and what was exchanged.

    Thread-safe: scenarios run in parallel and share one context.
    """

    def __init__(self, config: LoadedConfig, signing: SigningMaterial, client: HttpClient,
                 say: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.signing = signing
        self.client = client
        self.live: Mapping[str, Any] = config.get("live") or {}
        self.timeout_s: float = float(self.live.get("timeout_s", DEFAULT_TIMEOUT_S))
        self.amount: str = str(self.live.get("amount", DEFAULT_AMOUNT))
        self.concurrency: int = int(self.live.get("concurrency", 8))
        self.say = say or (lambda _text: None)
        self.oid_partner: str = str(config.get("merchant.oid_partner", ""))
        self.run_tag = _random.token_hex(3)
        self._lock = threading.Lock()
        self._counter = 0
        self._no_agree: dict[str, str] = {}
        self._targets: set[str] = set()

    # -- bookkeeping ----------------------------------------------------------------------------
    def fresh_user_id(self) -> str:
        """A user id no earlier probe used (probes never share users unless asked to)."""
        with self._lock:
            self._counter += 1
            return f"golive{self.run_tag}u{self._counter:03d}"

    def no_agree_for(self, user_id: str) -> str:
        """The 签约协议号 LianLian would return for this user's card (stable per user)."""
        with self._lock:
            if user_id not in self._no_agree:
                self._no_agree[user_id] = "20" + "".join(str(_random.randbelow(10)) for _ in range(14))
            return self._no_agree[user_id]

    @property
    def targets(self) -> list[str]:
        with self._lock:
            return sorted(self._targets)

    def _note_target(self, text: str) -> None:
        with self._lock:
            self._targets.add(text)

    def send(self, request: HttpRequest, *, template: str | None = None, **kw: Any) -> tuple[Any, Exchange]:
        """`HttpClient.send`, remembering the target (the URL `template` when given) for provenance."""
        self._note_target(f"{request.method} {redact_url(template or request.url).split('?')[0]}")
        return self.client.send(request, **kw)

    # -- recipes --------------------------------------------------------------------------------
    def base_placeholders(self) -> dict[str, str]:
        now = now_china()
        return {"amount": self.amount, "oid_partner": self.oid_partner, "dt_order": now.strftime("%Y%m%d%H%M%S"),
                "date": now.strftime("%Y%m%d")}

    def run_recipe(self, name: str, placeholders: Mapping[str, Any], *, label: str | None = None) -> RecipeAnswer:
        """Run ``live.<name>`` with placeholders; never raises (the answer's `error` says why)."""
        recipe = self.live.get(name)
        if not isinstance(recipe, dict):
            return RecipeAnswer(name, error=f"live.{name} is not configured")
        values = {**self.base_placeholders(), **{k: v for k, v in placeholders.items() if v is not None}}
        try:
            if "http" in recipe:
                answer = self._run_http(name, recipe, values, label or name)
            else:
                answer = self._run_command(name, recipe, values, label or name)
        except ProbeError as exc:
            return RecipeAnswer(name, error=exc.reason.en, exchange=exc.exchange)
        if answer.error:
            return answer
        try:
            value = resolve_pointer(answer.document, recipe.get("pointer"))
        except LookupError as exc:
            return RecipeAnswer(name, document=answer.document, status=answer.status, exchange=answer.exchange,
                                error=f"live.{name}.pointer: {exc}")
        fields: dict[str, Any] = {}
        for field_name, pointer in (recipe.get("fields") or {}).items():
            try:
                fields[field_name] = resolve_pointer(answer.document, pointer)
            except LookupError as exc:
                return RecipeAnswer(name, document=answer.document, status=answer.status, exchange=answer.exchange,
                                    error=f"live.{name}.fields.{field_name}: {exc}")
        return RecipeAnswer(name, value=value, document=answer.document, fields=fields, status=answer.status,
                            exchange=answer.exchange)

    def _run_http(self, name: str, recipe: Mapping[str, Any], values: Mapping[str, Any], label: str) -> RecipeAnswer:
        spec = recipe["http"]
        where = f"live.{name}.http"
        method = str(spec.get("method") or ("POST" if any(k in spec for k in ("json", "form", "body")) else "GET"))
        url = fill(spec["url"], values, f"{where}.url", url=True)
        headers = {k: fill(v, values, f"{where}.headers.{k}") for k, v in (spec.get("headers") or {}).items()}
        body = b""
        lowered = {k.lower() for k in headers}
        if "json" in spec:
            body = json.dumps(_fill_json(spec["json"], values, f"{where}.json"), ensure_ascii=False).encode("utf-8")
            if "content-type" not in lowered:
                headers["Content-Type"] = "application/json;charset=utf-8"
        elif "form" in spec:
            form = {k: fill(str(v), values, f"{where}.form.{k}") for k, v in spec["form"].items()}
            body = urlencode(form).encode("utf-8")
            if "content-type" not in lowered:
                headers["Content-Type"] = "application/x-www-form-urlencoded;charset=utf-8"
        elif "body" in spec:
            body = fill(spec["body"], values, f"{where}.body").encode("utf-8")
        headers.setdefault("Accept", "application/json")
        response, exchange = self.send(HttpRequest(method, url, headers, body, label=label, target=f"recipe:{name}"),
                                       template=spec["url"])
        if not response.ok:
            return RecipeAnswer(name, status=response.status, exchange=exchange, error=f"live.{name}: {response.error}")
        if not 200 <= int(response.status or 0) < 300:
            return RecipeAnswer(name, status=response.status, exchange=exchange,
                                error=f"live.{name}: HTTP {response.status} (expected 2xx)")
        document, problem = _parse_json_answer(response.body, response.headers)
        if problem:
            return RecipeAnswer(name, status=response.status, exchange=exchange, error=f"live.{name}: {problem}")
        return RecipeAnswer(name, document=document, status=response.status, exchange=exchange)

    def _run_command(self, name: str, recipe: Mapping[str, Any], values: Mapping[str, Any], label: str) -> RecipeAnswer:
        where = f"live.{name}.command"
        try:
            template = shlex.split(recipe["command"])
        except ValueError as exc:
            return RecipeAnswer(name, error=f"{where}: cannot split the command: {exc}")
        if not template:
            return RecipeAnswer(name, error=f"{where} is empty")
        argv = [fill(part, values, where) for part in template]
        started = time.monotonic()
        remaining = self.client.deadline - started
        shown = mask_free_text(" ".join(shlex.quote(a) for a in argv))
        self._note_target(f"command {shlex.quote(argv[0])}")
        status: int | None = None
        stdout = b""
        error: str | None = None
        if remaining <= 0:
            error = "not run: the probe run reached its time limit"
        else:
            try:
                status, stdout, stderr = self._command_output(argv, min(self.timeout_s, remaining))
                if status != 0:
                    tail = mask_free_text(stderr.decode("utf-8", errors="replace").strip()[-200:])
                    error = f"exited with status {status}" + (f": {tail}" if tail else "")
            except subprocess.TimeoutExpired:
                status = None
                error = f"did not finish within {min(self.timeout_s, remaining):g} s"
            except InterruptedError:
                status = None
                error = "stopped: the run was interrupted"
            except OSError as exc:
                error = f"cannot run {argv[0]!r}: {exc.strerror or exc}"
        body, cut = redact_body_cut(stdout) if status is not None else (None, 0)
        exchange = Exchange(
            seq=self.client.next_seq(), label=label, kind="command", method="COMMAND", url=shown,
            request_headers={}, request_body=None, status=status, response_headers={},
            response_body=body, started_ms=(started - self.client.started) * 1000,
            elapsed_ms=(time.monotonic() - started) * 1000, error=error, error_kind="command" if error else None,
            target=f"recipe:{name}", response_truncated_chars=cut,
        )
        if error:
            return RecipeAnswer(name, status=status, exchange=exchange, error=f"{where}: {error}")
        document, problem = _parse_json_answer(stdout, {})
        if problem:
            return RecipeAnswer(name, status=status, exchange=exchange, error=f"{where}: {problem}")
        return RecipeAnswer(name, document=document, status=status, exchange=exchange)

    def _command_output(self, argv: list[str], timeout_s: float) -> tuple[int, bytes, bytes]:
        """Run a recipe command; killed at `timeout_s` or as soon as the run is interrupted."""
        with subprocess.Popen(argv, cwd=self.config.base_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) as process:
            ends = time.monotonic() + timeout_s
            while True:
                try:
                    stdout, stderr = process.communicate(timeout=min(0.1, max(ends - time.monotonic(), 0.01)))
                    return process.returncode, stdout[:MAX_COMMAND_OUTPUT], stderr
                except subprocess.TimeoutExpired:
                    if self.client.cancelled.is_set():
                        process.kill()
                        raise InterruptedError from None
                    if time.monotonic() >= ends:
                        process.kill()
                        raise

    # -- the three steps every notification probe needs -----------------------------------------
    def create_order(self, user_id: str | None = None, amount: str | None = None,
                     exchanges: list[Exchange] | None = None) -> TestOrder:
        """A fresh pending order via ``live.create_order``; raises ProbeError when it fails."""
        user = user_id or self.fresh_user_id()
        money = amount or self.amount
        answer = self.run_recipe("create_order", {"user_id": user, "amount": money}, label="create_order")
        if exchanges is not None and answer.exchange is not None:
            exchanges.append(answer.exchange)
        if not answer.ok:
            raise ProbeError(Text(f"无法创建测试订单：{answer.error}", f"could not create a test order: {answer.error}"),
                             answer.exchange)
        fields = dict(answer.fields)
        no_order = fields.get("no_order")
        if no_order is None and not (self.live.get("create_order") or {}).get("fields"):
            no_order = answer.value
        if not isinstance(no_order, (str, int)) or isinstance(no_order, bool) or str(no_order) == "":
            raise ProbeError(Text("live.create_order 的应答中没有订单号（fields.no_order）",
                                  "live.create_order answered without an order number (fields.no_order)"), answer.exchange)
        dt_order = str(fields.get("dt_order") or now_china().strftime("%Y%m%d%H%M%S"))
        return TestOrder(no_order=str(no_order), user_id=str(fields.get("user_id") or user),
                         amount=str(fields.get("money_order") or money), dt_order=dt_order)

    def credits(self, no_order: str, *, user_id: str | None = None, label: str = "credits",
                exchanges: list[Exchange] | None = None) -> int:
        """How many times the merchant credited `no_order` (``live.credits``); raises ProbeError."""
        answer = self.run_recipe("credits", {"no_order": no_order, "user_id": user_id}, label=label)
        if exchanges is not None and answer.exchange is not None:
            exchanges.append(answer.exchange)
        if not answer.ok:
            raise ProbeError(Text(f"无法读取入账次数：{answer.error}", f"could not read the credit count: {answer.error}"),
                             answer.exchange)
        return count_value(answer.value, "live.credits")

    def credited_order(self, user_id: str | None = None, amount: str | None = None,
                       exchanges: list[Exchange] | None = None,
                       notification: Mapping[str, str] | None = None) -> CreditedOrder:
        """create_order -> correctly signed SUCCESS notification -> credits == 1.

        The order is paid with this user's `no_agree` (the card LianLian would report), which the
        same-card probes then treat as the user's paying card. `notification` adds or overrides
        notification fields (the same-card probes add a masked ``card_no``). Raises ProbeError otherwise.
        """
        from golive.probes.notifications import build_notification, send_notification

        order = self.create_order(user_id, amount, exchanges)
        params = build_notification(self, order, **dict(notification or {}))
        response, exchange = send_notification(self, params, label="notify (credit a test order)")
        if exchanges is not None:
            exchanges.append(exchange)
        if response.error is not None:
            raise ProbeError(Text(f"正确签名的成功通知没有得到应答：{response.error}",
                                  f"a correctly signed SUCCESS notification got no answer: {response.error}"), exchange)
        # The set-up needs the credit, whatever the answer said (the answer is the notification
        # checks' business): count it, once more after live.settle_s for a merchant that books late.
        count = self.credits(order.no_order, user_id=order.user_id, exchanges=exchanges)
        if count == 0:
            self.client.sleep(float(self.live.get("settle_s", 1.0)))
            count = self.credits(order.no_order, user_id=order.user_id, exchanges=exchanges)
        if count != 1:
            answer = f"HTTP {exchange.status} {(exchange.response_body or '')[:80]!r}"
            raise ProbeError(Text(f"正确签名的成功通知（应答：{answer}）之后入账次数为 {count}，应为 1",
                                  f"after a correctly signed SUCCESS notification (answer: {answer}) the order was "
                                  f"credited {count} times, not once"), exchange)
        return CreditedOrder(order.no_order, order.user_id, params["no_agree"], order.amount)


def count_value(value: Any, where: str) -> int:
    """A credit count from a recipe answer: an integer or a string of digits."""
    if isinstance(value, bool):
        raise ProbeError(Text(f"{where} 的应答是布尔值，应为次数", f"{where} answered a boolean, expected a count"))
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    shown = mask_free_text(repr(value)[:40])
    raise ProbeError(Text(f"{where} 的应答 {shown} 不是次数", f"{where} answered {shown}, expected a count"))


def _parse_json_answer(body: bytes, headers: Mapping[str, str]) -> tuple[Any, str | None]:
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "the answer is not UTF-8 text"
    try:
        return safe_json.loads(text), None
    except ValueError:
        looks = "HTML" if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")) else (ctype or "text")
        return None, f"the answer is not JSON ({looks}: {mask_free_text(text.strip()[:60])!r})"

"""HTTP for live probes: bounded, guarded, recorded.

Probes talk to a merchant's *running* server, so every request here is:

* **bounded** -- a per-request timeout (``live.timeout_s``) enforced by a watchdog over the whole
  exchange (connect, send, read), so a server that drips one byte every few seconds cannot stretch
  it; a response larger than `MAX_RESPONSE_BYTES` is cut off; and a run-wide deadline after which
  nothing more is sent;
* **guarded** -- only to hosts named in the config's ``live:`` URLs, connected to the address that
  host resolved to; a non-loopback address only when the config names that host (and the user
  passed ``--probe``, which is the only way this module is reached). Redirects are never followed;
* **circuit-broken** -- a refused connection marks the host down and a timeout marks that target
  (notify_url, a recipe ...) unresponsive, so the remaining probes fail fast with the first reason
  instead of each waiting out its own timeout;
* **recorded** -- every request becomes an `Exchange`, redacted with `golive.redact` (card/ID/
  phone/name masked, credentials in headers hidden) *before* it is stored: what was sent, to which
  target, the status, the body, the time from the request (or a burst's last byte) to the complete
  answer, and why there was none. An exchange records; it never judges the answer.

The raw request is written by hand (HTTP/1.1, ``Connection: close``) so a burst of identical
notifications can be released together: each connection sends all but the last byte, waits on a
barrier, then sends the last byte ("last-byte sync"), which lines the copies up at the server far
more tightly than starting threads at the same time. The wait at the barrier is golive's own
coordination, not the merchant's time: the merchant's timeout and answer time start at the last
byte, and the barrier has its own, generous bound, so a loaded machine that is slow to open sixteen
connections cannot turn a correct merchant's answer into a timeout.

**Interruptible** -- Ctrl-C calls `cancel_all()`: every client stops sending at once (in-flight
sockets are shut down, bursts are called off, sleeps end), so nothing reaches the merchant after
golive says "interrupted".
"""

from __future__ import annotations

import errno
import http.client
import ipaddress
import json
import os
import select
import socket
import ssl
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

from golive import safe_json
from golive.redact import mask_free_text, redact_params

MAX_RESPONSE_BYTES = 1 << 20
# How long one copy of a burst may wait for the others at the barrier. This is golive's own
# coordination (threads, connections on a busy machine), so it is generous and separate from the
# merchant's timeout; the run deadline still bounds it.
BARRIER_WAIT_S = 30.0
MAX_STORED_BODY_CHARS = 4000
USER_AGENT = "golive-probe/1"
SENSITIVE_HEADER_PARTS = ("authorization", "cookie", "token", "secret", "key", "signature", "password")

# Why a request did not produce an answer (Exchange.error_kind).
ERROR_KINDS = ("refused", "timeout", "reset", "tls", "dns", "protocol", "too_large", "blocked", "deadline",
               "unresponsive", "aborted")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    label: str = ""  # what this request is for, e.g. "notify redelivery #3"
    target: str = ""  # circuit-breaker key: "notify_url", "recipe:credits", ...


@dataclass(frozen=True)
class HttpResponse:
    """The raw answer (probe code reads only whether there was one, and a recipe's JSON); `Exchange` is its record."""

    status: int | None
    headers: Mapping[str, str]
    body: bytes
    elapsed_ms: float
    error: str | None = None
    error_kind: str | None = None
    # Where `elapsed_ms` starts: "request" (golive began the request) or "last_byte" (a burst copy's
    # release: the wait at the barrier is golive's own, not the merchant's).
    timed_from: str = "request"

    @property
    def ok(self) -> bool:
        return self.error is None

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Exchange:
    """One request and its answer (or failure), redacted, with timings. Serialisable."""

    seq: int
    label: str
    kind: str  # "http" or "command"
    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: str | None
    status: int | None
    response_headers: Mapping[str, str]
    response_body: str | None
    started_ms: float  # since the probe session started
    elapsed_ms: float
    error: str | None = None
    error_kind: str | None = None
    target: str = ""  # what was addressed: "notify_url", "url_return", "recipe:credits" ...
    timed_from: str = "request"  # see HttpResponse.timed_from
    response_truncated_chars: int = 0  # characters of the (redacted) answer not kept

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "label": self.label, "kind": self.kind, "target": self.target, "method": self.method,
            "url": self.url, "request": {"headers": dict(self.request_headers), "body": self.request_body},
            "response": {"status": self.status, "headers": dict(self.response_headers), "body": self.response_body,
                         "truncated_chars": self.response_truncated_chars},
            "started_ms": round(self.started_ms, 1), "elapsed_ms": round(self.elapsed_ms, 1),
            "timed_from": self.timed_from, "error": self.error, "error_kind": self.error_kind,
        }


# -- redaction ------------------------------------------------------------------------------------

def _truncate(text: str) -> tuple[str, int]:
    if len(text) <= MAX_STORED_BODY_CHARS:
        return text, 0
    cut = len(text) - MAX_STORED_BODY_CHARS
    return text[:MAX_STORED_BODY_CHARS] + f"… [{cut} more chars]", cut


def redact_body(body: bytes | str | None, content_type: str = "") -> str | None:
    """A body fit for evidence: JSON and form fields redacted by name, free text masked."""
    return redact_body_cut(body, content_type)[0]


def redact_body_cut(body: bytes | str | None, content_type: str = "") -> tuple[str | None, int]:
    """`redact_body`, and how many characters of it were cut off (0: kept whole)."""
    if body is None:
        return None, 0
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if not text:
        return text, 0
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            parsed = safe_json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return _truncate(json.dumps(redact_params(parsed), ensure_ascii=False, separators=(",", ":")))
    if "x-www-form-urlencoded" in content_type.lower():
        pairs = parse_qsl(text, keep_blank_values=True)
        redacted = redact_params({k: v for k, v in pairs})
        # res_data (WAP return) holds a JSON result: redact inside it too
        if isinstance(redacted.get("res_data"), str):
            redacted["res_data"] = redact_body(dict(pairs).get("res_data", ""), "") or ""
        return _truncate(urlencode(redacted))
    return _truncate(mask_free_text(text))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers.items():
        if any(part in name.lower() for part in SENSITIVE_HEADER_PARTS):
            out[name] = f"[redacted, {len(value)} chars]"
        else:
            out[name] = mask_free_text(value)
    return out


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # never keep user:password@
    query = ""
    if parts.query:
        query = "?" + urlencode(redact_params(dict(parse_qsl(parts.query, keep_blank_values=True))))
    return mask_free_text(f"{parts.scheme}://{netloc}{parts.path}") + query


# -- where probes may go --------------------------------------------------------------------------

class Blocked(Exception):
    """A request the target policy refuses to send."""


@dataclass
class TargetPolicy:
    """Which hosts probes may contact: those named in the config's live URLs, nothing else.

    Each host is resolved once and pinned, so a DNS answer cannot change between the check and
    the connection. With `loopback_only` (tests, `GOLIVE_PROBE_LOOPBACK_ONLY=1`) only loopback
    addresses are ever connected to.
    """

    allowed_hosts: frozenset[str]
    loopback_only: bool = False
    _pinned: dict[tuple[str, int], str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def address_for(self, host: str, port: int) -> str:
        host = host.lower()
        if host not in self.allowed_hosts:
            raise Blocked(f"host {host} is not one of the live: hosts in the config ({', '.join(sorted(self.allowed_hosts))})")
        with self._lock:
            pinned = self._pinned.get((host, port))
        if pinned:
            return pinned
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _DnsError(f"cannot resolve {host}: {exc.strerror or exc}") from None
        addresses = [str(info[4][0]) for info in infos]  # an IPv6 sockaddr has more parts; the host is first
        loopback = [a for a in addresses if ipaddress.ip_address(a.split("%")[0]).is_loopback]
        if self.loopback_only and not loopback:
            raise Blocked(f"{host} resolves to {', '.join(addresses)}; probes are restricted to loopback")
        # Prefer loopback when a name resolves to both (localhost on dual-stack machines).
        chosen = (loopback or addresses)[0]
        with self._lock:
            self._pinned[(host, port)] = chosen
        return chosen


class _DnsError(Exception):
    pass


def hosts_of(urls: list[str]) -> frozenset[str]:
    return frozenset((urlsplit(u).hostname or "").lower() for u in urls if urlsplit(u).hostname)


# -- circuit breaker and deadline -----------------------------------------------------------------

class Breaker:
    """Remembers unreachable hosts and unresponsive targets so later requests fail fast."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[str, str] = {}

    def check(self, host_key: str, target: str) -> str | None:
        with self._lock:
            return self._down.get(host_key) or (self._down.get(target) if target else None)

    def record(self, host_key: str, target: str, kind: str | None, reason: str) -> None:
        if kind in ("refused", "dns"):
            key = host_key
        elif kind in ("timeout", "tls") and target:
            key = target
        else:
            return
        with self._lock:
            self._down.setdefault(key, reason)


# -- the client -----------------------------------------------------------------------------------

class _Watchdog:
    """Closes a socket when the whole exchange overruns its bound (drip-feeding servers)."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def arm(self, sock: socket.socket) -> None:
        self._sock = sock
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _classify(exc: BaseException, timeout_s: float, watchdog_fired: bool) -> tuple[str, str]:
    if watchdog_fired or isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout", f"no complete answer within {timeout_s:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "refused", "connection refused (nothing listening on that port?)"
    if isinstance(exc, ssl.SSLError):
        return "tls", f"TLS error: {exc.reason or exc}"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
                        http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return "reset", f"connection reset or closed before a complete answer ({type(exc).__name__})"
    if isinstance(exc, http.client.HTTPException):
        return "protocol", f"not a valid HTTP answer ({type(exc).__name__}: {str(exc)[:80]})"
    if isinstance(exc, _DnsError):
        return "dns", str(exc)
    if isinstance(exc, OSError):
        return "reset", f"network error: {exc.strerror or exc}"
    return "protocol", f"{type(exc).__name__}: {str(exc)[:120]}"


_CLIENTS: weakref.WeakSet[HttpClient] = weakref.WeakSet()
_CLIENTS_LOCK = threading.Lock()


def cancel_all() -> None:
    """Stop every live client at once (Ctrl-C): nothing is sent after this returns."""
    with _CLIENTS_LOCK:
        clients = list(_CLIENTS)
    for client in clients:
        client.cancel()


class HttpClient:
    """Sends `HttpRequest`s under a `TargetPolicy`, a timeout, a run deadline and a breaker."""

    def __init__(self, policy: TargetPolicy, timeout_s: float, deadline: float, *,
                 started: float | None = None) -> None:
        self.policy = policy
        self.timeout_s = timeout_s
        self.deadline = deadline  # time.monotonic() value after which nothing is sent
        self.started = started if started is not None else time.monotonic()
        self.breaker = Breaker()
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._seq = 0
        self._ssl = ssl.create_default_context()
        self._open: set[socket.socket] = set()
        self._barriers: set[threading.Barrier] = set()
        with _CLIENTS_LOCK:
            _CLIENTS.add(self)

    def cancel(self) -> None:
        """Refuse every further request, cut the ones in flight, call off bursts, end sleeps."""
        self.cancelled.set()
        with self._lock:
            sockets, barriers = list(self._open), list(self._barriers)
        for barrier in barriers:
            barrier.abort()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def sleep(self, seconds: float) -> None:
        """A pause that ends at once when the run is interrupted (in short slices, so a main
        thread pausing here runs the Ctrl-C handler promptly: golive.waiting)."""
        ends = time.monotonic() + seconds
        while not self.cancelled.is_set() and (left := ends - time.monotonic()) > 0:
            self.cancelled.wait(min(left, 0.1))

    def _track(self, sock: socket.socket | None = None, barrier: threading.Barrier | None = None,
               *, add: bool) -> None:
        with self._lock:
            if sock is not None:
                (self._open.add if add else self._open.discard)(sock)
            if barrier is not None:
                (self._barriers.add if add else self._barriers.discard)(barrier)

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    @property
    def count(self) -> int:
        with self._lock:
            return self._seq

    def _record(self, request: HttpRequest, response: HttpResponse, started: float) -> Exchange:
        ctype = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
        rtype = next((v for k, v in response.headers.items() if k.lower() == "content-type"), "")
        body, cut = redact_body_cut(response.body, rtype) if response.status is not None else (None, 0)
        return Exchange(
            seq=self.next_seq(), label=request.label, kind="http", method=request.method,
            url=redact_url(request.url), request_headers=redact_headers(request.headers),
            request_body=redact_body(request.body, ctype) if request.body else None,
            status=response.status, response_headers=redact_headers(response.headers), response_body=body,
            started_ms=(started - self.started) * 1000, elapsed_ms=response.elapsed_ms,
            error=response.error, error_kind=response.error_kind, target=request.target,
            timed_from=response.timed_from, response_truncated_chars=cut,
        )

    def send(self, request: HttpRequest, *, barrier: threading.Barrier | None = None) -> tuple[HttpResponse, Exchange]:
        """Send one request; never raises for network trouble (the answer says what went wrong).

        With `barrier`, everything but the request's last byte is sent, then the thread waits on
        the barrier and sends the last byte: all parties' requests complete together.
        """
        started = time.monotonic()
        response = self._send(request, barrier, started)
        return response, self._record(request, response, started)

    def _fail(self, started: float, kind: str, reason: str) -> HttpResponse:
        return HttpResponse(None, {}, b"", (time.monotonic() - started) * 1000, reason, kind)

    def _send(self, request: HttpRequest, barrier: threading.Barrier | None, started: float) -> HttpResponse:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            if barrier is not None:
                barrier.abort()
            return self._fail(started, "blocked", f"not an absolute http(s) URL: {redact_url(request.url)}")
        host = parts.hostname.lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host_key = f"{host}:{port}"
        if self.cancelled.is_set():
            if barrier is not None:
                barrier.abort()
            return self._fail(started, "aborted", "not sent: the run was interrupted")
        tripped = self.breaker.check(host_key, request.target)
        remaining = self.deadline - started
        if tripped or remaining <= 0:
            if barrier is not None:
                barrier.abort()
            if tripped:
                return self._fail(started, "unresponsive", f"not sent: an earlier request failed ({tripped})")
            return self._fail(started, "deadline", "not sent: the probe run reached its time limit")
        timeout = min(self.timeout_s, remaining)
        watchdog = _Watchdog(timeout)
        sock: socket.socket | None = None
        answer_from = started  # when the merchant's time starts: now, or at a burst's last byte
        if barrier is not None:
            self._track(barrier=barrier, add=True)
        try:
            address = self.policy.address_for(host, port)
            sock = self._connect(address, port, timeout)
            if parts.scheme == "https":
                plain = sock
                sock = self._ssl.wrap_socket(sock, server_hostname=host)
                self._track(plain, add=False)
                self._track(sock, add=True)
            if self.cancelled.is_set():
                raise threading.BrokenBarrierError
            raw = self._raw_request(request, parts, host, port)
            if barrier is not None:
                sock.sendall(raw[:-1])
                barrier.wait(max(min(BARRIER_WAIT_S, self.deadline - time.monotonic()), 0.1))
                if self.cancelled.is_set():
                    raise threading.BrokenBarrierError
                answer_from = time.monotonic()
                watchdog.arm(sock)
                sock.sendall(raw[-1:])
            else:
                watchdog.arm(sock)
                sock.sendall(raw)
            answer = http.client.HTTPResponse(sock, method=request.method)
            answer.begin()
            body = answer.read(MAX_RESPONSE_BYTES + 1)
            elapsed = (time.monotonic() - answer_from) * 1000
            headers = {k: v for k, v in answer.getheaders()}
            if watchdog.fired:
                raise TimeoutError
            timed_from = "last_byte" if barrier is not None else "request"
            if len(body) > MAX_RESPONSE_BYTES:
                return HttpResponse(answer.status, headers, body[:MAX_RESPONSE_BYTES], elapsed,
                                    f"answer larger than {MAX_RESPONSE_BYTES} bytes", "too_large", timed_from)
            return HttpResponse(answer.status, headers, body, elapsed, timed_from=timed_from)
        except Blocked as exc:
            if barrier is not None:
                barrier.abort()
            return self._fail(started, "blocked", f"not sent: {exc}")
        except threading.BrokenBarrierError:
            if self.cancelled.is_set():
                return self._fail(started, "aborted", "not completed: the run was interrupted")
            return self._fail(started, "aborted", "not completed: the burst was called off (another copy failed)")
        except Exception as exc:  # network trouble is an answer, not a crash
            if barrier is not None:
                barrier.abort()
            if self.cancelled.is_set():
                return self._fail(started, "aborted", "not completed: the run was interrupted")
            kind, reason = _classify(exc, timeout, watchdog.fired)
            self.breaker.record(host_key, request.target, kind, reason)
            failed = self._fail(answer_from, kind, reason)
            if answer_from != started:  # the burst was released: the merchant's time ran from the last byte
                failed = HttpResponse(None, {}, b"", failed.elapsed_ms, reason, kind, "last_byte")
            return failed
        finally:
            watchdog.cancel()
            self._track(sock, add=False)  # barriers stay tracked: other copies may still wait on one
            if sock is not None:
                try:
                    sock.close()
                except OSError:
                    pass

    def _connect(self, address: str, port: int, timeout: float) -> socket.socket:
        """Connect in small steps, so an interruption (or the watchdog's bound) is never stuck
        behind a blocking connect to a server whose accept queue is full."""
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        self._track(sock, add=True)
        try:
            # cancel() sets the flag before it collects the open sockets: a socket added after that
            # collection sees the flag here, so no connection opened during an interruption lives on.
            if self.cancelled.is_set():
                raise threading.BrokenBarrierError
            sock.setblocking(False)
            code = sock.connect_ex((address, port))
            ends = time.monotonic() + timeout
            while code in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
                if self.cancelled.is_set():
                    raise threading.BrokenBarrierError
                remaining = ends - time.monotonic()
                if remaining <= 0:
                    raise socket.timeout("connect timed out")
                _, writable, _ = select.select([], [sock], [], min(0.1, remaining))
                if writable:
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                raise OSError(code, os.strerror(code))  # e.g. ConnectionRefusedError, by errno
            sock.settimeout(timeout)
            return sock
        except BaseException:
            self._track(sock, add=False)
            sock.close()
            raise

    @staticmethod
    def _raw_request(request: HttpRequest, parts: Any, host: str, port: int) -> bytes:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_port = 443 if parts.scheme == "https" else 80
        host_header = host if port == default_port else f"{host}:{port}"
        if ":" in host and not host.startswith("["):
            host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
        lines = [f"{request.method} {path} HTTP/1.1", f"Host: {host_header}", f"User-Agent: {USER_AGENT}",
                 "Accept: */*", "Connection: close"]
        names = {k.lower() for k in request.headers}
        for name, value in request.headers.items():
            if name.lower() in ("host", "connection", "content-length"):
                continue
            lines.append(f"{name}: {value}")
        if request.body or request.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(request.body)}")
        if "user-agent" in names:
            lines.remove(f"User-Agent: {USER_AGENT}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        return head + request.body

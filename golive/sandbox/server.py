"""The sandbox's HTTP front: a bounded stdlib server on loopback, and `start_sandbox`.

Why the standard library's ``http.server`` and threads rather than asyncio: the work per request
is synchronous anyway (SQLite, RSA), ``http.server`` parses HTTP for us without a dependency, and
the demo merchant and the probes already use it. What the stock ``ThreadingHTTPServer`` lacks is a
bound -- it starts a thread per connection -- so `_BoundedServer` hands accepted connections to a
fixed pool of worker threads through a bounded queue and answers 503 at once when the queue is
full. Connections close after each answer (HTTP/1.0 style), so an idle keep-alive browser never
holds a worker. Bodies are capped at 1 MiB, a stalled client is dropped after 10 s.

Binding: loopback only unless ``allow_non_loopback`` (``--allow-non-loopback``): the sandbox signs
as "LianLian" for whoever posts an order, which must not be reachable from a network by accident.
One sandbox per state directory (an advisory lock), so two processes never deliver one outbox.
"""

from __future__ import annotations

import fcntl
import ipaddress
import logging
import os
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import urlsplit

from golive.errors import InputError
from golive.sandbox.app import Sandbox
from golive.sandbox.db import Database
from golive.sandbox.exchange import Answer, Request
from golive.sandbox.journal import JOURNAL_FILE, JournalError
from golive.sandbox.keys import SandboxKey, load_or_create
from golive.sandbox.settings import SandboxSettings

log = logging.getLogger("golive.sandbox")

MAX_BODY_BYTES = 1 << 20
LOCK_FILE = "sandbox.lock"


class _Handler(BaseHTTPRequestHandler):
    server: _BoundedServer
    server_version = "golive-sandbox"
    sys_version = ""
    timeout = 10
    # Headers and body leave in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (tens of ms per answer on loopback).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # never bodies or query strings; `verbose` logs method, path and status below

    def _dispatch(self) -> None:
        length_text = self.headers.get("Content-Length")
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._write(Answer.json({"ret_code": "1012", "ret_msg": "请求报文解析失败", "error": "send a Content-Length"},
                                    status=411))
            return
        try:
            length = int(length_text) if length_text else 0
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._write(Answer.json({"ret_code": "1012", "ret_msg": "请求报文解析失败",
                                     "error": "bad Content-Length or body over 1 MiB"}, status=413))
            return
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(method=self.command, path=parts.path, query=parts.query, headers=list(self.headers.items()),
                          body=body, client_ip=str(self.client_address[0]))
        answer = self.server.sandbox.handle(request)
        self._write(answer)
        if self.server.verbose:
            log.info("%s %s %s", self.command, parts.path, answer.status)

    def _write(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch


class _BoundedServer(HTTPServer):
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], sandbox: Sandbox, workers: int, backlog: int = 512,
                 verbose: bool = False) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.sandbox = sandbox
        self.verbose = verbose
        self._queue: queue.Queue[tuple[Any, Any] | None] = queue.Queue(maxsize=backlog)
        super().__init__(address, _Handler)
        self._workers = [threading.Thread(target=self._work, name=f"sandbox-http-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._workers:
            thread.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        try:
            self._queue.put_nowait((request, client_address))
        except queue.Full:  # over the bound: answer at once instead of queueing without limit
            try:
                request.settimeout(1.0)
                body = b'{"ret_code":"1007","ret_msg":"\xe7\xbd\x91\xe7\xbb\x9c\xe9\x93\xbe\xe6\x8e\xa5\xe7\xb9\x81\xe5\xbf\x99"}'
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json;charset=utf-8\r\n"
                                b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            except OSError:
                pass
            self.shutdown_request(request)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("sandbox: connection from %s ended with an error", client_address)

    def stop_workers(self) -> None:
        for _ in self._workers:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                break


def check_bind_host(host: str, allow_non_loopback: bool) -> str:
    """The address to bind; a non-loopback one only with the explicit flag."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise InputError(f"{host!r} is not an IP address; give one, e.g. 127.0.0.1", key="--host") from None
    if not address.is_loopback and not allow_non_loopback:
        raise InputError(f"{host} is not a loopback address: the sandbox signs as LianLian for anyone who can "
                         "reach it; add --allow-non-loopback if that is really meant", key="--host")
    return host


class RunningSandbox:
    """A sandbox serving in background threads; `stop()` (or leaving ``with``) ends it within a second."""

    def __init__(self, server: _BoundedServer, thread: threading.Thread, sandbox: Sandbox, db: Database,
                 lock: IO[str], resumed: int) -> None:
        self._server = server
        self._thread = thread
        self.sandbox = sandbox
        self.db = db
        self._lock = lock
        self.resumed = resumed
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.base_url = sandbox.base_url
        self._stopped = False
        self.sftp: Any = None  # golive.recon.sftp.StatementServer, with --sftp-port

    @property
    def key(self) -> SandboxKey:
        return self.sandbox.key

    @property
    def journal(self) -> Path:
        return self.db.path

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.sandbox.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.stop_workers()
        self._thread.join(1.0)
        if self.sftp is not None:
            self.sftp.stop()
        try:
            from golive.sandbox.statements import write_statements

            write_statements(self.sandbox)  # the day's files for what this run processed
        except Exception:  # a stop must not fail on the statements; they are rewritten on the next start
            log.exception("writing the statement files failed")
        try:
            self.sandbox.stop()
        finally:
            self.db.close()
            self._lock.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _take_lock(state_dir: Path) -> IO[str]:
    handle = open(state_dir / LOCK_FILE, "a+", encoding="ascii")  # noqa: SIM115 - held while running
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise InputError(f"another sandbox (pid {holder}) is using this state directory; stop it or pick "
                         "another --state-dir", file=str(state_dir)) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def start_sandbox(settings: SandboxSettings, *, allow_non_loopback: bool = False, verbose: bool = False) -> RunningSandbox:
    """Open the state directory, bind, resume unfinished deliveries, serve in the background."""
    host = check_bind_host(settings.host, allow_non_loopback)
    state_dir = Path(settings.state_dir)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the state directory: {exc.strerror}", file=str(state_dir)) from None
    lock = _take_lock(state_dir)
    try:
        key = load_or_create(state_dir, settings.lianlian_key_file)
        try:
            db = Database(state_dir / JOURNAL_FILE)
        except JournalError as exc:
            raise InputError(str(exc)) from None
        sandbox = Sandbox(settings, key, db)
        try:
            server = _BoundedServer((host, settings.port), sandbox, settings.workers, verbose=verbose)
        except OSError as exc:
            db.close()
            raise InputError(f"cannot listen on {host}:{settings.port}: {exc.strerror}", key="--port") from None
    except BaseException:
        lock.close()
        raise
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in str(bound_host) else str(bound_host)
    resumed = sandbox.start(f"http://{shown}:{bound_port}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"sandbox:{bound_port}", daemon=True)
    thread.start()
    running = RunningSandbox(server, thread, sandbox, db, lock, resumed)
    if settings.sftp_port is not None:
        try:
            running.sftp = _start_sftp(settings, host, sandbox)
        except BaseException:
            running.stop()
            raise
    return running


def _start_sftp(settings: SandboxSettings, host: str, sandbox: Sandbox) -> Any:
    """The statement SFTP endpoint: read-only, the state directory's statements/ folder, key login."""
    from golive.recon.sftp import SftpError, StatementServer, load_or_create_host_key
    from golive.sandbox.statements import FOLDER, write_statements

    if not settings.sftp_authorized_keys:
        raise InputError("the statement SFTP needs the public key of the merchant's job (--sftp-authorized-key FILE)",
                         key="--sftp-authorized-key")
    folder = Path(settings.state_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    try:
        host_key = load_or_create_host_key(Path(settings.state_dir) / "sftp_host_key")
        server = StatementServer(folder, host_key, list(settings.sftp_authorized_keys), host=host,
                                 port=settings.sftp_port or 0, refresh=lambda: write_statements(sandbox))
        return server.start()
    except SftpError as exc:
        raise InputError(str(exc), key="--sftp-port") from None
    except ValueError as exc:  # an authorized key that is not an OpenSSH public key
        raise InputError(f"not an OpenSSH public key: {exc}", key="--sftp-authorized-key") from None

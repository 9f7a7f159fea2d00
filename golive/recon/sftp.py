"""SFTP, the way LianLian hands merchants their statement files (guide 九 商户对账: 方式二).

LianLian gives the SFTP parameters after the agreement and restricts SFTP by source IP; host names
and paths are in no public source (docs/protocol.md §9 [UNKNOWN]). What a merchant's job must do is
clear all the same, and the client here does it:

* **pin the host key** -- a statement fetched from an impostor is a forged statement. The pin is
  one OpenSSH public-key line (``ssh-ed25519 AAAA…``, as ``ssh-keyscan`` or ``golive sandbox``
  prints it, a ``known_hosts`` host prefix allowed) or a ``SHA256:…`` fingerprint. It is checked
  during the key exchange, before any login;
* **log in with a key**, never a password in a file; the key (and its passphrase) come from
  ``{env:}`` / ``{file:}`` secrets, are never printed, and nothing else is tried (no agent, no
  ``~/.ssh/config``, no keyboard-interactive);
* **bounded** -- connect, login and every transfer have timeouts; files and counts are capped.

The server side (`StatementServer`) is what ``golive sandbox`` serves its files with and what the
tests start on 127.0.0.1: asyncssh's SFTP server, read-only, chrooted to one folder, key login only.
asyncssh is an optional extra (``pip install 'lianlian-golive[sftp]'``); it is imported only here.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FetchedFile", "SftpError", "SftpTarget", "StatementServer", "fetch_files", "host_key_line",
           "import_asyncssh"]

MAX_FILES = 400
MAX_FILE_BYTES = 256 << 20


class SftpError(Exception):
    """The fetch failed; the message says why (never a secret)."""


@dataclass(frozen=True)
class SftpTarget:
    host: str
    port: int
    username: str
    private_key: str  # key text (secret, never shown)
    host_key: str  # the pin: an OpenSSH public key line or a SHA256: fingerprint
    directory: str = "."
    timeout_s: float = 10.0
    passphrase: str | None = None

    def __repr__(self) -> str:
        return f"SftpTarget({self.username}@{self.host}:{self.port}, {self.directory})"

    @property
    def shown(self) -> str:
        return f"sftp://{self.username}@{self.host}:{self.port}/{self.directory.lstrip('/')}"


@dataclass(frozen=True)
class FetchedFile:
    name: str
    data: bytes


def import_asyncssh() -> Any:
    try:
        import asyncssh
    except ImportError:
        raise SftpError("SFTP needs the asyncssh package: pip install 'lianlian-golive[sftp]'") from None
    return asyncssh


def fingerprint(key: Any) -> str:
    """``SHA256:…`` of an asyncssh public key, as OpenSSH prints it."""
    digest = hashlib.sha256(key.public_data).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def _pin_matches(pin: str, key: Any, asyncssh: Any) -> bool:
    pin = pin.strip()
    if pin.startswith("SHA256:"):
        return fingerprint(key) == pin.rstrip("=")
    words = pin.split()
    # A known_hosts line starts with the host pattern; an authorized-key style line with the type.
    if len(words) >= 3 and not words[0].startswith(("ssh-", "ecdsa-", "sk-")):
        words = words[1:]
    try:
        pinned = asyncssh.import_public_key(" ".join(words[:2]))
    except (ValueError, asyncssh.KeyImportError):
        return False
    return bool(pinned.public_data == key.public_data)


def check_pin(pin: str) -> str | None:
    """Why `pin` is not a usable host-key pin, or None."""
    asyncssh = import_asyncssh()
    text = pin.strip()
    if text.startswith("SHA256:"):
        body = text[7:]
        try:
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        except ValueError:
            return "the SHA256: fingerprint is not Base64"
        return None if len(raw) == 32 else "the SHA256: fingerprint is not 32 bytes"
    words = text.split()
    if len(words) >= 3 and not words[0].startswith(("ssh-", "ecdsa-", "sk-")):
        words = words[1:]
    try:
        asyncssh.import_public_key(" ".join(words[:2]))
    except (ValueError, asyncssh.KeyImportError):
        return "not an OpenSSH public key line (ssh-ed25519 AAAA…) nor a SHA256: fingerprint"
    return None


async def _fetch(target: SftpTarget, wanted: Any) -> list[FetchedFile]:
    asyncssh = import_asyncssh()
    try:
        key = asyncssh.import_private_key(target.private_key, target.passphrase)
    except (ValueError, asyncssh.KeyImportError) as exc:
        raise SftpError(f"the SFTP private key cannot be read ({type(exc).__name__}; is a passphrase needed?)") from None

    class Pinned(asyncssh.SSHClient):  # type: ignore[misc,name-defined]
        def validate_host_public_key(self, host: str, addr: str, port: int, server_key: Any) -> bool:
            return _pin_matches(target.host_key, server_key, asyncssh)

    try:
        conn = await asyncssh.connect(
            target.host, target.port, username=target.username, client_keys=[key], client_factory=Pinned,
            known_hosts=([], [], []), config=[], agent_path=None, password_auth=False, kbdint_auth=False,
            host_based_auth=False, gss_auth=False, gss_kex=False, preferred_auth="publickey",
            connect_timeout=target.timeout_s, login_timeout=target.timeout_s)
    except asyncssh.HostKeyNotVerifiable:
        raise SftpError(f"{target.host}:{target.port} presented a host key that is not the pinned one "
                        "(reconciliation.sftp.host_key); nothing was fetched") from None
    except asyncssh.PermissionDenied:
        raise SftpError(f"{target.username}@{target.host}:{target.port} refused the key login") from None
    except (OSError, asyncssh.Error, asyncio.TimeoutError) as exc:
        raise SftpError(f"cannot connect to {target.host}:{target.port}: {type(exc).__name__}: "
                        f"{getattr(exc, 'reason', None) or exc or 'timed out'}") from None
    files: list[FetchedFile] = []
    async with conn:
        try:
            async with conn.start_sftp_client() as sftp:
                entries = await asyncio.wait_for(sftp.readdir(target.directory), target.timeout_s)
                regular = [e.filename for e in entries if e.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR]
                chosen = sorted(str(n) for n in regular if wanted(str(n)))[:MAX_FILES]
                for name in chosen:
                    path = f"{target.directory.rstrip('/')}/{name}" if target.directory not in ("", ".") else name
                    attrs = await asyncio.wait_for(sftp.stat(path), target.timeout_s)
                    if attrs.size is not None and attrs.size > MAX_FILE_BYTES:
                        raise SftpError(f"{name} is larger than {MAX_FILE_BYTES >> 20} MiB")
                    async with await sftp.open(path, "rb") as handle:
                        data = await asyncio.wait_for(handle.read(MAX_FILE_BYTES + 1), max(target.timeout_s, 30.0))
                    files.append(FetchedFile(name, data))
        except asyncssh.SFTPError as exc:
            raise SftpError(f"SFTP {target.directory}: {exc.reason}") from None
        except asyncio.TimeoutError:
            raise SftpError(f"SFTP {target.host}:{target.port} timed out after {target.timeout_s} s") from None
    return files


def fetch_files(target: SftpTarget, wanted: Any) -> list[FetchedFile]:
    """The files in the target folder whose names `wanted(name)` accepts. Raises `SftpError`."""
    return asyncio.run(_fetch(target, wanted))


# -- the server side -----------------------------------------------------------------------------------

def host_key_line(key: Any) -> str:
    """The OpenSSH public-key line of an asyncssh key (what a merchant pins)."""
    return str(key.export_public_key("openssh").decode("ascii")).strip()


def load_or_create_host_key(path: Path) -> Any:
    """An ed25519 host key kept in `path` (created 0600 on first use)."""
    asyncssh = import_asyncssh()
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.export_private_key("openssh"))
    path.chmod(0o600)
    return key


class StatementServer:
    """A read-only SFTP server on loopback serving one folder to the holders of the given keys.

    Runs its own event loop in a thread; `start()` returns once it listens, `stop()` within a second.
    """

    def __init__(self, root: Path, host_key: Any, authorized_keys: list[str], *, host: str = "127.0.0.1",
                 port: int = 0, username: str | None = None, refresh: Any = None) -> None:
        self.root = Path(root)
        self.host_key = host_key
        self.authorized_keys = [k.strip() for k in authorized_keys if k.strip()]
        self.host = host
        self.port = port
        self.username = username
        self.refresh = refresh  # called after each login, before files are served (the sandbox rewrites them)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.logins: list[str] = []

    @property
    def host_key_line(self) -> str:
        return host_key_line(self.host_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.host_key.convert_to_public())

    def start(self) -> StatementServer:
        self._thread = threading.Thread(target=self._run, name="golive-sftp", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise SftpError(f"the SFTP server could not start: {self._error}")
        if not self._ready.is_set():
            raise SftpError("the SFTP server did not start within 10 s")
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._listen())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _listen(self) -> None:
        asyncssh = import_asyncssh()
        authorized = asyncssh.import_authorized_keys("\n".join(self.authorized_keys) + "\n") if self.authorized_keys else None
        server = self

        class Gate(asyncssh.SSHServer):  # type: ignore[misc,name-defined]
            def begin_auth(self, username: str) -> bool:
                return True

            def password_auth_supported(self) -> bool:
                return False

            def public_key_auth_supported(self) -> bool:
                return True

            def validate_public_key(self, username: str, key: Any) -> bool:
                if server.username is not None and username != server.username:
                    return False
                ok = authorized is not None and authorized.validate(key, "127.0.0.1", "127.0.0.1") is not None
                if ok:
                    server.logins.append(username)
                    if server.refresh is not None:
                        try:
                            server.refresh()
                        except Exception:  # serve what is there; the next login tries again
                            pass
                return ok

        root = str(self.root.resolve()).encode()

        class ReadOnly(asyncssh.SFTPServer):  # type: ignore[misc,name-defined]
            def __init__(self, chan: Any) -> None:
                super().__init__(chan, chroot=root)

            def open(self, path: bytes, pflags: int, attrs: Any) -> Any:
                if pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT | asyncssh.FXF_TRUNC):
                    raise asyncssh.SFTPPermissionDenied("read-only")
                return super().open(path, pflags, attrs)

            def remove(self, path: bytes) -> None:
                raise asyncssh.SFTPPermissionDenied("read-only")

            def rename(self, oldpath: bytes, newpath: bytes) -> None:
                raise asyncssh.SFTPPermissionDenied("read-only")

            def mkdir(self, path: bytes, attrs: Any) -> None:
                raise asyncssh.SFTPPermissionDenied("read-only")

            def rmdir(self, path: bytes) -> None:
                raise asyncssh.SFTPPermissionDenied("read-only")

            def setstat(self, path: bytes, attrs: Any) -> None:
                raise asyncssh.SFTPPermissionDenied("read-only")

        self._server = await asyncssh.listen(
            self.host, self.port, server_host_keys=[self.host_key], server_factory=Gate, sftp_factory=ReadOnly,
            allow_scp=False, process_factory=None, login_timeout=10, keepalive_interval=0)
        sockets = self._server.sockets
        self.port = int(sockets[0].getsockname()[1])

    def stop(self) -> None:
        loop = self._loop
        if loop is None or not loop.is_running():
            return

        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        try:
            asyncio.run_coroutine_threadsafe(close(), loop).result(2)
        except Exception:  # pragma: no cover - stopping is best effort
            pass
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(2)

    def __enter__(self) -> StatementServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

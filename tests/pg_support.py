"""A real PostgreSQL server for the tests, started from the machine's binaries (initdb, pg_ctl,
postgres) in a temporary directory, listening on 127.0.0.1 only, on a free port; stopped and
removed afterwards. Skips (with the reason) only when no PostgreSQL binaries exist.

PostgreSQL refuses to run as root: as root (CI), the server runs as the ``postgres`` user (or
``nobody``) through ``runuser``."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in (f"/usr/local/bin/{name}", *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user() -> tuple[list[str], str | None]:
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", user, "--"], user
    pytest.skip("running as root and no unprivileged user/runuser to start PostgreSQL")


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A DSN (user golive, password-less over 127.0.0.1 with trust auth) of a fresh server."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    prefix, user = _as_user()
    base = Path(tempfile.mkdtemp(prefix="golive-pg-"))
    data = base / "data"
    if user:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "golive", "-A", "trust", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True, env=env)
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c fsync=off"
    subprocess.run([*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "-t", "30", "start"],
                   check=True, capture_output=True, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"postgresql+psycopg://golive@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True, env=env)
        shutil.rmtree(base, ignore_errors=True)

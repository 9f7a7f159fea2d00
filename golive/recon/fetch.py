"""Getting the statement files the way the merchant does, and reconciling them (the gatherer's work).

``reconciliation:`` in golive.yaml names one source -- ``path`` (a local folder: files downloaded
from 商户站, or what the merchant's own SFTP job saved) or ``sftp`` (LianLian's SFTP, host key
pinned, key login) -- and optionally a window (``from``/``to``, dates) and the ledger. Without a
source the merchant either attests that it reconciles by hand from the merchant-site download
(``manual``), or has not set reconciliation up: LL-REC-001 then says what to set up (`SETUP`).

`gather_reconciliation` returns the ``reconciliation`` evidence value: plain, redacted data.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Mapping

from golive.config import LoadedConfig, read_secret, resolve_path, secret_ref
from golive.errors import InputError
from golive.model import Text
from golive.recon.statements import StatementFile, iter_names, parse_name, read_statement

SETUP = Text(
    "请配置对账：在 golive.yaml 的 reconciliation: 下给出对账文件来源——path（从商户站下载或本地 SFTP 任务保存的目录）"
    "或 sftp（host、port、username、private_key、host_key，连连签约后提供）——并用 evidence.ledger 提供台账（列见 README "
    "“Reconciliation”，建议含 settle_date、oid_paybill）；若每天人工从商户站下载核对，写 reconciliation.manual "
    "（attested_by、date）说明由谁负责",
    "set up reconciliation: under reconciliation: in golive.yaml give the statements' source -- path (a folder of files "
    "downloaded from 商户站 or saved by your SFTP job) or sftp (host, port, username, private_key, host_key, from "
    "LianLian after signing) -- and the ledger as evidence.ledger (columns in README \"Reconciliation\"; settle_date and "
    "oid_paybill recommended); if someone reconciles by hand from the merchant-site download every day, say who in "
    "reconciliation.manual (attested_by, date)")


def _date(config: LoadedConfig, key: str) -> str | None:
    value = config.get(key)
    return str(value).replace("-", "") if value else None


def _window(config: LoadedConfig, date: str) -> bool:
    start, end = _date(config, "reconciliation.from"), _date(config, "reconciliation.to")
    day_start = date if len(date) == 8 else date + "01"
    day_end = date if len(date) == 8 else date + "31"
    return (start is None or day_end >= start) and (end is None or day_start <= end)


def _sftp_target(config: LoadedConfig, environ: Mapping[str, str]) -> Any:
    """The SFTP target from the config; bad input (no asyncssh, a pin or key that cannot be read) is
    an InputError naming the key -- never a traceback, never the key itself."""
    from golive.recon.sftp import SftpError, SftpTarget, check_pin, import_asyncssh

    try:
        asyncssh = import_asyncssh()
    except SftpError as exc:
        raise config.error("reconciliation.sftp", str(exc)) from None

    spec = config.get("reconciliation.sftp")
    key_ref = secret_ref(config, "reconciliation.sftp.private_key")
    assert key_ref is not None  # the schema requires it
    key_text, _ = read_secret(config, key_ref, dict(environ))
    passphrase = None
    pass_ref = secret_ref(config, "reconciliation.sftp.passphrase")
    if pass_ref is not None:
        passphrase, _ = read_secret(config, pass_ref, dict(environ))
    try:
        asyncssh.import_private_key(key_text, passphrase)
    except (ValueError, asyncssh.KeyImportError) as exc:
        needs = " (encrypted: give reconciliation.sftp.passphrase)" if "passphrase" in str(exc).lower() else ""
        raise config.error("reconciliation.sftp.private_key",
                           f"not an SSH private key golive can read ({type(exc).__name__}){needs}") from None
    pin = str(spec["host_key"])
    problem = check_pin(pin)
    if problem:
        raise config.error("reconciliation.sftp.host_key", problem)
    return SftpTarget(str(spec["host"]), int(spec.get("port", 22)), str(spec["username"]), key_text, pin,
                      str(spec.get("directory", ".")), float(spec.get("timeout_s", 10.0)), passphrase)


def _local(config: LoadedConfig, oid_partner: str) -> tuple[list[tuple[str, bytes]], str]:
    folder = resolve_path(config, str(config.get("reconciliation.path")))
    if not folder.exists():
        raise config.error("reconciliation.path", f"folder not found: {folder}")
    if not folder.is_dir():
        raise config.error("reconciliation.path", f"not a folder: {folder}")
    files = []
    for name, _kind, date in iter_names(os.listdir(folder), oid_partner):
        if _window(config, date):
            try:
                files.append((name, (folder / name).read_bytes()))
            except OSError as exc:
                raise InputError(f"cannot read statement file: {exc.strerror}", file=str(folder / name),
                                 key="reconciliation.path") from None
    return files, str(config.get("reconciliation.path"))


def gather_reconciliation(config: LoadedConfig, environ: Mapping[str, str], ledger_override: str | None) -> tuple[str, Any]:
    """("ok", value) / ("missing", Text) / ("failed", Text): what LL-REC-* judge."""
    section = config.get("reconciliation")
    manual = config.get("reconciliation.manual")
    oid_partner = str(config.get("merchant.oid_partner"))
    if not isinstance(section, dict) or not (section.get("path") or section.get("sftp")):
        return "ok", {"configured": False, "manual": manual, "setup": SETUP.to_dict(),
                      "key": "reconciliation"}
    if section.get("path") and section.get("sftp"):
        raise config.error("reconciliation", "give one source: path or sftp, not both")
    ledger_written = ledger_override or section.get("ledger") or config.get("evidence.ledger")
    if ledger_written and not isinstance(ledger_written, str):
        return "failed", Text(
            "对账读取台账文件（CSV）；evidence.ledger 指向数据库：请用 reconciliation.ledger 给出台账的 CSV 导出",
            "reconciliation reads the ledger as a file (CSV) and evidence.ledger names a database: give a CSV export "
            "of the books as reconciliation.ledger")
    if section.get("sftp"):
        from golive.recon.sftp import SftpError, fetch_files

        target = _sftp_target(config, environ)

        def wanted(name: str) -> bool:
            parts = parse_name(name)
            return bool(parts and parts[1] == oid_partner and _window(config, parts[2]))

        try:
            fetched = [(f.name, f.data) for f in fetch_files(target, wanted)]
        except SftpError as exc:
            return "failed", Text(f"无法从 SFTP 获取对账文件：{exc}", f"cannot fetch the statements over SFTP: {exc}")
        source = {"kind": "sftp", "where": target.shown, "host_key": target.host_key[:80]}
    else:
        fetched, written = _local(config, oid_partner)
        source = {"kind": "path", "where": written}
    statements = [read_statement(name, data, oid_partner=oid_partner) for name, data in fetched]
    value: dict[str, Any] = {"configured": True, "manual": manual, "source": source,
                             "files": [s.describe() for s in statements],
                             "problems": [p.to_dict() for s in statements for p in s.problems],
                             "ledger": None, "reconciliation": None,
                             "window": {"from": _date(config, "reconciliation.from"), "to": _date(config, "reconciliation.to")}}
    if not statements:
        return "ok", value
    if not ledger_written:
        value["ledger_missing"] = True
        return "ok", value
    from golive.recon.books import read_books
    from golive.recon.engine import reconcile

    ledger_path = Path(ledger_written) if ledger_override else resolve_path(config, str(ledger_written))
    if not ledger_path.is_file():
        raise InputError("ledger file not found", file=str(ledger_path),
                         key="reconciliation.ledger" if section.get("ledger") else "evidence.ledger")
    books = read_books(ledger_path, str(ledger_written))
    value["ledger"] = books.describe()
    value["ledger_problems"] = [{"file": books.file, "line": line or None, "message": message}
                                for line, message in books.problems[:50]]
    cutoff = int(section.get("cutoff_minutes", 30))
    engine = str(section.get("engine") or "python")  # the schema allows python | duckdb
    memory = int(config.get("evidence.ledger_memory_mb") or 512)
    value["reconciliation"] = reconcile(_usable(statements), books, cutoff_minutes=cutoff, engine=engine,
                                        memory_mb=memory).to_dict()
    value["checked_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return "ok", value


def _usable(statements: list[StatementFile]) -> list[StatementFile]:
    """Files whose name could be read (a wrong name is a problem of its own)."""
    return [s for s in statements if s.kind]

"""The config gatherer: golive.yaml and the keys it names -- the only place key files are read.

Produces three kinds of evidence (golive/evidence/kinds.py):
- ``config``: the validated config with every secret replaced by a descriptor (how it is given);
- ``keys``: facts about each key-material slot (golive.signing.KEY_SLOTS), never the key itself:
  how it is given (inline/env/file), file mode and whether git tracks the file (LL-SIG-007); for
  RSA keys bits and public fingerprint and whether the merchant pair matches (LL-SIG-004/005); for
  the MD5 key its length, character classes and whether it is a published demo key (LL-SIG-002/003);
- ``signing``: the loaded keys as `golive.signing.SigningMaterial`, in memory only.

A key file that is missing or unparsable is bad input (exit 2, naming file and key), because
nothing about the signing setup can be judged without it.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Any, Mapping

from golive.config import LoadedConfig, SecretRef, iter_secret_refs, read_secret
from golive.errors import InputError
from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text
from golive.signing import NOT_KEY_ROLES, SLOT_BY_KEY, KeyRole, SigningMaterial


def _git_tracked(path: Path) -> bool | None:
    """True if git tracks the file; False if it does not (or the file is in no repository); None if
    golive could not ask git (not installed, timed out) -- LL-SIG-007 then says so instead of passing."""
    try:
        completed = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", path.name],
            cwd=path.parent, capture_output=True, timeout=5, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode == 0:
        return True
    stderr = completed.stderr.lower()
    if b"dubious ownership" in stderr or b"safe.directory" in stderr:
        return None  # git refuses to look (a checkout owned by another user, as in CI containers)
    return False


def _file_facts(path: Path) -> dict[str, Any]:
    mode = stat.S_IMODE(path.stat().st_mode)
    return {
        "file": str(path),
        "mode": f"{mode:04o}",  # 0644, as chmod and ls write it (not Python's 0o644)
        "group_or_world_readable": bool(mode & (stat.S_IRGRP | stat.S_IROTH)),
        "tracked_in_git": _git_tracked(path),
    }


def _dsn_password(config: LoadedConfig) -> str | None:
    """The password written inside ``evidence.ledger.dsn``, if any."""
    dsn = config.get("evidence.ledger.dsn")
    if not isinstance(dsn, str):
        return None
    from golive.books.database import dsn_password

    return dsn_password(dsn)


def redacted_config(data: Mapping[str, Any], refs: Mapping[str, SecretRef], lengths: Mapping[str, int]) -> dict[str, Any]:
    """The config with each key-material value replaced by how it is given (never the value), and
    the ledger database's DSN without a password written inside it."""
    def walk(node: Any, prefix: str) -> Any:
        if prefix == "evidence.ledger.dsn" and isinstance(node, str):
            from golive.books.database import redact_dsn

            return redact_dsn(node)
        if prefix in refs:
            ref = refs[prefix]
            return {"secret": ref.kind, "name": ref.name if ref.kind != "inline" else "", "length": lengths.get(prefix)}
        if isinstance(node, dict):
            return {k: walk(v, f"{prefix}.{k}" if prefix else k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, prefix) for v in node]
        return node

    redacted: dict[str, Any] = walk(dict(data), "")
    return redacted


def _load_key(ref: SecretRef, text: str, source: str) -> Any:
    from golive.lianlian.keys import KeyFormatError, load_private_key, load_public_key

    loader = load_private_key if SLOT_BY_KEY[ref.key].private else load_public_key
    try:
        return loader(text, source=source)
    except KeyFormatError as exc:
        raise InputError(str(exc), file=source, key=ref.key) from None


def _md5_facts(key: str) -> dict[str, Any]:
    """What LL-SIG-002/003 judge of the MD5 key, without the key: length, the characters the
    merchant site refuses (how many kinds), variety, and whether it is a published demo key."""
    import re

    from golive.lianlian.platform import PUBLISHED_DEMO_MD5_KEYS

    classes = sum(bool(re.search(p, key)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"_"))
    return {"length": len(key), "disallowed_kinds": len({c for c in key if not re.match(r"[A-Za-z0-9_]", c)}),
            "distinct_chars": len(set(key)), "classes": classes,
            "published_demo_owner": PUBLISHED_DEMO_MD5_KEYS.get(key)}


def gather_keys(config: LoadedConfig, environ: Mapping[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any], SigningMaterial]:
    """(config evidence value, keys evidence value, signing material) for `config`."""
    from golive.lianlian.keys import fingerprint_sha256, is_private, key_bits, keys_match

    env = dict(os.environ if environ is None else environ)
    refs = {ref.key: ref for ref in iter_secret_refs(config)}
    storage: list[dict[str, Any]] = []
    keys: dict[str, Any] = {}
    loaded_by_role: dict[KeyRole, Any] = {}
    md5_key: str | None = None
    texts: list[str] = []
    lengths: dict[str, int] = {}
    for key, ref in refs.items():
        slot = SLOT_BY_KEY[key]
        text, path = read_secret(config, ref, env)
        lengths[key] = len(text)
        entry: dict[str, Any] = {**ref.describe(), "line": config.line_of(key), "length": len(text),
                                 "secret": slot.secret, "role": slot.role.value}
        if path is not None:
            entry.update(_file_facts(path))
        storage.append(entry)
        if slot.secret:
            texts.append(text)
        source = str(path) if path else f"{config.display}:{key}"
        if slot.role is KeyRole.MD5:
            md5_key = text
            keys["md5"] = _md5_facts(text)
            continue
        if slot.role in NOT_KEY_ROLES:  # SSH material, a database password: stored facts only, never parsed here
            continue
        loaded = _load_key(ref, text, source)
        loaded_by_role[slot.role] = loaded
        keys[key] = {
            "bits": key_bits(loaded),
            "fingerprint": fingerprint_sha256(loaded),
            "private": is_private(loaded),
            "source": ref.kind if ref.kind != "file" else str(path),
        }
    private, public = loaded_by_role.get(KeyRole.MERCHANT_PRIVATE), loaded_by_role.get(KeyRole.MERCHANT_PUBLIC)
    if private is not None and public is not None:
        keys["pair_matches"] = keys_match(private, public)
    inline = _dsn_password(config)
    if inline is not None:  # a password written inside the ledger's DSN: inline in the config (LL-SIG-007)
        texts.append(inline)
        storage.append({"key": "evidence.ledger.dsn", "kind": "inline", "name": "", "line": config.line_of(
            "evidence.ledger.dsn"), "length": len(inline), "secret": True, "role": KeyRole.LEDGER_PASSWORD.value})
    keys["storage"] = storage
    material = SigningMaterial(md5_key, loaded_by_role, tuple(texts))
    return redacted_config(config.data, refs, lengths), keys, material


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    config_value, keys_value, material = gather_keys(ctx.config, ctx.environ)
    source = ctx.config.display
    return {"config": Evidence.ok(config_value, source=source), "keys": Evidence.ok(keys_value, source=source),
            "signing": Evidence.ok(material, source=source)}


GATHERER = Gatherer(
    name="config",
    produces=("config", "keys", "signing"),
    reads=Text("golive.yaml 及其指向的密钥（环境变量或文件）", "golive.yaml and the keys it names (environment variables or files)"),
    gather=gather,
)

"""Gathers what the config says about signing and keys: the only place key files are read.

Produces three pieces of evidence and the in-memory `Secrets`:
- ``config``: the validated config with every secret replaced by a descriptor (kind, length);
- ``secrets``: per secret/key reference, how it is given (inline/env/file), file mode and
  whether git tracks the file -- the facts LL-SIG-007 judges;
- ``keys``: per RSA key, bits and public fingerprint, and whether the merchant pair matches.

A key file that is missing or unparsable is bad input (exit 2, naming file and key), because
nothing about the signing setup can be judged without it.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Any, Mapping

from golive.config import LoadedConfig, Secrets, SecretRef, iter_secret_refs, read_secret
from golive.errors import InputError
from golive.evidence.bundle import Bundle, Evidence

_PRIVATE = {"signing.rsa_private_key", "live.lianlian_private_key"}


def _git_tracked(path: Path) -> bool | None:
    """True if git tracks the file; None if it cannot tell (no git, not a repository)."""
    try:
        completed = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", path.name],
            cwd=path.parent, capture_output=True, timeout=5, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode == 0:
        return True
    if b"not a git repository" in completed.stderr.lower():
        return None
    return False


def _file_facts(path: Path) -> dict[str, Any]:
    mode = stat.S_IMODE(path.stat().st_mode)
    return {
        "file": str(path),
        "mode": oct(mode),
        "group_or_world_readable": bool(mode & (stat.S_IRGRP | stat.S_IROTH)),
        "tracked_in_git": _git_tracked(path),
    }


def _redacted_config(data: Mapping[str, Any], refs: dict[str, SecretRef], lengths: dict[str, int]) -> dict[str, Any]:
    def walk(node: Any, prefix: str) -> Any:
        if prefix in refs:
            ref = refs[prefix]
            return {"secret": ref.kind, "name": ref.name if ref.kind != "inline" else "", "length": lengths.get(prefix)}
        if isinstance(node, dict):
            return {k: walk(v, f"{prefix}.{k}" if prefix else k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, prefix) for v in node]
        return node

    return walk(dict(data), "")


def _load_key(ref: SecretRef, text: str, source: str) -> Any:
    from golive.lianlian.keys import KeyFormatError, load_private_key, load_public_key

    loader = load_private_key if ref.key in _PRIVATE else load_public_key
    try:
        return loader(text, source=source)
    except KeyFormatError as exc:
        raise InputError(str(exc), file=source, key=ref.key) from None


def gather_config_evidence(config: LoadedConfig, bundle: Bundle, environ: Mapping[str, str] | None = None) -> Secrets:
    from golive.lianlian.keys import fingerprint_sha256, key_bits, keys_match

    from golive.evidence.captures import LINE_LIMIT

    # The engine opens capture files by path alone; the run's line cap travels this way.
    LINE_LIMIT.set(config.get("evidence.max_line_bytes"))
    env = dict(os.environ if environ is None else environ)
    secrets = Secrets()
    refs = {ref.key: ref for ref in iter_secret_refs(config)}
    facts: list[dict[str, Any]] = []
    keys: dict[str, Any] = {}
    lengths: dict[str, int] = {}
    for key, ref in refs.items():
        text, path = read_secret(config, ref, env)
        lengths[key] = len(text)
        entry: dict[str, Any] = {**ref.describe(), "line": config.line_of(key), "length": len(text)}
        if path is not None:
            entry.update(_file_facts(path))
        facts.append(entry)
        source = str(path) if path else f"{config.display}:{key}"
        if key == "signing.md5_key":
            secrets.md5_key = text
            secrets.values[key] = text
            continue
        loaded = _load_key(ref, text, source)
        if key in _PRIVATE:
            secrets.values[key] = text
        keys[key] = {
            "bits": key_bits(loaded),
            "fingerprint": fingerprint_sha256(loaded.publickey() if loaded.has_private() else loaded),
            "private": loaded.has_private(),
            "source": ref.kind if ref.kind != "file" else str(path),
        }
        attribute = key.rsplit(".", 1)[-1]
        setattr(secrets, attribute, loaded)
    if secrets.rsa_private_key is not None and secrets.rsa_public_key is not None:
        keys["pair_matches"] = keys_match(secrets.rsa_private_key, secrets.rsa_public_key)
    bundle.put("config", Evidence.ok(_redacted_config(config.data, refs, lengths), source=config.display))
    bundle.put("secrets", Evidence.ok(facts, source=config.display))
    bundle.put("keys", Evidence.ok(keys, source=config.display))
    return secrets

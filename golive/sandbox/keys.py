"""The sandbox's own "LianLian" RSA pair: generated once, kept in the state directory.

Background (protocol.md §2.4, §2.5, §8): LianLian holds one platform key pair. Its public half,
which every merchant downloads from the merchant site (商户站), verifies LianLian's RSA-signed
notifications and responses and encrypts payout ``pay_load``s. Nobody but LianLian has the private
half, so a sandbox cannot sign "as LianLian" with the real key. It makes its own pair instead and
prints the public half with its SHA-256 fingerprint; the merchant's *staging* server trusts that
key where production trusts LianLian's, exactly as ``live.lianlian_private_key`` works for the
probes. Production must keep LianLian's published key (LL-SIG-005 says so).

The pair lives in ``<state-dir>/lianlian_private.pem`` (PKCS#8, 0600) and
``lianlian_public.pem``, so the staging server keeps trusting the same key across restarts;
``--lianlian-key FILE`` uses a given private key instead (e.g. a pair made with ``golive keys``).
2048 bits: LianLian's own key is 1024-bit, but a new key should not be weaker than the docs allow.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golive.errors import InputError

PRIVATE_FILE = "lianlian_private.pem"
PUBLIC_FILE = "lianlian_public.pem"
KEY_BITS = 2048


@dataclass(frozen=True)
class SandboxKey:
    """The sandbox's LianLian pair. The private key object stays out of ``repr()``."""

    private_key: Any = field(repr=False)
    fingerprint_sha256: str
    bits: int
    public_pem: str
    public_b64: str
    """X.509 SubjectPublicKeyInfo as one Base64 line: what the Java demos' ``YT_PUB_KEY`` holds."""
    source: str

    @property
    def public_key(self) -> Any:
        return self.private_key.public_key()


def _wrap(key: Any, source: str) -> SandboxKey:
    from golive.lianlian.keys import fingerprint_sha256, key_bits, public_pem, spki_der

    der = spki_der(key)
    return SandboxKey(private_key=key, fingerprint_sha256=fingerprint_sha256(key), bits=key_bits(key),
                      public_pem=public_pem(key),
                      public_b64=base64.b64encode(der).decode("ascii"), source=source)


def _write_private(path: Path, pem: str) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(pem)


def load_or_create(state_dir: Path, given: Path | None = None) -> SandboxKey:
    """The pair from `given`, else from the state directory, else a new one saved there."""
    from golive.lianlian.keys import KeyFormatError, generate_keypair, load_private_key

    if given is not None:
        try:
            text = Path(given).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the key: {exc.strerror}", file=str(given), key="--lianlian-key") from None
        try:
            return _wrap(load_private_key(text, source=str(given)), str(given))
        except KeyFormatError as exc:
            raise InputError(str(exc), key="--lianlian-key") from None
    private = state_dir / PRIVATE_FILE
    if private.is_file():
        try:
            return _wrap(load_private_key(private.read_text(encoding="utf-8"), source=str(private)), str(private))
        except KeyFormatError as exc:
            raise InputError(f"{exc} (delete it to make a new pair; staging must then trust the new key)",
                             file=str(private)) from None
    state_dir.mkdir(parents=True, exist_ok=True)
    forms = generate_keypair(KEY_BITS)
    _write_private(private, forms.private_pkcs8_pem)
    (state_dir / PUBLIC_FILE).write_text(forms.public_pem, encoding="ascii")
    return _wrap(load_private_key(forms.private_pkcs8_pem, source=str(private)), str(private))

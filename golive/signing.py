"""Signing material: every key golive.yaml names, built once, able to sign and verify, never shown.

Background (docs/protocol.md §2.2-§2.5): a 认证支付 merchant signs its requests with its MD5 key or
its RSA private key (whose public half it uploaded to 商户站), and verifies LianLian's callbacks with
the MD5 key or LianLian's public key. golive acting as LianLian (the probes, the sandbox) signs
callbacks with the MD5 key or, for RSA, with ``live.lianlian_private_key`` -- a pair whose public
half the merchant's staging server trusts in LianLian's place.

`KEY_SLOTS` is the one list of config keys that hold key material and which of them are secret:
the config loader (never echo a secret), the keys gatherer (facts about each key), the redaction
pass (scrub the raw values) and the report all read it. `SigningMaterial` holds the loaded keys:
gatherers and checks that must compute with them declare the ``signing`` evidence kind and call its
methods; nothing can print, serialise or pickle it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Mapping, NoReturn

from golive.model import Text


class KeyRole(str, Enum):
    MD5 = "md5"
    MERCHANT_PRIVATE = "merchant_private"
    MERCHANT_PUBLIC = "merchant_public"
    LIANLIAN_PUBLIC = "lianlian_public"
    STAGING_LIANLIAN_PRIVATE = "staging_lianlian_private"
    SFTP_PRIVATE = "sftp_private"  # the merchant's SSH key for LianLian's statement SFTP (not a LianLian key)
    SFTP_PASSPHRASE = "sftp_passphrase"
    LEDGER_PASSWORD = "ledger_password"  # the password of the merchant's database holding the books


@dataclass(frozen=True)
class KeySlot:
    key: str  # the dotted golive.yaml key
    role: KeyRole
    secret: bool
    title: Text

    @property
    def private(self) -> bool:
        return self.role in (KeyRole.MERCHANT_PRIVATE, KeyRole.STAGING_LIANLIAN_PRIVATE)


KEY_SLOTS: tuple[KeySlot, ...] = (
    KeySlot("signing.md5_key", KeyRole.MD5, True, Text("商户 MD5 密钥", "the merchant MD5 key")),
    KeySlot("signing.rsa_private_key", KeyRole.MERCHANT_PRIVATE, True, Text("商户 RSA 私钥", "the merchant RSA private key")),
    KeySlot("signing.rsa_public_key", KeyRole.MERCHANT_PUBLIC, False,
            Text("上传到商户站的商户 RSA 公钥", "the merchant RSA public key uploaded to 商户站")),
    KeySlot("signing.lianlian_public_key", KeyRole.LIANLIAN_PUBLIC, False, Text("连连公钥", "LianLian's public key")),
    KeySlot("live.lianlian_private_key", KeyRole.STAGING_LIANLIAN_PRIVATE, True,
            Text("探测用的“连连”私钥（预发布环境信任其公钥）", "the probes' stand-in LianLian private key (staging trusts its public half)")),
    KeySlot("reconciliation.sftp.private_key", KeyRole.SFTP_PRIVATE, True,
            Text("对账文件 SFTP 登录私钥", "the SSH private key for the statement SFTP")),
    KeySlot("reconciliation.sftp.passphrase", KeyRole.SFTP_PASSPHRASE, True,
            Text("对账 SFTP 私钥的口令", "the passphrase of the statement SFTP key")),
    KeySlot("evidence.ledger.password", KeyRole.LEDGER_PASSWORD, True,
            Text("台账数据库的密码", "the password of the database holding the ledger")),
)
# Slots that hold SSH material, not LianLian RSA keys: read (and scrubbed) like every secret, never
# parsed as an RSA key.
SSH_ROLES = frozenset({KeyRole.SFTP_PRIVATE, KeyRole.SFTP_PASSPHRASE})
# Slots that hold no key at all (a password): read, described and scrubbed like every secret, never parsed.
NOT_KEY_ROLES = SSH_ROLES | {KeyRole.LEDGER_PASSWORD}
SECRET_CONFIG_KEYS: frozenset[str] = frozenset(slot.key for slot in KEY_SLOTS if slot.secret)
SLOT_BY_KEY: dict[str, KeySlot] = {slot.key: slot for slot in KEY_SLOTS}


class MissingKey(LookupError):
    """The key a signing operation needs is not configured; `config_key` says which to add."""

    def __init__(self, config_key: str, reason: Text) -> None:
        super().__init__(reason.en)
        self.config_key = config_key
        self.reason = reason


class SigningMaterial:
    """The run's keys, in memory. Sign and verify through the methods; nothing here prints."""

    __slots__ = ("_md5", "_keys", "_texts")

    def __init__(self, md5_key: str | None = None, keys: Mapping[KeyRole, Any] | None = None,
                 secret_texts: tuple[str, ...] = ()) -> None:
        self._md5 = md5_key or None
        self._keys: dict[KeyRole, Any] = dict(keys or {})
        self._texts = tuple(t for t in secret_texts if t)  # as read from env/file, for the scrubber

    # -- never shown -----------------------------------------------------------------------------
    def __repr__(self) -> str:
        return "SigningMaterial(<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:  # no pickle, no copy.deepcopy into a saved structure
        raise TypeError("signing material cannot be serialised")

    def secret_values(self) -> tuple[str, ...]:
        """The raw secret texts as read, for the output scrubber only (removed wherever they slipped)."""
        return self._texts

    # -- what is there -----------------------------------------------------------------------------
    @property
    def has_md5(self) -> bool:
        return self._md5 is not None

    @property
    def md5_length(self) -> int | None:
        return len(self._md5) if self._md5 else None

    def has(self, role: KeyRole) -> bool:
        return self._md5 is not None if role is KeyRole.MD5 else self._keys.get(role) is not None

    def fingerprint(self, role: KeyRole) -> str | None:
        """SHA-256 of the public half (SubjectPublicKeyInfo DER) of an RSA key, when configured."""
        key = self._keys.get(role)
        if key is None:
            return None
        from golive.lianlian.keys import fingerprint_sha256

        return fingerprint_sha256(key)

    def merchant_public(self) -> Any:
        """The merchant's public key (configured, or the public half of its private key)."""
        public = self._keys.get(KeyRole.MERCHANT_PUBLIC)
        if public is not None:
            return public
        private = self._keys.get(KeyRole.MERCHANT_PRIVATE)
        return private.public_key() if private is not None else None

    def merchant_pair_matches(self) -> bool | None:
        private, public = self._keys.get(KeyRole.MERCHANT_PRIVATE), self._keys.get(KeyRole.MERCHANT_PUBLIC)
        if private is None or public is None:
            return None
        from golive.lianlian.keys import keys_match

        return bool(keys_match(private, public))

    # -- verifying ---------------------------------------------------------------------------------
    def verify_request(self, params: Mapping[str, object], **kw: Any) -> Any:
        """Verify a merchant request (MD5 key, or the merchant public key) by its own sign_type."""
        from golive.lianlian.sign import verify_message

        return verify_message(params, md5_key=self._md5, public_key=self.merchant_public(), **kw)

    def verify_callback(self, params: Mapping[str, object], **kw: Any) -> Any:
        """Verify a message LianLian signed (MD5 key, or LianLian's public key)."""
        from golive.lianlian.sign import verify_message

        return verify_message(params, md5_key=self._md5, public_key=self._keys.get(KeyRole.LIANLIAN_PUBLIC), **kw)

    def request_sign_verifies(self, sign_type: str, sign: str, source: str) -> bool:
        """True if `sign` verifies over the already-built `source` with the merchant's key for
        `sign_type` -- exactly `verify_request`'s first test, without its explanation: the capture
        reader's fast path (golive.evidence.sign_observation), which asks `verify_request` for the
        why only when this says no."""
        verifies = self.request_verifier(sign_type)
        return verifies is not None and verifies(sign, source)

    def request_verifier(self, sign_type: str) -> Callable[[str, str], bool] | None:
        """`request_sign_verifies` for one `sign_type`, as a test ``(sign, source) -> bool`` made
        once (None: no key for it). For a reader that tests every record's sign: the key stays in
        the test, and nothing is looked up again per record."""
        from golive.lianlian import sign as llsign

        utf8 = llsign.java_utf8
        if sign_type == "MD5":
            if not self._md5:
                return None
            md5, compare, suffix = hashlib.md5, hmac.compare_digest, "&key=" + self._md5

            def md5_verifies(sign: str, source: str) -> bool:
                # llsign.md5_hex_of_source, inlined: this runs for every captured MD5 request
                try:
                    signed, given = (source + suffix).encode("utf-8"), sign.encode("utf-8")
                except UnicodeEncodeError:  # a lone surrogate: as Java writes it (llsign.java_utf8)
                    signed, given = utf8(source + suffix), utf8(sign)
                return compare(md5(signed).hexdigest().encode("ascii"), given)

            return md5_verifies
        public = self.merchant_public() if sign_type == "RSA" else None
        if public is None:
            return None
        decode, verify = llsign.decode_rsa_signature, llsign.rsa_verify_source

        def rsa_verifies(sign: str, source: str) -> bool:
            raw = decode(sign, public)
            return not isinstance(raw, str) and verify(source, raw, public)

        return rsa_verifies

    def request_matcher(self, sign_type: str, sign: str) -> Callable[[str], bool] | None:
        """A test "does `sign` sign this candidate sign source with the merchant's key?" -- for
        diagnosing why a request's sign fails (LL-SIG-006) without handing out the key."""
        import hmac

        from golive.lianlian import sign as llsign

        if sign_type == "MD5" and self._md5:
            key = self._md5
            wanted = llsign.java_utf8(sign)
            return lambda source: hmac.compare_digest(llsign.md5_hex_of_source(source, key).encode("ascii"), wanted)
        public = self.merchant_public()
        if sign_type == "RSA" and public is not None:
            raw = llsign.decode_rsa_signature(sign, public)
            if isinstance(raw, str):
                return None
            return lambda source: bool(llsign.rsa_verify_source(source, raw, public))
        return None

    # -- signing -----------------------------------------------------------------------------------
    def sign_as_lianlian(self, params: Mapping[str, str], method: str) -> dict[str, str]:
        """Sign a callback as LianLian would: MD5 with the merchant MD5 key, RSA with the stand-in
        LianLian private key. Raises MissingKey naming the config key to add."""
        from golive.lianlian.sign import sign_params

        if method == "MD5":
            if not self._md5:
                raise MissingKey("signing.md5_key", Text("MD5 签名的通知需要 signing.md5_key",
                                                         "MD5-signed notifications need signing.md5_key"))
            return sign_params(params, "MD5", md5_key=self._md5)
        key = self._keys.get(KeyRole.STAGING_LIANLIAN_PRIVATE)
        if key is None:
            raise MissingKey("live.lianlian_private_key", Text(
                "RSA 签名的通知需要 live.lianlian_private_key（预发布环境信任其公钥以代替连连公钥；可用 golive keys 生成）",
                "RSA-signed notifications need live.lianlian_private_key (a pair whose public half the staging server "
                "trusts in place of LianLian's; golive keys makes one)"))
        return sign_params(params, "RSA", private_key=key)

    def sign_as_merchant(self, params: Mapping[str, str], method: str) -> dict[str, str]:
        """Sign a request as the merchant would (MD5 key, or the merchant private key)."""
        from golive.lianlian.sign import sign_params

        if method == "MD5":
            if not self._md5:
                raise MissingKey("signing.md5_key", Text("MD5 签名需要 signing.md5_key", "MD5 signing needs signing.md5_key"))
            return sign_params(params, "MD5", md5_key=self._md5)
        key = self._keys.get(KeyRole.MERCHANT_PRIVATE)
        if key is None:
            raise MissingKey("signing.rsa_private_key", Text("RSA 签名需要 signing.rsa_private_key",
                                                             "RSA signing needs signing.rsa_private_key"))
        return sign_params(params, "RSA", private_key=key)

    def open_pay_load(self, pay_load: str) -> str | None:
        """The signed JSON inside a payout ``pay_load`` (docs/protocol.md §8), opened with the stand-in
        LianLian private key (``live.lianlian_private_key``: staging encrypts for its public half);
        None when that key is not configured. Raises `golive.lianlian.payload.PayLoadError`."""
        key = self._keys.get(KeyRole.STAGING_LIANLIAN_PRIVATE)
        if key is None:
            return None
        from golive.lianlian.payload import decrypt_pay_load

        return decrypt_pay_load(pay_load, key)

    def md5_key_matches(self, candidates: Mapping[str, str]) -> str | None:
        """Which of `candidates` (label -> key text, e.g. LianLian's published demo keys) the MD5
        key equals, compared in constant time; the label, never the key."""
        import hmac

        if not self._md5:
            return None
        mine = self._md5.encode("utf-8")
        return next((label for key, label in candidates.items() if hmac.compare_digest(mine, key.encode("utf-8"))), None)

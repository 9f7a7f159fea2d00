"""What the sandbox knows about the merchant -- what LianLian knows -- and how it runs.

LianLian judges a merchant's requests with what the merchant registered with it (protocol.md §1,
§2; go-live guide §三, §六): the merchant number, the MD5 key and the RSA public key configured on
the merchant site (商户站), the sign method callbacks use, the registered domains and server IPs
(报备), the category LianLian assigned, and the limits of the current stage (10 CNY per user in
integration, guide §七). The sandbox reads exactly these from golive.yaml -- never the merchant's
private key, which LianLian never sees either -- plus its own run options.

Registration on loopback: a staging server on 127.0.0.1 cannot come from a registered production
domain. The sandbox therefore lets loopback *stand for* one registered name: page requests from
loopback are judged as if they came from ``as_domain`` (default: the first of
``registration.domains``) and API calls from loopback as if from ``as_ip`` (default: the first of
``registration.server_ips``). ``--as-domain other.example`` simulates an unregistered origin and
shows the 1008 the merchant would get. Requests from other hosts are judged as themselves. The
published test merchant is not restricted at all (guide §六: 临时商户号不限制域名和 IP).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from golive.errors import InputError

DEFAULT_TIME_SCALE = 60.0
"""LianLian minutes become seconds: the 2-minute redelivery interval takes 2 s, all 30 deliveries
about a minute. ``--time-scale 1`` is LianLian's real pace."""
CASHIER_MODES = ("auto", "page")


@dataclass(frozen=True)
class SandboxSettings:
    """Everything the sandbox needs; secrets stay out of ``repr()``."""

    oid_partner: str
    merchant_name: str = ""
    profile: str = "base"
    frms_ware_category: str | None = None
    environment: str = "integration"
    notify_sign_type: str = "MD5"
    md5_key: str | None = field(default=None, repr=False)
    merchant_public_key: Any = field(default=None, repr=False)
    registered_domains: frozenset[str] = frozenset()
    registered_ips: frozenset[str] = frozenset()
    as_domain: str | None = None
    as_ip: str | None = None
    unrestricted: bool = False
    """The published test merchant: no domain or IP restriction."""
    single_limit: Decimal | None = Decimal("10")
    daily_limit: Decimal | None = Decimal("10")
    # -- run options ---------------------------------------------------------------------------
    state_dir: Path = Path("golive-sandbox")
    host: str = "127.0.0.1"
    port: int = 0
    time_scale: float = DEFAULT_TIME_SCALE
    cashier: str = "auto"
    ack_timeout_s: float = 5.0
    max_deliveries: int = 30
    retry_interval_s: float = 120.0
    """LianLian seconds between deliveries (about 2 minutes, protocol.md §5.1); scaled by time_scale."""
    notify_hosts: frozenset[str] = frozenset()
    """Non-loopback hosts the sandbox may deliver notifications to (``--allow-notify-host``)."""
    scenario: str | None = None
    """Force one payment scenario for every order (``--scenario``)."""
    workers: int = 32
    delivery_workers: int = 16
    lianlian_key_file: Path | None = None
    sftp_port: int | None = None
    """Serve the statement files over SFTP on this port (0: a free one); None: no SFTP."""
    sftp_authorized_keys: tuple[str, ...] = field(default=(), repr=False)
    """OpenSSH public-key lines that may log in to the statement SFTP (the merchant's job's key)."""
    config_path: str | None = None
    config_sha256: str | None = None

    def __post_init__(self) -> None:
        if self.notify_sign_type not in ("MD5", "RSA"):
            raise ValueError("notify_sign_type must be MD5 or RSA")
        if self.cashier not in CASHIER_MODES:
            raise ValueError(f"cashier must be one of {CASHIER_MODES}")
        if self.time_scale <= 0:
            raise ValueError("time_scale must be > 0")

    def scaled(self, lianlian_seconds: float) -> float:
        """Real seconds for a LianLian duration."""
        return lianlian_seconds / self.time_scale

    def public_summary(self) -> dict[str, Any]:
        """What the journal's ``runs.settings`` keeps: no secret, no key material."""
        return {
            "oid_partner": self.oid_partner, "profile": self.profile, "environment": self.environment,
            "frms_ware_category": self.frms_ware_category, "notify_sign_type": self.notify_sign_type,
            "md5_key": "configured" if self.md5_key else "absent",
            "merchant_public_key": "configured" if self.merchant_public_key is not None else "absent",
            "registered_domains": sorted(self.registered_domains), "registered_ips": sorted(self.registered_ips),
            "as_domain": self.as_domain, "as_ip": self.as_ip, "unrestricted": self.unrestricted,
            "single_limit": str(self.single_limit) if self.single_limit is not None else None,
            "daily_limit": str(self.daily_limit) if self.daily_limit is not None else None,
            "time_scale": self.time_scale, "cashier": self.cashier, "ack_timeout_s": self.ack_timeout_s,
            "max_deliveries": self.max_deliveries, "retry_interval_s": self.retry_interval_s,
            "scenario": self.scenario, "config": self.config_path, "config_sha256": self.config_sha256,
        }


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings_from_config(config_path: str | Path, *, environ: Mapping[str, str] | None = None,
                         **options: Any) -> SandboxSettings:
    """Read what LianLian would know about the merchant from golive.yaml; `options` are run options.

    Bad input (unreadable config, a secret that is not set, a key that does not parse) raises
    `InputError` naming the file and the key.
    """
    from golive.config import load_config, read_secret, secret_ref
    from golive.lianlian.keys import KeyFormatError, load_public_key
    from golive.lianlian.platform import INITIAL_QUOTA_CNY, INTEGRATION_LIMIT_CNY_PER_USER_PER_DAY, TEST_MERCHANT_OID
    from golive.profile import load_profile

    config = load_config(config_path)
    env = dict(os.environ if environ is None else environ)
    md5_key: str | None = None
    public_key: Any = None
    ref = secret_ref(config, "signing.md5_key")
    if ref is not None:
        md5_key, _ = read_secret(config, ref, env)
    ref = secret_ref(config, "signing.rsa_public_key")
    if ref is not None:
        text, path = read_secret(config, ref, env)
        try:
            public_key = load_public_key(text, source=str(path) if path else f"{config.display}:signing.rsa_public_key")
        except KeyFormatError as exc:
            raise config.error("signing.rsa_public_key", str(exc)) from None
    profile = str(config.get("merchant.profile") or "base")
    load_profile(profile)  # an unknown profile is bad input now, not an error on the first request

    oid_partner = str(config.get("merchant.oid_partner"))
    environment = str(config.get("merchant.environment") or "integration")
    declared = config.get("limits.integration_limit_cny")
    if environment == "production":
        limit = None if config.get("limits.production_opened") else INITIAL_QUOTA_CNY
    else:
        limit = Decimal(str(declared)) if declared is not None else INTEGRATION_LIMIT_CNY_PER_USER_PER_DAY
    domains = [str(d).lower() for d in config.get("registration.domains") or []]
    ips = [str(i) for i in config.get("registration.server_ips") or []]
    values: dict[str, Any] = {
        "oid_partner": oid_partner,
        "merchant_name": str(config.get("merchant.name") or ""),
        "profile": profile,
        "frms_ware_category": config.get("merchant.frms_ware_category"),
        "environment": environment,
        "notify_sign_type": str(config.get("signing.notify_sign_type") or config.get("signing.sign_type") or "MD5"),
        "md5_key": md5_key,
        "merchant_public_key": public_key,
        "registered_domains": frozenset(domains),
        "registered_ips": frozenset(ips),
        "as_domain": domains[0] if domains else None,
        "as_ip": ips[0] if ips else None,
        "unrestricted": oid_partner == TEST_MERCHANT_OID,
        "single_limit": limit,
        "daily_limit": limit,
        "config_path": str(config.path),
        "config_sha256": config.sha256,
    }
    for key in ("as_domain", "as_ip"):
        if options.get(key) is None:
            options.pop(key, None)
    values.update(options)
    if values["notify_sign_type"] == "MD5" and not md5_key:
        raise config.error("signing.md5_key", "notify_sign_type is MD5: the sandbox signs notifications with the "
                                              "merchant's MD5 key, so signing.md5_key is needed")
    try:
        return SandboxSettings(**values)
    except ValueError as exc:
        raise InputError(str(exc)) from None

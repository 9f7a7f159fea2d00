"""Configuration of the demo merchant: who it is, which keys it holds, which defects are on.

The two sign methods are separate on purpose (protocol.md §2.5, guide §二): ``request_sign_type``
is what the merchant puts on its pay requests, ``notify_sign_type`` is what the merchant configured
on LianLian's 商户站 — LianLian signs callbacks with that one, whatever the request carried.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .defects import DEFECTS, check_defects

SIGN_TYPES = ("MD5", "RSA")

# examples/keys/ in the repository; golive/examples/keys/ once installed.
DEFAULT_KEYS_DIR = Path(__file__).resolve().parent.parent / "keys"


@dataclass(frozen=True)
class DemoSettings:
    oid_partner: str = "201811230001000001"
    md5_key: str = ""
    notify_sign_type: str = "MD5"
    request_sign_type: str = "MD5"
    # A key object from golive.lianlian.keys, or PEM text; signs RSA pay requests.
    merchant_private_key: Any = None
    # PEM text of the LianLian platform key this (staging) merchant trusts for RSA callbacks.
    lianlian_public_key: str | None = None
    # SQLite file; None: a fresh file in a temporary directory owned by the running merchant.
    db_path: Path | None = None
    defects: frozenset[str] = field(default_factory=frozenset)
    # Used in pay requests; None: this server's own /llpay/notify and /pay/return.
    notify_url: str | None = None
    url_return: str | None = None
    frms_ware_category: str = "2009"  # P2P小额贷款 (protocol.md §4.5), a real-name category
    busi_partner: str = "101001"      # virtual goods
    name_goods: str = "示例理财-稳盈30天"
    # Log one line per request (method, path without query, status) to stderr.
    verbose: bool = False
    # LianLian's endpoints (protocol.md §1, §7, §8). The defaults are LianLian's own; `against()`
    # points all of them at a `golive sandbox` (the only change a merchant makes for staging).
    cashier_url: str = "https://cashier.lianlianpay.com/payment/authpay.htm"
    wap_url: str = "https://wap.lianlianpay.com/authpay.htm"
    query_base: str = "https://queryapi.lianlianpay.com"
    payout_base: str = "https://instantpay.lianlianpay.com/paymentapi"
    # Server-to-server calls to LianLian. Off by default: the demo never contacts a host unless
    # told to (the probes and `golive demo` run it without any LianLian at all).
    payouts: bool = False          # accepted withdrawals are paid out through the payout API
    query_on_return: bool = False  # a verified return for a still-pending order asks orderquery

    def __post_init__(self) -> None:
        for name in ("notify_sign_type", "request_sign_type"):
            value = getattr(self, name)
            if value not in SIGN_TYPES:
                raise ValueError(f"DemoSettings.{name} must be MD5 or RSA, not {value!r}")
        object.__setattr__(self, "defects", check_defects(self.defects))
        if self.db_path is not None:
            object.__setattr__(self, "db_path", Path(self.db_path))
        if "MD5" in (self.notify_sign_type, self.request_sign_type) and not self.md5_key:
            raise ValueError("DemoSettings.md5_key is needed when a sign type is MD5")
        if self.request_sign_type == "RSA" and self.merchant_private_key is None:
            raise ValueError("DemoSettings.merchant_private_key is needed when request_sign_type is RSA")
        if self.notify_sign_type == "RSA" and not self.lianlian_public_key:
            raise ValueError("DemoSettings.lianlian_public_key is needed when notify_sign_type is RSA")
        if self.payouts and (self.merchant_private_key is None or not self.lianlian_public_key):
            raise ValueError("DemoSettings.payouts needs merchant_private_key (signs) and lianlian_public_key "
                             "(encrypts pay_load, verifies answers)")

    @classmethod
    def from_example_keys(
        cls, keys_dir: Path | None = None, db_path: Path | None = None, **overrides: Any
    ) -> DemoSettings:
        """Settings using the bundled demo keys (examples/keys/, public demo data).

        Pay requests default to RSA here, as in examples/golive.yaml (``signing.sign_type: RSA``
        while ``notify_sign_type`` stays MD5), so a demo run also shows LL-NTF-008's situation.
        """
        keys = Path(keys_dir) if keys_dir is not None else DEFAULT_KEYS_DIR
        values: dict[str, Any] = {
            "md5_key": (keys / "md5.key").read_text(encoding="utf-8").strip(),
            "merchant_private_key": (keys / "merchant_private.pem").read_text(encoding="ascii"),
            "lianlian_public_key": (keys / "staging_llpay_public.pem").read_text(encoding="ascii"),
            "db_path": db_path,
            "request_sign_type": "RSA",
        }
        values.update(overrides)
        return cls(**values)

    def against(self, base_url: str, lianlian_public_key: str | None = None) -> DemoSettings:
        """These settings with every LianLian URL on `base_url` (a golive sandbox), payouts and
        order queries switched on, and -- if given -- that sandbox's public key trusted."""
        base = base_url.rstrip("/")
        return replace(self, cashier_url=f"{base}/payment/authpay.htm", wap_url=f"{base}/authpay.htm",
                       query_base=base, payout_base=f"{base}/paymentapi", payouts=True, query_on_return=True,
                       lianlian_public_key=lianlian_public_key or self.lianlian_public_key)

    def with_defects(self, *names: str) -> DemoSettings:
        return replace(self, defects=frozenset(names))

    def has(self, defect: str) -> bool:
        # A typo in the merchant's own code must not silently mean "defect off".
        assert defect in DEFECTS, defect
        return defect in self.defects

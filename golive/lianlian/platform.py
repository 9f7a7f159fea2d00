"""Published LianLian platform data: its public key, the public test merchant, hosts, notify IPs.

Everything here is public and published by LianLian (sources as in docs/protocol.md §0); nothing is a
secret of ours or of a merchant:

* The platform public key (docs/protocol.md §2.4, [VERIFIED]): one 1024-bit key, the same in every
  official demo (S1-S5) and for test and production, verifies LianLian's responses and RSA
  notifications and encrypts payout ``pay_load``. LL-SIG-005 compares a merchant's configured
  LianLian key with `LIANLIAN_PUBLIC_KEY_SHA256`.
* The published test merchant (docs/protocol.md §1, §2.2, guide §三): ``201408071000001543`` is a
  *production* merchant that anyone may use for integration tests; its MD5 key exists in two
  spellings, the demo's ``…20140812`` (the only one that reproduces a real LianLian notification,
  §2.7) and the go-live guide's ``…2014082`` ([CONFLICT], §2.2). These values are published on
  purpose, so they are kept as data; LL-SIG-003 / LL-LIM-001 flag them in a production config.
* The official demo repositories also publish RSA private keys for their demo merchants (found in
  LLP-AuthPay-Java README/PartnerConfig, LLP-YT-Java LLianPayConstant, LLP-InstantPay-Java/PHP,
  LLP-AuthPay-dotnet, LLP-Android-SDK). A merchant who copied one signs with a key the whole
  internet holds. We keep only their SHA-256 fingerprints over the SubjectPublicKeyInfo DER - the
  fingerprint of a private key is that of its public half (`keys.fingerprint_sha256`) - so
  LL-SIG-003 recognises both halves while this package ships no usable private key.
* Hosts (§1), notification source IPs (§5.1), acknowledgement bodies (§5.1) and integration limits
  (guide §七 and docs/protocol.md §10).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from golive.lianlian.keys import RsaKey

# --- LianLian platform key (docs/protocol.md §2.4) -------------------------------------------------

LIANLIAN_PUBLIC_KEY_B64 = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCSS/DiwdCf/aZsxxcacDnooGph3d2JOj5GXWi+q3gznZauZjkNP8SKl3J2"
    "liP0O6rU/Y/29+IUe+GTMhMOFJuZm1htAtKiu5ekW0GlBMWxf4FPkYlQkPE0FtaoMP3gYfh+OwI+fIRrpW3ySn3mScnc6Z70"
    "0nU/VYrRkfcSCbSnRwIDAQAB"
)
"""X.509 SubjectPublicKeyInfo DER, bare Base64, exactly as in the demos' ``YT_PUB_KEY``."""
LIANLIAN_PUBLIC_KEY_SHA256 = "c5e86d06c7241e21878bfed573898a9a9e7ef930e984131fd613d3e524301572"
LIANLIAN_PUBLIC_KEY_BITS = 1024


@lru_cache(maxsize=1)
def lianlian_public_key() -> RsaKey:
    """The platform public key, parsed once (cryptography is imported only when this is called)."""
    from golive.lianlian.keys import fingerprint_sha256, load_public_key

    key = load_public_key(LIANLIAN_PUBLIC_KEY_B64, source="LianLian platform key")
    # A corrupted constant must fail loudly, not verify against the wrong key.
    if fingerprint_sha256(key) != LIANLIAN_PUBLIC_KEY_SHA256:  # pragma: no cover
        raise RuntimeError("built-in LianLian public key does not match its published fingerprint")
    return key


def lianlian_public_pem() -> str:
    """The platform public key as a PEM file's text (what 商户站 offers as llpay_public_key.pem)."""
    body = "\n".join(LIANLIAN_PUBLIC_KEY_B64[i:i + 64] for i in range(0, len(LIANLIAN_PUBLIC_KEY_B64), 64))
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"


# --- Published test merchant (docs/protocol.md §1, §2.2; guide §三) ---------------------------------

TEST_MERCHANT_OID = "201408071000001543"
TEST_MERCHANT_MD5_KEY_DEMO = "201408071000001543test_20140812"
"""MD5 key in LLP-AuthPay-Java PartnerConfig (Web and H5), LLP-Android-SDK, LLP-AuthPay-dotnet."""
TEST_MERCHANT_MD5_KEY_GUIDE = "201408071000001543test_2014082"
"""MD5 key as printed in the go-live guide (one ``1`` missing; does not verify real data, §2.7)."""

PUBLISHED_DEMO_MERCHANTS: Mapping[str, str] = {
    TEST_MERCHANT_OID: "认证支付 test merchant (LLP-AuthPay-Java README: a production merchant for tests)",
    "201408071000001539": "YT SDK test merchant (LLP-YT-Java LLianPayConstant, LLP-YT-PHP cfg.php)",
    "201408071000001546": "demo merchant in LLP-ExpressPay-Java PartnerConfig and LLP-Android-SDK quick-pay demo",
    "201504071000272504": "pre-auth demo merchant in LLP-Android-SDK EnvConstants",
    "201609130000219023": "payout demo merchant in LLP-InstantPay-Java PaymentConstant / LLP-InstantPay-PHP",
}
"""Merchant numbers that official demo code ships; none belongs in a merchant's production config."""

PUBLISHED_DEMO_MD5_KEYS: Mapping[str, str] = {
    TEST_MERCHANT_MD5_KEY_DEMO: TEST_MERCHANT_OID,
    TEST_MERCHANT_MD5_KEY_GUIDE: TEST_MERCHANT_OID,
    "201408071000001539_sahdisa_20141205": "201408071000001539",
    "201408071000001546_test_20140815": "201408071000001546",
    "201504071000272504_test_20150417": "201504071000272504",
}
"""Every MD5 key published in official demos or the guide -> the merchant it belongs to."""


@dataclass(frozen=True)
class PublishedKey:
    """A demo RSA key pair published by LianLian, known only by its SPKI SHA-256 fingerprint."""

    fingerprint_sha256: str
    bits: int
    oid_partner: str
    where: str


PUBLISHED_DEMO_RSA_KEYS: tuple[PublishedKey, ...] = (
    PublishedKey(
        "1d418e413a26a6c759b825f5466664d8a3f70a2580e592732f223ae6c219ed88",
        1024,
        TEST_MERCHANT_OID,
        "LLP-AuthPay-Java README.md and PartnerConfig.TRADER_PRI_KEY (also LLP-M-Pay-Java, "
        "LLP-ExpressPay-Java, LLP-AuthPay-dotnet, LLP-Android-SDK); reproduces the signature in "
        "GitBook-Docs-en signature-add-sign.md",
    ),
    PublishedKey(
        "5114a1c0512ea034603fca5a751de31b7089e159a99918377bfdb240362bd975",
        1024,
        "201408071000001539",
        "LLP-YT-Java LLianPayConstant.MerchantPrivateKey; LLP-InstantPay-PHP llpay.config.php (PKCS#1 PEM)",
    ),
    PublishedKey(
        "553b7708d1538b61fb6f22ccc0221f95e7421f45a31977ef65894db4ac799edf",
        1024,
        "201609130000219023",
        "LLP-InstantPay-Java PaymentConstant.BUSINESS_PRIVATE_KEY; LLP-InstantPay-dotnet PartnerConfig",
    ),
    PublishedKey(
        "0dd666c3a173a7359cbb542a5517e6f1f38c7c120a7015c3ac282fb82c27dc52",
        1024,
        "",
        "LLP-AuthPay-dotnet Web/csdemo PartnerConfig.cs (commented-out TRADER_PRI_KEY)",
    ),
)
PUBLISHED_DEMO_RSA_FINGERPRINTS: frozenset[str] = frozenset(k.fingerprint_sha256 for k in PUBLISHED_DEMO_RSA_KEYS)


def published_demo_key(fingerprint: str) -> PublishedKey | None:
    """The published demo key with this SPKI SHA-256 fingerprint (of either half), if any."""
    fingerprint = fingerprint.lower()
    for key in PUBLISHED_DEMO_RSA_KEYS:
        if key.fingerprint_sha256 == fingerprint:
            return key
    return None


# --- Hosts (docs/protocol.md §1) -------------------------------------------------------------------

PRODUCTION_HOSTS: tuple[str, ...] = (
    "cashier.lianlianpay.com",  # Web 认证支付 form POST
    "wap.lianlianpay.com",  # WAP/H5 认证支付 (req_data)
    "queryapi.lianlianpay.com",  # order / bind-list / card BIN / refund queries
    "traderapi.lianlianpay.com",  # refund, card unbind, account query
    "instantpay.lianlianpay.com",  # payouts (实时付款)
)
TEST_HOSTS: tuple[str, ...] = (
    "test.lianlianpay-inc.com",  # third-party payout SDK (T3) [UNCERTAIN whether merchants may use it]
    "test.yintong.com.cn",  # an old official payout test class (S4) [UNCERTAIN]
)
LEGACY_HOSTS: tuple[str, ...] = ("yintong.com.cn",)
"""Old 银通 host: still the merchant site (商户站) and legacy API paths (/payment, /llpayh5, /traderapi)."""

ENDPOINTS: Mapping[str, str] = {
    "authpay_web": "https://cashier.lianlianpay.com/payment/authpay.htm",
    "authpay_wap": "https://wap.lianlianpay.com/authpay.htm",
    "order_query": "https://queryapi.lianlianpay.com/orderquery.htm",
    "bind_list_query": "https://queryapi.lianlianpay.com/bankcardbindlist.htm",
    "card_bin_query": "https://queryapi.lianlianpay.com/bankcardbin.htm",
    "payout_apply": "https://instantpay.lianlianpay.com/paymentapi/payment.htm",
    "payout_confirm": "https://instantpay.lianlianpay.com/paymentapi/confirmPayment.htm",
    "payout_query": "https://instantpay.lianlianpay.com/paymentapi/queryPayment.htm",
    "merchant_site": "https://yintong.com.cn/merchant/",
}
"""Well-known URLs (docs/protocol.md §1, §7, §8; merchant site from the go-live guide §三/§九)."""

# --- Notifications (docs/protocol.md §5.1) ---------------------------------------------------------

ACK_SUCCESS: dict[str, str] = {"ret_code": "0000", "ret_msg": "交易成功"}
"""What the official demos answer to a notification they accepted (S1, S4; guide §五)."""

NOTIFY_ACK_TIMEOUT_S = 5
"""No (or a wrong) answer within 5 s counts as a failed delivery (§5.1)."""
NOTIFY_RETRY_INTERVAL_S = 120
NOTIFY_MAX_DELIVERIES = 30
"""LianLian re-sends about every 2 minutes, 30 times in all (§5.1, guide §五)."""

# --- Limits (guide §七, docs/protocol.md §10) ------------------------------------------------------

INTEGRATION_LIMIT_CNY_PER_USER_PER_DAY = Decimal("10")
"""Go-live guide §七: during integration every user is limited to 10 CNY per transaction and per
day; production limits open only after LianLian's launch review (LL-LIM-001/002)."""
INITIAL_QUOTA_CNY = Decimal("50")
"""docs/docs/protocol.md §10 (S6 prepartion.md, S2 "初始额度：50元"): each product starts with a 50 CNY
per-transaction / per-day / per-month limit per customer until the go-live review. The two figures
come from different documents and eras; the checker treats amounts above 10 CNY in integration as
suspicious and above 50 CNY as beyond any documented integration quota."""

"""The demo merchant's server-to-server calls to LianLian: order query, bind list, payouts.

What a correct merchant does (protocol.md §1, §2.5, §7, §8):
* every call is a JSON POST signed with the merchant's key (golive's signing library); payouts are
  RSA-signed and then encrypted into ``pay_load`` for LianLian's public key (§8);
* every answer is verified before it is believed: RSA with LianLian's public key (the one staging
  trusts), MD5 with the merchant's key; ``agreement_list`` of the bind list is unsigned (§2.1);
* a payout answer of 1002, 2005, 4006, 4007, 4009 or 9999, or no answer at all, is *not* a failure:
  the payout may exist, so it is queried, never retried blindly (§8).
The base URLs come from `DemoSettings` (LianLian's by default, a golive sandbox in staging).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from golive.lianlian.sign import sign_params, verify_message

from .crypto import resolve_private_key, resolve_public_key
from .people import fmt14, now_cst
from .settings import DemoSettings

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ApiAnswer:
    """A LianLian answer: the fields, whether its signature verified, or why there is none."""

    fields: dict[str, Any]
    verified: bool
    error: str | None = None

    @property
    def ret_code(self) -> str | None:
        return None if self.error else str(self.fields.get("ret_code"))


class LianLianApi:
    def __init__(self, settings: DemoSettings) -> None:
        self.settings = settings
        self.private_key = resolve_private_key(settings.merchant_private_key)
        self.lianlian_key = resolve_public_key(settings.lianlian_public_key)

    def _sign(self, params: dict[str, str], sign_type: str | None = None) -> dict[str, str]:
        method = sign_type or self.settings.request_sign_type
        return sign_params(params, method, md5_key=self.settings.md5_key or None,
                           private_key=self.private_key if method == "RSA" else None)

    def _post(self, url: str, body: dict[str, Any], unsigned: tuple[str, ...] = ()) -> ApiAnswer:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json;charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - configured URL
                raw = response.read(1 << 20)
        except (urllib.error.URLError, OSError) as exc:
            return ApiAnswer({}, False, f"no answer: {type(exc).__name__}")
        try:
            fields = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return ApiAnswer({}, False, "the answer is not JSON")
        if not isinstance(fields, dict):
            return ApiAnswer({}, False, "the answer is not a JSON object")
        signed = {k: v for k, v in fields.items() if k not in unsigned}
        verified = bool(fields.get("sign")) and verify_message(
            signed, md5_key=self.settings.md5_key or None, public_key=self.lianlian_key).ok
        return ApiAnswer(fields, verified)

    # -- queries (§7) ---------------------------------------------------------------------------

    def order_query(self, no_order: str, dt_order: str) -> ApiAnswer:
        params = {"oid_partner": self.settings.oid_partner, "no_order": no_order, "dt_order": dt_order,
                  "query_version": "1.0"}
        return self._post(f"{self.settings.query_base}/orderquery.htm", self._sign(params))

    def bind_list(self, user_id: str, no_agree: str | None = None) -> ApiAnswer:
        params = {"oid_partner": self.settings.oid_partner, "user_id": user_id, "pay_type": "D", "offset": "0"}
        if no_agree:
            params["no_agree"] = no_agree
        return self._post(f"{self.settings.query_base}/bankcardbindlist.htm", self._sign(params),
                          unsigned=("agreement_list",))

    # -- payouts (§8) ---------------------------------------------------------------------------

    def _envelope(self, params: dict[str, str]) -> dict[str, str]:
        from golive.lianlian.payload import encrypt_pay_load

        signed = self._sign(params, "RSA")
        text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
        return {"oid_partner": self.settings.oid_partner, "pay_load": encrypt_pay_load(text, self.lianlian_key)}

    def payout(self, *, no_order: str, amount: str, card_no: str, acct_name: str, notify_url: str,
               info_order: str) -> ApiAnswer:
        params = {"oid_partner": self.settings.oid_partner, "api_version": "1.0", "no_order": no_order,
                  "dt_order": fmt14(now_cst()), "money_order": amount, "card_no": card_no, "acct_name": acct_name,
                  "info_order": info_order, "flag_card": "0", "notify_url": notify_url}
        return self._post(f"{self.settings.payout_base}/payment.htm", self._envelope(params))

    def payout_confirm(self, no_order: str, confirm_code: str) -> ApiAnswer:
        params = {"oid_partner": self.settings.oid_partner, "api_version": "1.0", "no_order": no_order,
                  "confirm_code": confirm_code}
        return self._post(f"{self.settings.payout_base}/confirmPayment.htm", self._envelope(params))

    def payout_query(self, no_order: str) -> ApiAnswer:
        params = {"oid_partner": self.settings.oid_partner, "no_order": no_order, "api_version": "1.0"}
        return self._post(f"{self.settings.payout_base}/queryPayment.htm", self._sign(params, "RSA"))

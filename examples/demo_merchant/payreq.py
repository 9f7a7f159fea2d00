"""Building the demo merchant's 认证支付 pay requests (Web form fields or WAP ``req_data``).

What a correct real-name (实名理财/P2P) merchant sends, per protocol.md §3 and §4:
- every value a string; ``risk_item`` a JSON *string* holding the basic (§4.1) and real-name
  (§4.3) risk fields, signed exactly as transmitted (§2.1 step 5);
- the user's identity (``id_type``, ``id_no``, ``acct_name``) with ``flag_modify=1`` (§3, 认证支付);
- ``no_agree`` for a repeat payer instead of a card number (never both);
- signed with the merchant's request sign type through golive's signing library (§2).
Web posts the fields to the cashier; WAP posts one field ``req_data`` with the whole signed JSON.
The demo never contacts LianLian here: it only returns what the browser would post, to the cashier
URLs of its settings (LianLian's, or a golive sandbox's).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from golive.lianlian.sign import sign_params

from .crypto import resolve_private_key
from .people import UserProfile, fmt14, now_cst
from .settings import DemoSettings

WEB_ACTION = "https://cashier.lianlianpay.com/payment/authpay.htm"
WAP_ACTION = "https://wap.lianlianpay.com/authpay.htm"
CHANNELS = ("web", "wap")


def _compact(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def risk_item_fields(settings: DemoSettings, user: UserProfile) -> dict[str, str]:
    """Basic + real-name risk fields for a user the merchant has verified by bank card."""
    fields = {
        "frms_ware_category": settings.frms_ware_category,
        "user_info_mercht_userno": user.user_id,
        "user_info_bind_phone": user.mobile,
        "user_info_dt_register": user.dt_register,
        "goods_name": settings.name_goods,
        "user_info_full_name": user.full_name,
        "user_info_id_type": "0",
        "user_info_id_no": user.id_no,
        "user_info_identify_state": "1",
        "user_info_identify_type": "1",
    }
    if settings.has("missing_risk_fields"):
        del fields["user_info_dt_register"], fields["user_info_id_no"]
    return fields


def build_pay_request(
    settings: DemoSettings,
    *,
    user: UserProfile,
    no_order: str,
    money_order: Decimal | str,
    dt_order: str | None = None,
    channel: str = "web",
    no_agree: str | None = None,
    userreq_ip: str = "127.0.0.1",
    notify_url: str | None = None,
    url_return: str | None = None,
    private_key: Any = None,
) -> dict[str, Any]:
    """A signed 认证支付 request, as the merchant's page would post it to LianLian.

    Returns ``{"action", "params"}`` for ``web`` and ``{"action", "req_data"}`` for ``wap``.
    ``notify_url``/``url_return`` default to the settings; ``private_key`` (a loaded key object)
    defaults to ``settings.merchant_private_key`` and is used only when request_sign_type is RSA.
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    notify_url = notify_url or settings.notify_url
    url_return = url_return or settings.url_return
    if not notify_url:
        raise ValueError("build_pay_request needs a notify_url (argument or DemoSettings.notify_url)")
    now = now_cst()
    amount = money_order if isinstance(money_order, str) else f"{money_order:.2f}"
    risk = risk_item_fields(settings, user)
    params: dict[str, str] = {
        "version": "1.0" if channel == "web" else "1.1",
        "oid_partner": settings.oid_partner,
        "user_id": user.user_id,
        "sign_type": settings.request_sign_type,
        "busi_partner": settings.busi_partner,
        "no_order": no_order,
        "dt_order": dt_order or fmt14(now),
        "name_goods": settings.name_goods,
        "info_order": f"{settings.name_goods} 订单 {no_order}",
        "money_order": amount,
        "notify_url": notify_url,
        "valid_order": "10080",
        "risk_item": _compact(risk),
        "id_type": "0",
        "id_no": user.id_no,
        "acct_name": user.full_name,
        "flag_modify": "1",
    }
    if url_return:
        params["url_return"] = url_return
    if channel == "web":
        params["timestamp"] = fmt14(now)
        params["userreq_ip"] = userreq_ip.replace(".", "_")
    else:
        params["app_request"] = "3"  # WAP/H5
    if no_agree:
        params["no_agree"] = no_agree
    key = resolve_private_key(private_key if private_key is not None else settings.merchant_private_key)
    signed: dict[str, Any] = sign_params(
        params,
        settings.request_sign_type,
        md5_key=settings.md5_key or None,
        private_key=key if settings.request_sign_type == "RSA" else None,
    )
    if settings.has("missing_risk_fields"):
        # The classic mistake: the signature was computed over the JSON text, but the request
        # then carries the risk fields as a nested object.
        signed["risk_item"] = risk
    if channel == "web":
        return {"action": settings.cashier_url, "params": signed}
    return {"action": settings.wap_url, "req_data": _compact(signed)}

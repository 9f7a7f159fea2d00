"""Demo merchant: a small but real LianLian 认证支付 merchant web app, for ``golive demo`` and tests.

It creates orders, builds signed pay requests with full risk parameters, handles the async
notification (verify, check, credit once, then ack), shows the synchronous return without
booking it, and enforces 同卡进出 on withdrawals. ``DemoSettings.defects`` switches on one classic
integration bug at a time (see ``DEFECTS``) so golive can be shown catching it.

    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant
    with start_demo_merchant(DemoSettings.from_example_keys(db_path=tmp / "m.db")) as m:
        print(m.base_url)

Run it in the foreground with ``python -m golive.examples.demo_merchant --help``.
It binds to loopback only and its keys (examples/keys/) are public demo data.
"""

from __future__ import annotations

from .app import ACK_FAIL, ACK_OK, ACK_OK_SINGLE_QUOTES, DemoMerchant
from .defects import DEFECTS
from .payreq import WAP_ACTION, WEB_ACTION, build_pay_request, risk_item_fields
from .people import UserProfile, fake_profile, gb11643_check_digit
from .server import RunningMerchant, start_demo_merchant
from .settings import DEFAULT_KEYS_DIR, DemoSettings

__all__ = [
    "ACK_FAIL",
    "ACK_OK",
    "ACK_OK_SINGLE_QUOTES",
    "DEFAULT_KEYS_DIR",
    "DEFECTS",
    "DemoMerchant",
    "DemoSettings",
    "RunningMerchant",
    "UserProfile",
    "WAP_ACTION",
    "WEB_ACTION",
    "build_pay_request",
    "fake_profile",
    "gb11643_check_digit",
    "risk_item_fields",
    "start_demo_merchant",
]

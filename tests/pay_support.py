"""Helpers for the LL-PAY tests: real payout traffic in a real sandbox journal, judged by golive check.

* `demo_flow(defects, plan)` -- the sandbox and the demo merchant (against it) on loopback: each user
  pays through the cashier, then withdraws through the merchant, whose payout goes to the sandbox's
  payout API (tags in `purpose` pick the sandbox's payout scenario). Cached per session; returns
  the state directory and the merchant's ledger.
* `crafted(...)` -- payout requests written by the test itself (bad ones), posted to a sandbox.
* `journal_config` / `run_pay` -- a golive.yaml with ``evidence.sandbox`` and a run of some checks.
"""

from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import requests

from sandbox_support import OID, TIMEOUT, now14, sandbox_running, sign, write_config

DEFAULT_PLAN: tuple[tuple[str, str, str], ...] = (
    # (user, purpose tag for the payout's info_order, card owner: whose test card the payout goes to)
    ("pay-u1", "", "pay-u1"),
    ("pay-u2", "golive:payout_ambiguous", "pay-u2"),
    ("pay-u3", "golive:payout_confirm_duplicate", "pay-u3"),
    ("pay-u4", "golive:payout_failure", "pay-u4"),
)


@lru_cache(maxsize=None)
def demo_flow(defects: frozenset[str] = frozenset(), plan: tuple[tuple[str, str, str], ...] = DEFAULT_PLAN,
              amount: str = "0.01") -> tuple[Path, Path]:
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant
    from golive.sandbox.cards import card_for_user
    from golive.sandbox.demo import pay, wait_until
    from golive.sandbox.journal import read_events

    root = Path(tempfile.mkdtemp(prefix="golive-pay-flow-"))
    with sandbox_running(root) as sandbox:
        settings = DemoSettings.from_example_keys(db_path=root / "merchant.sqlite3", defects=defects) \
            .against(sandbox.base_url, sandbox.key.public_pem)
        with start_demo_merchant(settings) as merchant:
            for user, _, _ in plan:
                pay(merchant.base_url, user, "0.01", "web")
            wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
            agreements = {e.user_id: e.detail["no_agree"] for e in read_events(sandbox.journal, kinds=["cashier"])}
            for user, purpose, owner in plan:
                requests.post(merchant.url("/test/withdrawals"), json={
                    "user": user, "card": agreements[user], "amount": amount, "card_no": card_for_user(owner),
                    "purpose": purpose}, timeout=TIMEOUT)
            wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
            ledger = root / "ledger.csv"
            ledger.write_text(requests.get(merchant.url("/test/ledger.csv"), timeout=TIMEOUT).text, encoding="utf-8")
        state = Path(sandbox.sandbox.settings.state_dir)
    return state, ledger


def envelope(public_key: Any, inner: dict[str, Any], **outer: Any) -> dict[str, Any]:
    from golive.lianlian.payload import encrypt_pay_load

    text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
    return {"oid_partner": OID, "pay_load": encrypt_pay_load(text, public_key), **outer}


def payout_params(no_order: str, card_no: str, amount: str = "0.01", **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"oid_partner": OID, "api_version": "1.0", "no_order": no_order, "dt_order": now14(),
                              "money_order": amount, "card_no": card_no, "acct_name": "张三", "info_order": "提现",
                              "flag_card": "0", "notify_url": "http://127.0.0.1:9/payout_notify"}
    for key, value in overrides.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


def crafted(sandbox: Any, inner: dict[str, Any], *, sign_type: str = "RSA", key: Any = None,
            path: str = "/paymentapi/payment.htm", **outer: Any) -> dict[str, Any]:
    """Sign `inner` (RSA with the demo merchant's key, or MD5), encrypt, post; the sandbox's answer."""
    body = envelope(key or sandbox.key.public_key, sign(inner, sign_type), **outer)
    return requests.post(sandbox.base_url + path, json=body, timeout=TIMEOUT).json()  # type: ignore[no-any-return]


def journal_config(tmp_path: Path, state: Path, ledger: Path | None = None, name: str = "check.yaml",
                   **overrides: Any) -> Path:
    evidence: dict[str, Any] = {"sandbox": str(state)}
    if ledger is not None:
        evidence["ledger"] = str(ledger)
    return write_config(tmp_path, {"evidence": evidence, **overrides}, name=name)


def run_pay(config: Path, *ids: str, **options: Any) -> dict[str, Any]:
    from golive.engine import RunOptions, run_check

    return run_check(RunOptions(config_path=config, select=set(ids), **options))


def check_of(result: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["id"] == check_id)


__all__ = ["DEFAULT_PLAN", "check_of", "crafted", "demo_flow", "envelope", "journal_config", "payout_params",
           "run_pay", "sandbox_running"]

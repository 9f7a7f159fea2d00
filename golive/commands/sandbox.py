"""`golive sandbox`: LianLian's endpoints on loopback, judging and journaling a merchant's real flow.

    golive sandbox [CONFIG] [--port 8090] [--host 127.0.0.1] [--state-dir golive-sandbox]
                   [--time-scale 60] [--cashier auto|page] [--scenario NAME] [--lianlian-key FILE] ...

Reads from golive.yaml only what LianLian knows about the merchant (merchant number, MD5 key,
uploaded public key, callback sign method, registration, category, stage), prints the base URLs
to configure and the public key staging must trust, and serves until Ctrl-C (exit 130) or SIGTERM
(exit 0), stopping within a second. Bad input is one line naming file and key, exit 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from golive.errors import EXIT_USAGE, InputError

DEFAULT_PORT = 8090

ENDPOINTS: tuple[tuple[str, str, str], ...] = (
    ("Web cashier / Web 收银台", "/payment/authpay.htm", "https://cashier.lianlianpay.com/payment/authpay.htm"),
    ("WAP cashier / WAP 收银台", "/authpay.htm", "https://wap.lianlianpay.com/authpay.htm"),
    ("order query / 订单查询", "/orderquery.htm", "https://queryapi.lianlianpay.com/orderquery.htm"),
    ("bind list / 绑卡查询", "/bankcardbindlist.htm", "https://queryapi.lianlianpay.com/bankcardbindlist.htm"),
    ("card BIN / 卡 BIN 查询", "/bankcardbin.htm", "https://queryapi.lianlianpay.com/bankcardbin.htm"),
    ("payout / 实时付款", "/paymentapi/payment.htm", "https://instantpay.lianlianpay.com/paymentapi/payment.htm"),
    ("payout confirm / 付款确认", "/paymentapi/confirmPayment.htm",
     "https://instantpay.lianlianpay.com/paymentapi/confirmPayment.htm"),
    ("payout query / 付款查询", "/paymentapi/queryPayment.htm",
     "https://instantpay.lianlianpay.com/paymentapi/queryPayment.htm"),
    ("app-SDK order check", "/_sandbox/sdk/payauth", "(the SDK's own transport; sandbox only)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", nargs="?", default="golive.yaml", help="golive.yaml (default: golive.yaml)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; loopback only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--state-dir", type=Path, default=Path("golive-sandbox"),
                        help="journal, outbox and the sandbox's LianLian key (default golive-sandbox/)")
    parser.add_argument("--time-scale", type=float, default=None, metavar="FACTOR",
                        help="LianLian time runs FACTOR times faster (default 60: the 2-minute redelivery takes 2 s; "
                             "1 is LianLian's real pace)")
    parser.add_argument("--cashier", choices=("auto", "page"), default="auto",
                        help="auto: pay at once (default); page: a cashier page where a person chooses pay or fail")
    parser.add_argument("--scenario", default=None, metavar="NAME",
                        help="force one payment scenario for every order (--list-scenarios)")
    parser.add_argument("--list-scenarios", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--ack-timeout", type=float, default=5.0, metavar="S",
                        help="how long LianLian waits for the merchant's ack (default 5 s; not scaled)")
    parser.add_argument("--max-deliveries", type=int, default=30, metavar="N",
                        help="deliveries of one notification before LianLian gives up (default 30)")
    parser.add_argument("--lianlian-key", type=Path, default=None, metavar="FILE",
                        help="use this RSA private key as the sandbox's LianLian key (default: one made and kept in "
                             "the state directory)")
    parser.add_argument("--as-domain", default=None, metavar="DOMAIN",
                        help="judge page requests from loopback as coming from DOMAIN (default: the first "
                             "registration.domains); an unregistered one shows the 1008 LianLian would answer")
    parser.add_argument("--as-ip", default=None, metavar="IP",
                        help="judge API calls from loopback as coming from IP (default: the first registration.server_ips)")
    parser.add_argument("--allow-notify-host", action="append", default=[], metavar="HOST",
                        help="also deliver notifications to this non-loopback host (repeatable)")
    parser.add_argument("--allow-non-loopback", action="store_true",
                        help="allow --host to be a non-loopback address (the sandbox then signs as LianLian for the network)")
    parser.add_argument("--sftp-port", type=int, default=None, metavar="N",
                        help="also serve the day's statement files (JYMX/JYMXSUM/FKMX) over SFTP on this port "
                             "(0 picks a free one); needs --sftp-authorized-key and the [sftp] extra")
    parser.add_argument("--sftp-authorized-key", action="append", default=[], type=Path, metavar="FILE",
                        help="an OpenSSH public key (the merchant job's) allowed to log in to the statement SFTP (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log one line per request (method, path, status)")


def list_scenarios() -> str:
    from golive.sandbox.scenarios import ALL_SCENARIOS

    lines = []
    for scenario in ALL_SCENARIOS.values():
        chosen = f"amount {scenario.amount}" if scenario.amount else ("default" if scenario.name in
                                                                      ("success", "payout_success") else "tag only")
        lines.append(f"{scenario.name:<26} {scenario.topic:<8} {chosen:<13} {scenario.lianlian}")
    return "\n".join(lines) + "\n\nTag an order: put golive:NAME in info_order.\n"


def _options(args: argparse.Namespace) -> dict[str, Any]:
    from golive.sandbox.scenarios import PAYMENT_SCENARIOS
    from golive.sandbox.settings import DEFAULT_TIME_SCALE

    if args.scenario is not None and args.scenario not in PAYMENT_SCENARIOS:
        raise InputError(f"unknown scenario {args.scenario!r}; allowed: {', '.join(PAYMENT_SCENARIOS)}", key="--scenario")
    if args.time_scale is not None and not 0 < args.time_scale <= 100000:
        raise InputError("must be > 0 and at most 100000", key="--time-scale")
    if not 0 < args.ack_timeout <= 60:
        raise InputError("must be > 0 and at most 60 seconds", key="--ack-timeout")
    if not 1 <= args.max_deliveries <= 100:
        raise InputError("must be between 1 and 100", key="--max-deliveries")
    if not 0 <= args.port <= 65535:
        raise InputError("must be between 0 and 65535", key="--port")
    if args.sftp_port is not None and not 0 <= args.sftp_port <= 65535:
        raise InputError("must be between 0 and 65535", key="--sftp-port")
    authorized: list[str] = []
    for path in args.sftp_authorized_key:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the public key: {getattr(exc, 'strerror', None) or exc}", file=str(path),
                             key="--sftp-authorized-key") from None
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        if not lines or "PRIVATE KEY" in text:
            raise InputError("not an OpenSSH public key line (ssh-ed25519 AAAA...)", file=str(path),
                             key="--sftp-authorized-key")
        authorized += lines
    return {"host": args.host, "port": args.port, "state_dir": args.state_dir,
            "time_scale": args.time_scale if args.time_scale is not None else DEFAULT_TIME_SCALE,
            "cashier": args.cashier, "scenario": args.scenario, "ack_timeout_s": args.ack_timeout,
            "max_deliveries": args.max_deliveries, "lianlian_key_file": args.lianlian_key,
            "as_domain": args.as_domain, "as_ip": args.as_ip,
            "notify_hosts": frozenset(h.lower() for h in args.allow_notify_host),
            "sftp_port": args.sftp_port, "sftp_authorized_keys": tuple(authorized)}


def banner(running: Any) -> str:
    """What to configure: base URLs, the key to trust, how notifications come. No secret in it."""
    settings = running.sandbox.settings
    key = running.key
    interval = settings.scaled(settings.retry_interval_s)
    lines = [
        f"golive sandbox: LianLian for merchant {settings.oid_partner}"
        + (f" ({settings.merchant_name})" if settings.merchant_name else "") + f" on {running.base_url}",
        f"  journal: {running.journal}  (run {running.sandbox.run_id}"
        + (f"; {running.resumed} interrupted deliveries resumed" if running.resumed else "") + ")",
        "",
        "Point the merchant's staging at these URLs instead of LianLian's:",
    ]
    width = max(len(running.base_url + path) for _, path, _ in ENDPOINTS)
    for label, path, real in ENDPOINTS:
        # URL first: the labels mix Chinese and Latin, whose widths a terminal does not agree on.
        lines.append(f"  {(running.base_url + path):<{width}}  ({label})")
        lines.append(f"      instead of {real}")
    lines += [
        "",
        "Trust this key in staging where production trusts LianLian's public key",
        "(RSA notifications and answers verify with it; payout pay_load is encrypted for it):",
        f"  SHA-256 fingerprint: {key.fingerprint_sha256}  ({key.bits}-bit, {key.source})",
        f"  bare Base64 (Java YT_PUB_KEY): {key.public_b64}",
        *("  " + line for line in key.public_pem.strip().splitlines()),
        "",
        f"Notifications: signed {settings.notify_sign_type} (the merchant-site setting), redelivered every "
        f"{interval:g} s (LianLian's {settings.retry_interval_s / 60:g} min / {settings.time_scale:g}) up to "
        f"{settings.max_deliveries} times until the ack {{\"ret_code\":\"0000\"}} arrives within {settings.ack_timeout_s:g} s.",
        f"Cashier: {settings.cashier}. Scenarios by amount: 0.02 failure, 0.03 processing, 0.04 duplicates, 0.05 late, "
        "0.06 notify_first, 0.07 out_of_order, 0.08 forged (golive sandbox --list-scenarios).",
    ]
    sftp = getattr(running, "sftp", None)
    lines.append(f"Statements (JYMX/JYMXSUM/FKMX, §9) for what was processed: {settings.state_dir}/statements/, "
                 "rewritten on POST /_sandbox/statements, at each SFTP login and at stop.")
    if sftp is not None:
        lines += [f"  SFTP: sftp://{sftp.host}:{sftp.port}/ (read-only, key login); pin this host key in "
                  "reconciliation.sftp.host_key:",
                  f"    {sftp.host_key_line}", f"    ({sftp.fingerprint})"]
    if not settings.unrestricted:
        for listed, what, where in ((settings.registered_domains, "registration.domains", "cashier"),
                                    (settings.registered_ips, "registration.server_ips", "query and payout")):
            if not listed:
                lines.append(f"Note: {what} is empty in {settings.config_path}: every {where} request will be "
                             "answered 1008 (not registered), as LianLian would.")
    lines.append("Ctrl-C stops.")
    return "\n".join(lines) + "\n"


class _Terminate(Exception):
    pass


def _on_term(signum: int, frame: Any) -> None:
    raise _Terminate


def run(args: argparse.Namespace) -> int:
    if args.list_scenarios:
        sys.stdout.write(list_scenarios())
        return 0
    from golive.sandbox.server import start_sandbox
    from golive.sandbox.settings import settings_from_config

    options = _options(args)
    settings = settings_from_config(args.config, **options)
    running = start_sandbox(settings, allow_non_loopback=args.allow_non_loopback, verbose=args.verbose)
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_term)
    try:
        sys.stdout.write(banner(running))
        sys.stdout.flush()
        forever = threading.Event()
        while not forever.wait(0.5):
            pass
    except KeyboardInterrupt:
        running.stop()
        print("golive sandbox: stopped (Ctrl-C); unfinished deliveries resume on the next start", file=sys.stderr)
        return 130
    except _Terminate:
        running.stop()
        print("golive sandbox: stopped (SIGTERM)", file=sys.stderr)
        return 0
    finally:
        running.stop()
    return EXIT_USAGE  # pragma: no cover - the loop only ends by a signal

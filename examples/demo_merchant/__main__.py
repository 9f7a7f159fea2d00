"""``python -m golive.examples.demo_merchant``: run the demo merchant in the foreground."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .defects import DEFECTS
from .server import start_demo_merchant
from .settings import DEFAULT_KEYS_DIR, SIGN_TYPES, DemoSettings


def _parser() -> argparse.ArgumentParser:
    defects = "\n".join(f"  {name:<22} {text}" for name, text in DEFECTS.items())
    parser = argparse.ArgumentParser(
        prog="python -m golive.examples.demo_merchant",
        description="LianLian 认证支付 demo merchant for golive (loopback only, demo keys).",
        epilog=f"defects:\n{defects}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--db", type=Path, default=None,
                        help="SQLite file for the books (default: a temporary file, gone on exit)")
    parser.add_argument("--defect", action="append", default=[], choices=sorted(DEFECTS),
                        metavar="NAME", help="switch on one classic bug (repeatable; see below)")
    parser.add_argument("--notify-sign-type", choices=SIGN_TYPES, default="MD5",
                        help="the 商户站 sign method LianLian callbacks use (default MD5)")
    parser.add_argument("--request-sign-type", choices=SIGN_TYPES, default="RSA",
                        help="sign method of the pay requests (default RSA, as examples/golive.yaml)")
    parser.add_argument("--keys", type=Path, default=DEFAULT_KEYS_DIR,
                        help="directory with the demo keys (default: the bundled examples/keys)")
    parser.add_argument("--oid-partner", default=None, help="merchant number (default 201811230001000001)")
    parser.add_argument("--lianlian-base", default=None, metavar="URL",
                        help="base URL of a golive sandbox standing in for LianLian: the cashier, queries and "
                             "payouts all go there, and payouts are switched on")
    parser.add_argument("--lianlian-public-key", type=Path, default=None, metavar="FILE",
                        help="the LianLian public key to trust (golive sandbox prints it and keeps it in its "
                             "state directory as lianlian_public.pem)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log one line per request (method, path, status; never bodies)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(message)s")
    overrides: dict[str, object] = {
        "notify_sign_type": args.notify_sign_type,
        "request_sign_type": args.request_sign_type,
        "defects": frozenset(args.defect),
        "verbose": args.verbose,
    }
    if args.oid_partner:
        overrides["oid_partner"] = args.oid_partner
    try:
        if args.lianlian_public_key is not None:
            overrides["lianlian_public_key"] = args.lianlian_public_key.read_text(encoding="ascii")
        settings = DemoSettings.from_example_keys(args.keys, args.db, **overrides)
        if args.lianlian_base:
            settings = settings.against(args.lianlian_base)
        running = start_demo_merchant(settings, host=args.host, port=args.port)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    defects = ", ".join(sorted(settings.defects)) or "none"
    print(f"demo merchant listening on {running.base_url}  (notify_sign_type={settings.notify_sign_type},"
          f" request_sign_type={settings.request_sign_type}, defects: {defects}); Ctrl-C stops",
          flush=True)
    running.serve_until_interrupted()
    return 0


if __name__ == "__main__":
    sys.exit(main())

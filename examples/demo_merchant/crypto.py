"""Key loading for the demo merchant, through golive's own key library (no signing code here)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from golive.lianlian.keys import load_private_key, load_public_key


@lru_cache(maxsize=8)
def _private_key(pem: str) -> Any:
    return load_private_key(pem, source="DemoSettings.merchant_private_key")


@lru_cache(maxsize=8)
def _public_key(pem: str) -> Any:
    return load_public_key(pem, source="DemoSettings.lianlian_public_key")


def resolve_private_key(key: Any) -> Any:
    """A loaded private key from a key object or PEM text/bytes (None stays None)."""
    if isinstance(key, bytes):
        key = key.decode("ascii")
    return _private_key(key) if isinstance(key, str) else key


def resolve_public_key(key: Any) -> Any:
    """A loaded public key from a key object or PEM text/bytes (None stays None)."""
    if isinstance(key, bytes):
        key = key.decode("ascii")
    return _public_key(key) if isinstance(key, str) else key

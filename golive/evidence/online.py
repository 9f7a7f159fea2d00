"""Online evidence (only with --online): DNS resolution of the declared domains.

Resolution runs in a small thread pool with an overall deadline, so a dead resolver cannot hang
the run; a name that does not resolve in time is recorded as such. Never used by the tests.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from golive.config import LoadedConfig
from golive.evidence.bundle import Bundle, Evidence

DEADLINE_S = 5.0


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def gather_online_evidence(config: LoadedConfig, bundle: Bundle) -> None:
    """Resolve registration.domains; store {host: {addresses} | {error}} as evidence "dns"."""
    domains = [d.strip().lstrip("*.") for d in config.get("registration.domains", []) or [] if d.strip()]
    bundle.put("dns", Evidence.ok(resolve_hosts(sorted(set(domains))), source="DNS"))


def resolve_hosts(hosts: list[str], deadline_s: float = DEADLINE_S) -> dict[str, Any]:
    results: dict[str, Any] = {}
    pool = ThreadPoolExecutor(max_workers=min(8, max(1, len(hosts))))
    futures = {pool.submit(_resolve, host): host for host in hosts}
    done, _ = wait(futures, timeout=deadline_s)
    for future, host in futures.items():
        if future not in done:
            results[host] = {"error": f"no answer within {deadline_s:.0f}s"}
        elif future.exception() is not None:
            results[host] = {"error": str(future.exception())}
        else:
            results[host] = {"addresses": future.result()}
    pool.shutdown(wait=False, cancel_futures=True)
    return results

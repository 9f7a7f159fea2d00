"""The DNS gatherer (only with --online): resolution of the registered domains.

Resolution runs in a small thread pool with an overall deadline, so a dead resolver cannot hang
the run; a name that does not resolve in time is recorded as such. Never used by the tests.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text
from golive.waiting import wait_all

DEADLINE_S = 5.0


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    """Resolve registration.domains with --online: {host: {addresses} | {error}}."""
    if not ctx.options.online:
        return {"dns": Evidence.missing(Text("未开启在线检查（--online）", "online checks not requested (--online)"))}
    domains = [d.strip().lstrip("*.") for d in ctx.config.get("registration.domains", []) or [] if d.strip()]
    return {"dns": Evidence.ok(resolve_hosts(sorted(set(domains))), source="DNS")}


def resolve_hosts(hosts: list[str], deadline_s: float = DEADLINE_S) -> dict[str, Any]:
    results: dict[str, Any] = {}
    pool = ThreadPoolExecutor(max_workers=min(8, max(1, len(hosts))))
    futures = {pool.submit(_resolve, host): host for host in hosts}
    done, _ = wait_all(futures, timeout=deadline_s)
    for future, host in futures.items():
        if future not in done:
            results[host] = {"error": f"no answer within {deadline_s:.0f}s"}
        elif future.exception() is not None:
            results[host] = {"error": str(future.exception())}
        else:
            results[host] = {"addresses": future.result()}
    pool.shutdown(wait=False, cancel_futures=True)
    return results


GATHERER = Gatherer(
    name="dns",
    produces=("dns",),
    reads=Text("registration.domains 的 DNS 解析（仅 --online）", "DNS answers for registration.domains (--online only)"),
    gather=gather,
)

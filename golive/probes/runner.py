"""Entry point of ``golive check --probe``: builds the probe session and gathers probe evidence.

`gather_probe_evidence` is called by the engine (golive/engine.py ``Run._gather_probes``) only
when the user passed ``--probe``. It never raises for a merchant server's trouble: every problem
is stored as evidence (`Evidence.failed` when the probes could not run at all, a per-scenario
``error`` when one scenario could not be carried out), so the checks that needed it report
`error` -- never `pass`.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Mapping

from golive.config import LoadedConfig, Secrets
from golive.probes.http import HttpClient, TargetPolicy, hosts_of
from golive.probes.recipes import DEFAULT_TIMEOUT_S, ProbeContext, recipe_urls

LOOPBACK_ONLY_ENV = "GOLIVE_PROBE_LOOPBACK_ONLY"


def run_bound_s(live: Mapping[str, Any]) -> float:
    """The hard bound of a whole probe run: nothing is sent after it.

    Generous enough for the sequential redelivery scenario at its configured pace, plus a few
    timeouts' worth of slack for the slowest answers.
    """
    timeout = float(live.get("timeout_s", DEFAULT_TIMEOUT_S))
    copies = int(live.get("redeliveries", 30))
    interval = float(live.get("redelivery_interval_s", 0))
    return 30.0 + 6 * timeout + copies * interval


def build_context(config: LoadedConfig, secrets: Secrets, say: Callable[[str], None] | None = None,
                  environ: Mapping[str, str] | None = None) -> ProbeContext:
    """The probe session for `config` (its live: section must exist)."""
    live: Mapping[str, Any] = config.get("live") or {}
    env = os.environ if environ is None else environ
    policy = TargetPolicy(hosts_of(recipe_urls(live)), loopback_only=env.get(LOOPBACK_ONLY_ENV, "") == "1")
    started = time.monotonic()
    client = HttpClient(policy, float(live.get("timeout_s", DEFAULT_TIMEOUT_S)), started + run_bound_s(live),
                        started=started)
    return ProbeContext(config, secrets, client, say)

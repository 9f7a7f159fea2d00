"""The sandbox gatherer: a ``golive sandbox`` run's notifications per order, as ``sandbox.notify``.

Reads the journal named by ``--sandbox DIR`` or ``evidence.sandbox`` (golive/sandbox/observe.py):
every delivery of every payment notification with the merchant's answer, grouped by order. When
golive.yaml has ``live.credits`` -- an HTTP request or a command that reads the merchant's *own*
books, e.g. its order query or a count of its payment rows -- it also reads, once per order that
reached the cashier, how many times the merchant credited it: a read, nothing else is sent, and
only to loopback or a host declared in ``live.staging_hosts`` (or ``--allow-probe-host``).
Without ``live.credits`` the counts are absent and the exactly-once check says so.

A journal that cannot be read is failed evidence (its checks are ``error``, saying why); no
sandbox given is missing evidence (they do not apply).
"""

from __future__ import annotations

from typing import Any

from golive.evidence.bundle import Evidence
from golive.gatherers.captures import sandbox_journal
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def _credit_reader(ctx: GatherContext) -> tuple[Any, str | None]:
    """A reader of one order's credit count through ``live.credits``, or (None, None) without it."""
    live = ctx.config.get("live")
    recipe = live.get("credits") if isinstance(live, dict) else None
    if not isinstance(recipe, dict):
        return None, None
    from golive.probes.recipes import ProbeError, count_value
    from golive.probes.runner import build_context, check_probe_hosts

    check_probe_hosts(ctx.config, ctx.options.allow_probe_hosts)  # before anything is sent
    from golive.signing import SigningMaterial

    signing = ctx.used("signing")  # a recipe signs nothing: without keys it runs all the same
    probe = build_context(ctx.config, signing.value if signing.is_ok else SigningMaterial(), ctx.say, ctx.environ)

    def read(no_order: str, user_id: str | None) -> tuple[int | None, str | None]:
        answer = probe.run_recipe("credits", {"no_order": no_order, "user_id": user_id}, label="credits")
        if not answer.ok:
            return None, answer.error
        try:
            return count_value(answer.value, "live.credits"), None
        except ProbeError as exc:
            return None, exc.reason.en

    return read, "http" if "http" in recipe else "command"


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    journal = sandbox_journal(ctx)
    if journal is None:
        return {"sandbox.notify": Evidence.missing(Text("未提供沙箱日志（--sandbox 或 evidence.sandbox）",
                                                        "no sandbox journal given (--sandbox or evidence.sandbox)"))}
    from golive.sandbox.journal import JournalError
    from golive.sandbox.observe import observe_deliveries

    path, written = journal
    reader, via = _credit_reader(ctx)
    if reader is not None:
        ctx.say(f"reading credit counts through live.credits for the orders in {written}")
    try:
        value = observe_deliveries(path, written, reader, via)
    except JournalError as exc:
        return {"sandbox.notify": Evidence.failed(Text(f"沙箱日志无法读取：{exc}", f"the sandbox journal cannot be read: {exc}"),
                                                  source=written)}
    return {"sandbox.notify": Evidence.ok(value, source=written)}


GATHERER = Gatherer(
    name="sandbox",
    produces=("sandbox.notify",),
    uses=("signing",),
    reads=Text("沙箱日志中的通知投递与应答（--sandbox / evidence.sandbox）；入账次数经 live.credits 读取",
               "notification deliveries and answers in the sandbox journal (--sandbox / evidence.sandbox); credit "
               "counts through live.credits"),
    gather=gather,
)

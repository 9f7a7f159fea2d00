"""`golive demo --sandbox`: the demo merchant's real flow, end to end, through the sandbox.

Where plain ``golive demo`` probes the demo merchant directly (golive acting as LianLian with test
endpoints), this runs it the way a merchant's staging runs against the sandbox: the merchant's
checkout page posts to the sandbox cashier, the payer's "browser" (`browser.py`) follows the
return form back, the sandbox delivers notifications on LianLian's schedule, and a withdrawal goes
out through the payout API (``pay_load`` encrypted for the sandbox's key, which the merchant
trusts). One payment per scenario, then a withdrawal; the journal stays in
``<output-dir>/sandbox/`` for ``golive check`` to judge once the ``sandbox:`` source lands.

The summary says, per flow, what the sandbox answered, how the notifications went and what the
merchant booked -- the last from the demo merchant's test endpoint, which only this demo uses
(the journal alone is what a real merchant's run leaves). It exits 0 when every flow ended as a
correct merchant's would, 1 otherwise (e.g. with ``--defect accepts_forged``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from golive.sandbox import browser
from golive.sandbox.journal import Event, EventKind, read_events

DEMO_TIME_SCALE = 600.0  # 2 LianLian minutes take 0.2 s: the whole demo runs in seconds
def withdrawal_plan() -> tuple[tuple[str, str, str], ...]:
    """(label, amount, the card number the user gives): demo-u1 paid 0.02 with its test card."""
    from golive.sandbox.cards import card_for_user

    paying, stranger = card_for_user("demo-u1"), card_for_user("demo-stranger")
    return (("to another card", "0.01", stranger), ("to the paying card", "0.02", paying),
            ("over what was paid", "5.00", paying))


FLOWS: tuple[tuple[str, str, str, str], ...] = (
    # (label, user, amount, channel); the amount picks the scenario (scenarios.py)
    ("web payment", "demo-u1", "0.01", "web"),
    ("wap repeat payment", "demo-u1", "0.01", "wap"),
    ("failure", "demo-failure", "0.02", "web"),
    ("processing", "demo-processing", "0.03", "web"),
    ("duplicates", "demo-duplicates", "0.04", "web"),
    ("late", "demo-late", "0.05", "wap"),
    ("notify_first", "demo-first", "0.06", "web"),
    ("out_of_order", "demo-order", "0.07", "web"),
    ("forged", "demo-forged", "0.08", "web"),
)


@dataclass
class FlowResult:
    label: str
    user: str
    amount: str
    channel: str
    no_order: str = ""
    answered: str = ""
    credits: int | None = None
    problems: list[str] = field(default_factory=list)
    deliveries: str = ""


def _json(url: str, data: dict[str, str] | None = None) -> Any:
    body = json.dumps(data).encode("utf-8") if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if data is not None else "GET",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - loopback demo merchant
        return json.loads(response.read())


def pay(merchant_base: str, user: str, amount: str, channel: str) -> tuple[str, browser.Page]:
    """One payment as the payer's browser makes it; returns the order number and the last page."""
    checkout = browser.get(f"{merchant_base}/checkout?user={user}&amount={amount}&channel={channel}")
    form = checkout.forms[0]
    values = form.values()
    no_order = values.get("no_order") or json.loads(values.get("req_data", "{}")).get("no_order", "")
    page = browser.submit(form, referer=checkout.url)
    if page.data.get("state") == "cashier":
        page = browser.submit(page.forms[0], referer=page.url, button=("choice", "pay"))
    if page.data.get("state") == "return":
        page = browser.submit(page.forms[0], referer=page.url)
    return no_order, page


def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _events_of(events: list[Event], no_order: str) -> list[Event]:
    return [e for e in events if e.no_order == no_order]


def judge_flow(flow: FlowResult, events: list[Event]) -> None:
    """What a correct merchant's flow looks like in the journal, scenario by scenario."""
    mine = _events_of(events, flow.no_order)
    requests = [e for e in mine if e.kind is EventKind.PAY_REQUEST]
    deliveries = [e for e in mine if e.kind is EventKind.NOTIFY_DELIVERY]
    genuine = [e for e in deliveries if e.detail.get("role") == "genuine"]
    flow.answered = (requests[-1].ret_code or "") if requests else "-"
    flow.deliveries = f"{sum(e.ack_ok for e in deliveries)}/{len(deliveries)} acked"
    if not requests or not requests[-1].accepted:
        flow.problems.append(f"the sandbox refused the order ({flow.answered})")
        return
    expected_credits = 0 if flow.label == "failure" else 1
    if flow.credits != expected_credits:
        flow.problems.append(f"credited {flow.credits} times, expected {expected_credits}")
    if flow.label == "failure":
        if deliveries:
            flow.problems.append("a failed payment was notified")
        return
    if not any(e.ack_ok for e in genuine):
        flow.problems.append("the genuine notification was never acknowledged by LianLian's contract")
    unacked: Counter[str] = Counter()
    for event in deliveries:
        if event.forged and event.ret_code == "0000":
            flow.problems.append(f"a forged copy ({event.forged}) was acknowledged 0000")
        elif not event.forged and event.detail.get("role") != "stale" and not event.ack_ok:
            unacked[str(event.detail.get("ack", {}).get("reason") or event.error)] += 1
    for reason, count in unacked.items():
        flow.problems.append(f"{count} deliver{'y' if count == 1 else 'ies'} not acknowledged: {reason}")


def _rows(results: list[FlowResult]) -> Iterator[str]:
    yield f"{'flow':<20} {'order':<26} {'answer':<6} {'deliveries':<12} {'credits':<7} result"
    for r in results:
        verdict = "ok" if not r.problems else "; ".join(r.problems)
        yield (f"{r.label:<20} {r.no_order:<26} {r.answered:<6} {r.deliveries:<12} "
               f"{'-' if r.credits is None else r.credits:<7} {verdict}")


def run_sandbox_demo(defects: frozenset[str], out_dir: Path, progress: Callable[[str], None]) -> tuple[int, str]:
    """Run every flow; return (exit code, summary text)."""
    try:
        return _run(defects, out_dir, progress)
    except (OSError, ValueError, KeyError, IndexError) as exc:  # the bundled pair misbehaves: one line, no traceback
        from golive.errors import InputError

        raise InputError(f"the demo merchant or the sandbox did not answer as expected: "
                         f"{type(exc).__name__}: {exc}", key="demo --sandbox") from None


def _run(defects: frozenset[str], out_dir: Path, progress: Callable[[str], None]) -> tuple[int, str]:
    import yaml

    from golive.commands.demo import demo_config, example_dir
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant
    from golive.sandbox.cards import card_for_user
    from golive.sandbox.server import start_sandbox
    from golive.sandbox.settings import settings_from_config

    state_dir = out_dir / "sandbox"
    if state_dir.exists():  # the demo's own journal from an earlier run
        shutil.rmtree(state_dir)
    scratch = Path(tempfile.mkdtemp(prefix="golive-sandbox-demo-"))
    results: list[FlowResult] = []
    try:
        example = example_dir(scratch)
        config_path = scratch / "golive.yaml"
        config_path.write_text(yaml.safe_dump(demo_config(example, "http://127.0.0.1:9", []), allow_unicode=True,
                                              sort_keys=False), encoding="utf-8")
        settings = settings_from_config(config_path, state_dir=state_dir, port=0, time_scale=DEMO_TIME_SCALE)
        progress("starting the sandbox and the demo merchant")
        with start_sandbox(settings) as sandbox:
            merchant_settings = DemoSettings.from_example_keys(
                example / "keys", db_path=scratch / "merchant.sqlite3", defects=defects,
            ).against(sandbox.base_url, sandbox.key.public_pem)
            with start_demo_merchant(merchant_settings) as merchant:
                for label, user, amount, channel in FLOWS:
                    progress(f"{label}: paying {amount} CNY ({channel})")
                    flow = FlowResult(label, user, amount, channel)
                    flow.no_order, _ = pay(merchant.base_url, user, amount, channel)
                    results.append(flow)
                    if label == "web payment":  # the repeat payment needs the agreement this one binds
                        wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 30)
                progress("waiting for every notification to be delivered")
                wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 60)
                progress("withdrawing: to the paying card, to another card, over the bound (payout API)")
                agreement = _first_agreement(sandbox.journal, "demo-u1")
                withdrawals = [
                    (label, amount, card_no, _json(merchant.url("/test/withdrawals"), {
                        "user": "demo-u1", "card": agreement, "amount": amount, "card_no": card_no}))
                    for label, amount, card_no in withdrawal_plan()]
                progress("payouts LianLian answers otherwise: failure, cancel, 9999, 4002 (scenario tags)")
                for user, tag in PAYOUT_TAGS:
                    _json(merchant.url("/test/withdrawals"), {
                        "user": user, "card": _first_agreement(sandbox.journal, user), "amount": "0.01",
                        "card_no": card_for_user(user), "purpose": f"golive:{tag}"})
                wait_until(lambda: sandbox.sandbox.outbox.pending_count() == 0, 60)
                for flow in results:
                    flow.credits = int(_json(merchant.url(f"/test/orders/{flow.no_order}"))["credits"])
                ledger = scratch / "ledger.csv"
                with urllib.request.urlopen(merchant.url("/test/ledger.csv"), timeout=15) as response:  # noqa: S310
                    ledger.write_bytes(response.read())
        events = list(read_events(state_dir))
        for flow in results:
            judge_flow(flow, events)
        lines = list(_rows(results))
        lines.append("")
        payouts_ok = True
        for label, amount, card_no, answer in withdrawals:
            line, ok = _payout_line(label, amount, card_no, answer, events)
            lines.append(line)
            payouts_ok = payouts_ok and ok
        counts: dict[str, int] = {}
        for event in events:
            counts[event.kind.value] = counts.get(event.kind.value, 0) + 1
        lines.append("journal: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        lines.append(f"journal file: {state_dir / 'sandbox.sqlite3'} (read it with golive.sandbox.journal.read_events)")
        judged_ok, judged = _judge_journal(config_path, state_dir, ledger)
        lines.append("")
        lines += judged
        ok = all(not r.problems for r in results) and payouts_ok and judged_ok
        return (0 if ok else 1), "\n".join(lines) + "\n"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


PAYOUT_TAGS: tuple[tuple[str, str], ...] = (
    # (a user who paid above, the sandbox payout scenario its withdrawal's info_order names)
    ("demo-duplicates", "payout_failure"),
    ("demo-late", "payout_cancel"),
    ("demo-first", "payout_ambiguous"),
    ("demo-order", "payout_confirm_duplicate"),
)
JUDGED = tuple(f"LL-PAY-00{n}" for n in range(1, 8)) + tuple(f"LL-REC-00{n}" for n in range(1, 7))


def _judge_journal(config_path: Path, state_dir: Path, ledger: Path) -> tuple[bool, list[str]]:
    """golive check of what the run left: the payouts in the journal (LL-PAY-001..007) and the
    sandbox's statement files reconciled with the merchant's books (LL-REC-001..006)."""
    import yaml

    from golive.engine import RunOptions, run_check

    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    state = state_dir.resolve()
    data.setdefault("evidence", {}).update({"sandbox": str(state), "ledger": str(ledger.resolve()), "captures": []})
    data["reconciliation"] = {"path": str(state / "statements")}
    data.pop("live", None)
    judged = config_path.with_name("judge-journal.yaml")
    judged.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_check(RunOptions(config_path=judged, select=set(JUDGED)))
    lines, ok = ["golive check of the journal and the statements:"], True
    for check in result["checks"]:
        if check["id"] not in JUDGED:
            continue
        status = check["status"]
        ok = ok and status in ("pass", "not_applicable")
        why = ""
        if status in ("fail", "error"):
            first = (check.get("findings") or [{}])[0].get("message") or check.get("reason") or {}
            why = f": {str(first.get('en', ''))[:140]}"
        lines.append(f"  {check['id']}  {status:<14} {check['title']['en']}{why}")
    return ok, lines


def _first_agreement(journal: Path, user: str) -> str:
    for event in read_events(journal, kinds=[EventKind.CASHIER]):
        if event.user_id == user and event.detail.get("no_agree"):
            return str(event.detail["no_agree"])
    return "none"


def _payout_line(label: str, amount: str, card_no: str, answer: dict[str, Any],
                 events: list[Event]) -> tuple[str, bool]:
    """What the journal shows for one withdrawal: the payout requests for that card and amount."""
    requests = [e for e in events if e.kind is EventKind.PAYOUT_REQUEST and e.params.get("card_no") == card_no
                and e.params.get("money_order") == amount]
    mine = {e.no_order for e in requests}
    acks = [e for e in events if e.kind is EventKind.NOTIFY_DELIVERY and e.topic == "payout" and e.no_order in mine]
    if label == "to the paying card":
        ok = (answer.get("result") == "ACCEPTED" and any(e.accepted for e in requests) and any(e.ack_ok for e in acks))
        seen = (f"payout answer {requests[-1].ret_code if requests else '-'}, "
                f"notifications {sum(e.ack_ok for e in acks)}/{len(acks)} acked")
    else:  # a correct merchant refuses these itself: nothing reaches the payout API
        ok = not requests
        seen = "no payout request" if ok else f"a payout request reached LianLian ({requests[-1].ret_code})"
    return (f"withdrawal {amount} {label}: merchant {answer.get('result')}, {seen} -> "
            f"{'ok' if ok else 'NOT as expected'}"), ok


__all__ = ["FLOWS", "FlowResult", "judge_flow", "pay", "run_sandbox_demo", "wait_until"]

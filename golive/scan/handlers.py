"""LianLian semantics over the syntax view: which functions handle the async notification or the
synchronous return, and where they acknowledge, update the order and verify the signature.

The protocol facts behind the heuristics (protocol.md §5):

* The notification is a server-to-server POST of a raw JSON body to ``notify_url``; the merchant
  answers ``{"ret_code":"0000","ret_msg":"交易成功"}`` once it has *recorded* the payment
  (§5.1). LianLian stops re-sending on that answer, so an ack written before the order update
  loses the payment if the update then fails.
* ``url_return`` receives the browser's POST (a form, or ``res_data`` on WAP) once; it is for
  showing a page, never for fulfilment (§5.2).

A *handler* is recognised by its own name or route (``notify``, ``callback``, ``/llpay/notify``,
``payReturn``, ``return_url.php``), or by being a request entry point (``doPost``, a request
parameter, a registered lambda) inside a class or file so named -- and by mentioning LianLian's
fields. Helpers inside a notify servlet are therefore not handlers themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from golive.scan.syntax import Call, Syntax, Unit

LIANLIAN_HINT = re.compile(r"ret_code|result_pay|oid_paybill|oid_partner|no_order|res_data|llpay|lianlian|yintong|"
                           r"llianpay", re.IGNORECASE)
# The same words as code-rule triggers (ScanRule.triggers): a rule that only looks at handlers,
# which must mention them, needs a file to mention them before it is worth parsing.
LIANLIAN_TRIGGERS: tuple[str, ...] = ("ret_code", "result_pay", "oid_paybill", "oid_partner", "no_order", "res_data",
                                      "llpay", "lianlian", "yintong", "llianpay")
NOTIFY_WORDS = frozenset({"notify", "notification", "callback", "async", "asyn", "notice"})
RETURN_WORDS = frozenset({"return"})
ENTRY_NAMES = frozenset({"dopost", "doget", "service", "handle", "handler", "execute", "invoke", "__invoke", "index",
                         "servehttp", "process", "post", "receive", "onrequest", "action", "run", "call"})
_REQUEST_PARAM = re.compile(r"HttpServletRequest|HttpServletResponse|\bRequest\b|\breq\b|\brequest\b|http\.Request|"
                            r"ResponseWriter|HttpContext|gin\.Context|echo\.Context|\bctx\b|\$request\b",
                            re.IGNORECASE)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_QUOTED = re.compile(r"""["'`]([^"'`\n]{1,200})["'`]""")

# The acknowledgement: ret_code 0000 however it is spelled in source (JSON text, escaped JSON,
# a dict or array literal, keyword arguments, a put("ret_code", "0000") call).
ACK = re.compile(r"ret_?code\W{1,12}0000", re.IGNORECASE)
# Calls that send a response body (the last name of the callee, lower-case).
RESPONSE_NAMES = frozenset({
    "write", "print", "println", "echo", "send", "json", "end", "jsonify", "jsonresponse", "httpresponse", "response",
    "make_response", "content", "ok", "writestring", "writeasync", "fprint", "fprintf", "fprintln", "string", "data",
    "exit", "die", "writejson", "render_json", "sendstring", "writebytes", "flushbuffer", "jsonp", "body",
})
# Logging calls: a logger's method (logger.info, log.Printf, console.log, Log::info, _logger.LogInformation),
# or a function that writes to the process log or stdout (error_log, System.out.println, fmt.Println).
_LOG_RECEIVER = re.compile(r"(?:^|[.:>\s$])_?(?:log|logs|logger|logging|log4j|slf4j|logutils?|loghelper|console|syslog|"
                           r"sugar|zap|logrus|klog|glog)(?:\(\s*\))?\s*(?:\.|::|->)\s*\w+$", re.IGNORECASE)
_LOG_METHODS = re.compile(r"^(?:info|debug|warn|warning|error|trace|fatal|critical|exception|log|print\w*|infof|debugf|"
                          r"warnf|errorf|infow|errorw|println|log\w+|[diwev])$", re.IGNORECASE)
_LOG_FUNCTIONS = frozenset({
    "error_log", "syslog", "logResult", "log_result", "System.out.println", "System.out.print", "System.out.printf",
    "System.err.println", "System.err.print", "System.err.printf", "fmt.Println", "fmt.Printf", "fmt.Print",
    "Console.WriteLine", "Console.Write", "Debug.WriteLine", "Trace.WriteLine", "Trace.TraceInformation", "println",
})

# Order updates: persistence calls, SQL that changes rows, and fulfilment verbs.
_FULFIL_NAMES = re.compile(r"^(?:mark_?\w*paid\w*|set_?paid\w*|fulfil+\w*|deliver\w*|ship_?order\w*|"
                           r"(?:add_?)?credit(?:_?(?:order|user|account|balance|points?|wallet|payment))?|"
                           r"recharge\w*|top_?up\w*|add_?balance\w*|increase_?balance\w*|on_?paid|pay_?success\w*|"
                           r"handle_?paid\w*|handle_?success\w*|process_?(?:order|payment)\w*|paid|"
                           r"update_?order\w*|finish_?order\w*|complete_?order\w*|confirm_?order\w*|"
                           r"book(?:_?(?:order|payment))?|settle(?:_?(?:order|payment))?)$", re.IGNORECASE)
_PERSIST_NAMES = re.compile(r"^(?:update\w*|save\w*|persist\w*|insert\w*|upsert\w*|merge|commit\w*|"
                            r"execute_?update\w*|finish\w*|complete\w*|confirm\w*)$", re.IGNORECASE)
_SQL_NAMES = re.compile(r"^(?:execute\w*|exec\w*|query\w*|prepare\w*|raw)$", re.IGNORECASE)
_SQL_DML = re.compile(r"\b(?:update\s+\S+\s+set|insert\s+into|delete\s+from)\b", re.IGNORECASE)
_DIGEST_RECEIVER = re.compile(r"(?:md5|sha\w*|digest|hash\w*|hmac|\bmac|sign\w*|cipher|crypto|hasher|\bmd|\bh|\bm)"
                              r"\s*(?:\(\))?\s*(?:\.|->)?$", re.IGNORECASE)
_ORDERISH = re.compile(r"order|pay|trade|bill|txn|transaction|dao|repo|mapper|service|\bdb\b|session|model|objects|"
                       r"table|cursor|conn|stmt|jdbc|entity|\bem\b|manager|\btx\b|account|balance|wallet",
                       re.IGNORECASE)
# dict.update(), map.update(): a receiver that names a mapping is not a persistence call
_MAPPING_RECEIVER = re.compile(r"(?:notes|data|params|headers|dict|map|kwargs|fields|attrs|context|ctx|meta|info|"
                               r"options|settings|extra|payload|body|values|defaults|env|environ|cache|counts?|"
                               r"state|result|row|record|d)\s*(?:\(\))?\s*\.?$", re.IGNORECASE)
VERIFY = re.compile(r"verif|veryfy|check_?sign|sign_?check|valid\w*sign|sign\w*valid|signature|rsa_?check|"
                    r"md5_?check|check_?(?:rsa|md5)|openssl_verify", re.IGNORECASE)


def words(text: str) -> set[str]:
    """Lower-case words of identifiers and paths: ``ReceiveNotifyServlet`` -> receive, notify, servlet."""
    return {w.lower() for w in _WORDS.findall(text)}


@dataclass(frozen=True)
class Event:
    """A place in a handler: an acknowledgement, an order update or a verification."""

    start: int
    end: int
    returns: bool = False  # the event is (inside) a return: the handler ends there


def _own_words(unit: Unit) -> set[str]:
    routes = " ".join(_QUOTED.findall(unit.header))
    return words(unit.name) | words(routes) | (words(unit.header) if unit.kind == "lambda" else set())


def _scope_words(unit: Unit) -> set[str]:
    return words(unit.scope) | words(PurePosixPath(unit.path).stem)


def role(syn: Syntax, unit: Unit) -> str | None:
    """``notify``, ``return`` or None for a unit; it must also mention LianLian's fields."""
    if unit.name.lower().startswith("test"):
        return None  # test_notify_…, TestNotify: tests call handlers, they are not handlers
    own = _own_words(unit)
    found: str | None = None
    if own & NOTIFY_WORDS:
        found = "notify"
    elif own & RETURN_WORDS:
        found = "return"
    else:
        entry = (unit.kind in ("lambda", "file") or unit.name.lower().replace("_", "") in ENTRY_NAMES
                 or bool(_REQUEST_PARAM.search(unit.header)))
        scope = _scope_words(unit)
        if entry and scope & NOTIFY_WORDS:
            found = "notify"
        elif entry and scope & RETURN_WORDS:
            found = "return"
    if found is None:
        return None
    if unit.kind == "file" and not syn.unit_calls(unit):
        return None
    if not LIANLIAN_HINT.search(syn.unit_text(unit) if unit.kind != "file" else syn.source.text):
        return None
    return found


def handlers(syn: Syntax, wanted: str) -> list[Unit]:
    return [u for u in syn.build().units if role(syn, u) == wanted]


def is_log_call(call: Call, lang: str | None = None) -> bool:
    """A call that writes to a log or the process output (not to the HTTP response)."""
    if call.callee in _LOG_FUNCTIONS or (lang == "python" and call.callee == "print"):
        return True
    return bool(_LOG_RECEIVER.search(call.callee)) and bool(_LOG_METHODS.match(call.name))


def ack_names(syn: Syntax) -> set[str]:
    """Variables and constants that hold the 0000 acknowledgement (``ACK = "{...0000...}"``,
    ``json.put("ret_code", "0000")``, ``resp["ret_code"] = "0000"``)."""
    names: set[str] = set()
    for assign in syn.build().assigns:
        if ACK.search(assign.value) or ACK.search(f"{assign.target}={assign.value}"):
            found = re.findall(r"[A-Za-z_$][\w$]*", assign.target)
            if found:
                names.add(found[-1] if "[" not in assign.target else found[0])
    for call in syn.calls:
        if call.name.lower() in ("put", "set", "setretcode", "setret_code", "add", "addproperty", "put_string") \
                and ACK.search(call.args):
            receiver = call.callee[: -len(call.name)].rstrip(".->:")
            found = re.findall(r"[A-Za-z_$][\w$]*", receiver)
            if found:
                names.add(found[-1])
    return {n.lstrip("$") for n in names if len(n.lstrip("$")) > 1}


def _mentions(text: str, names: set[str]) -> bool:
    return any(re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", text) for n in names)


def ack_events(syn: Syntax, unit: Unit) -> list[Event]:
    """Where the handler answers 0000: a response write, or a return of the ack."""
    names = ack_names(syn)
    events: list[Event] = []
    for call in syn.unit_calls(unit):
        if call.name.lower() in RESPONSE_NAMES and not is_log_call(call, syn.lang) and (
                ACK.search(call.args) or _mentions(call.args, names)):
            events.append(Event(call.start, call.end, syn.exit_at(call.start, call.end)))
    for start, end in syn.exits:
        if not (unit.start <= start < unit.end) or not syn.owns(unit, start):
            continue
        text = syn.text(start, end)
        if text.lstrip().startswith("return") and (ACK.search(text) or _mentions(text, names)):
            if not any(e.start >= start and e.end <= end for e in events):
                events.append(Event(start, end, True))
    for assign in syn.assigns:  # Koa: ctx.body = {ret_code: '0000', ...}
        if unit.start <= assign.start < unit.end and syn.owns(unit, assign.start) \
                and assign.target.endswith(".body") and ACK.search(assign.value):
            events.append(Event(assign.start, assign.end, False))
    return sorted(events, key=lambda e: e.start)


def _receiver(call: Call) -> str:
    return call.callee[: len(call.callee) - len(call.name)] if call.callee.endswith(call.name) else call.callee


def sql_names(syn: Syntax) -> set[str]:
    """Variables holding SQL that changes rows (``sql = "UPDATE orders SET …"``)."""
    names: set[str] = set()
    for assign in syn.build().assigns:
        if _SQL_DML.search(assign.value):
            found = re.findall(r"[A-Za-z_$][\w$]*", assign.target)
            if found:
                names.add(found[-1].lstrip("$"))
    return names


def is_update(call: Call, sql_vars: set[str]) -> bool:
    """Whether a call records something about the order (persistence or fulfilment)."""
    name = call.name.lstrip("_")  # self._book(payment): a private method is still the update
    if _FULFIL_NAMES.match(name):
        return True
    receiver = _receiver(call)
    if _SQL_NAMES.match(name):
        return bool(_SQL_DML.search(call.args)) or _mentions(call.args, sql_vars)
    if _PERSIST_NAMES.match(name):
        if _DIGEST_RECEIVER.search(receiver):
            return False  # md.update(bytes), signature.update(...): hashing, not persistence
        if _MAPPING_RECEIVER.search(receiver):
            return False  # params.update({...}): a mapping, not the order
        if name.lower().startswith("commit"):
            return True
        return bool(_ORDERISH.search(call.callee) or _ORDERISH.search(call.args) or _SQL_DML.search(call.args))
    return False


def update_events(syn: Syntax, unit: Unit) -> list[Call]:
    sql_vars = sql_names(syn)
    return [c for c in syn.unit_calls(unit) if is_update(c, sql_vars) and not is_log_call(c, syn.lang)]


def verify_calls(syn: Syntax, unit: Unit) -> list[Call]:
    return [c for c in syn.unit_calls(unit) if VERIFY.search(c.name) or VERIFY.search(c.callee.rsplit(".", 1)[-1])]

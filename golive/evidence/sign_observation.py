"""Sign observations: what the configured keys say of each captured record's ``sign``, taken while
the record is read -- a measurement, not a judgement.

Verifying a signature needs the keys (the ``signing`` evidence, `golive.signing.SigningMaterial`),
and keys are never saved. So the captures gatherer hands each record a `SignObserver`, and the
first reader that asks (`CaptureRecord.sign_observation()`: LL-SIG-006, LL-SIG-009, or the
evidence store saving the record) gets a `SignObservation`: plain facts, saved with the record and
read back by ``golive check --from-evidence``, where LL-SIG-006 and LL-SIG-009 judge them exactly
as they judged them live -- by staff who hold no key.

What is observed (nothing here decides pass or fail):

* **requests** the merchant signed (pay requests, queries, other signed API calls): whether the sign
  verifies with the merchant's key (MD5 key, or the RSA public key uploaded to 商户站 -- else the
  private key's public half) under which literal-"null" rule, the verification code
  (`golive.lianlian.sign.VerifyCode`) and its reason; for a failure, the known sign-source mistake
  that reproduces it (`golive.lianlian.sign_mistakes`). That search costs up to a dozen
  verifications, so only the first `DIAGNOSE_LIMIT` failures of a run are searched, in record order
  -- the bound LL-SIG-006 has always had.
* **callbacks** LianLian signed (notifications, returns): whether they verify with the configured
  LianLian-side key (the MD5 key, or LianLian's public key) -- LL-SIG-009's question.
* a key the method needs and the config lacks is observed as such (``no_key``, naming it).

Observations are made on demand and cached on the record, so a run that judges neither check
verifies nothing; a run that saves its evidence observes every record, in the same record order.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from golive.lianlian.sign import APP_SDK_EXCLUDED, NullRule, VerifyCode, plain_sign_source, sign_source
from golive.signing import KeyRole, SigningMaterial

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.evidence.captures import CaptureRecord

__all__ = ["DIAGNOSE_LIMIT", "REQUEST_KINDS", "CALLBACK_KINDS", "SignObservation", "SignObserver"]

DIAGNOSE_LIMIT = 25  # failing requests searched for their mistake per run; later ones are observed without
REQUEST_KINDS = frozenset({"pay_request", "query", "other"})
CALLBACK_KINDS = frozenset({"notify", "return"})
NO_KEY = "no_key"
_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SignObservation:
    """What the keys said of one record's sign.

    ``role``: ``request`` (signed by the merchant) or ``callback`` (signed by LianLian).
    ``code``: a `golive.lianlian.sign.VerifyCode` value, or ``no_key`` when the config lacks the
    key of the record's method (``missing_key`` names it: ``md5_key``, ``rsa_public_key``,
    ``lianlian_public_key``). ``ok``: the sign verifies; ``null_rule``: under which rule
    (``old_demo`` / ``sdk``). ``reason``: the verifier's sentence (never a key, sign or source).
    ``diagnosed``: a failing request was searched for its mistake; ``mistake``: the id of the
    one that reproduces it (`golive.lianlian.sign_mistakes.MISTAKES`), or None.
    """

    role: str
    code: str
    ok: bool = False
    null_rule: str | None = None
    reason: str = ""
    missing_key: str | None = None
    diagnosed: bool = False
    mistake: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignObservation:
        """Read a saved observation; raises ValueError naming what is wrong."""
        known = {"role", "code", "ok", "null_rule", "reason", "missing_key", "diagnosed", "mistake"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
        role, code = data.get("role"), data.get("code")
        if role not in ("request", "callback") or not isinstance(code, str):
            raise ValueError("role must be request or callback, code a string")
        for name in ("ok", "diagnosed"):
            if not isinstance(data.get(name, False), bool):
                raise ValueError(f"{name} must be true or false")
        for name in ("null_rule", "missing_key", "mistake"):
            if data.get(name) is not None and not isinstance(data.get(name), str):
                raise ValueError(f"{name} must be a string or null")
        if not isinstance(data.get("reason", ""), str):
            raise ValueError("reason must be a string")
        return cls(**{k: v for k, v in data.items() if k in known})


class SignObserver:
    """Observes records' signs with the run's signing material (held here, never handed out)."""

    def __init__(self, signing: SigningMaterial) -> None:
        self._signing = signing
        # Most observations are one of a few (verified under a rule, the same failure reason): made
        # once and shared, so observing costs a dict lookup on top of the verification itself.
        self._made: dict[str, dict[str, tuple[Any, Any, SignObservation]]] = {"request": {}, "callback": {}}
        self._has_md5 = signing.has_md5
        self._has_public = signing.merchant_public() is not None
        self._has_lianlian = signing.has(KeyRole.LIANLIAN_PUBLIC)
        self._diagnosed = 0
        self._lock = threading.Lock()
        # sign_type -> (the observation of a request whose sign verifies over the old-demo sign
        # source, the test of that): once one was observed the long way (the usual case), the next
        # are tested with one sign source and one MD5 or RSA verification
        # (SigningMaterial.request_verifier), and share it.
        self._verified: dict[str, tuple[SignObservation, Callable[[str, str], bool]]] = {}

    def __repr__(self) -> str:
        return "SignObserver(<keys held>)"

    def __reduce__(self) -> Any:  # never pickled or copied into a saved structure
        raise TypeError("a sign observer cannot be serialised")

    def observe(self, record: CaptureRecord) -> SignObservation | None:
        """The observation of `record`, or None when it is neither a signed request nor a callback."""
        if record.broken or record.params is None:
            return None
        kind = record.kind
        if kind in CALLBACK_KINDS:
            return self._callback(record)
        if kind in REQUEST_KINDS and (kind != "other" or ("sign" in record.params and "oid_partner" in record.params)):
            return self._request(record)
        return None

    def _shared(self, role: str, result: Any) -> SignObservation:
        """The observation of a verification result, not searched for a mistake (shared)."""
        made = self._made[role]
        seen = made.get(result.reason)
        if seen is not None and seen[0] is result.code and seen[1] is result.null_rule:
            return seen[2]
        ok = bool(result.ok)
        observation = SignObservation(role, result.code.value, ok, result.null_rule.value if ok else None, result.reason)
        if len(made) < 512:  # bounded: failure reasons can quote a value
            made[result.reason] = (result.code, result.null_rule, observation)
        return observation

    def _request(self, record: CaptureRecord) -> SignObservation:
        params = record.params or {}
        sign_type = params.get("sign_type")
        if sign_type == "MD5" and not self._has_md5:
            return SignObservation("request", NO_KEY, missing_key="md5_key")
        if sign_type == "RSA" and not self._has_public:
            return SignObservation("request", NO_KEY, missing_key="rsa_public_key")
        app = record.channel == "app"
        exclude = APP_SDK_EXCLUDED if app else _NOTHING
        view = {k: v for k, v in params.items() if k not in exclude} if app else params
        sign = params.get("sign")
        # (sign_type may be anything a capture holds -- a list, an object: only the two methods are looked up)
        verified = self._verified.get(sign_type) if (sign_type == "MD5" or sign_type == "RSA") else None
        if verified is not None and sign.__class__ is str and sign:
            # A plain record (every value an exact str, none the text null: CaptureRecord.plain_params,
            # asked once per record and shared with the checks) needs no rendering or null test:
            # its sign source is the same text built by joins (plain_sign_source).
            source = plain_sign_source(view) if record.plain_params() else sign_source(view)
            if verified[1](sign, source):
                return verified[0]
        result = self._signing.verify_request(view)
        if result.ok:
            observation = self._shared("request", result)
            if result.code is VerifyCode.VERIFIED and result.null_rule is NullRule.OLD_DEMO and sign_type in ("MD5", "RSA"):
                verifies = self._signing.request_verifier(sign_type)
                if verifies is not None:
                    self._verified[sign_type] = (observation, verifies)
            return observation
        if result.code in _MALFORMED or not isinstance(sign, str):
            return self._shared("request", result)
        with self._lock:  # the budget is the run's, in record order
            if self._diagnosed >= DIAGNOSE_LIMIT:
                return self._shared("request", result)
            self._diagnosed += 1
        mistake = None
        label = sign_type if isinstance(sign_type, str) else "?"
        match = self._signing.request_matcher(label, sign)
        if match is not None:
            from golive.lianlian.sign_mistakes import candidate_sources

            mistake = next((mid for mid, source in candidate_sources(params, exclude, app) if match(source)), None)
        return SignObservation("request", result.code.value, False, None, result.reason, diagnosed=True, mistake=mistake)

    def _callback(self, record: CaptureRecord) -> SignObservation | None:
        params = record.params or {}
        method = params.get("sign_type")
        if not params.get("sign") or method not in ("MD5", "RSA"):
            return None  # nothing a key could say: LL-SIG-009 notes such records itself
        if method == "MD5" and not self._has_md5:
            return SignObservation("callback", NO_KEY, missing_key="md5_key")
        if method == "RSA" and not self._has_lianlian:
            return SignObservation("callback", NO_KEY, missing_key="lianlian_public_key")
        return self._shared("callback", self._signing.verify_callback(params))


def _malformed() -> frozenset[Any]:
    from golive.lianlian.sign import VerifyCode

    return frozenset({VerifyCode.NO_SIGN, VerifyCode.NO_SIGN_TYPE, VerifyCode.UNKNOWN_SIGN_TYPE, VerifyCode.SIGN_NOT_TEXT})


_MALFORMED = _malformed()

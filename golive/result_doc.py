"""A result document from outside (`golive report --from`, the result embedded in a report that
`golive verify-report` re-renders): read into the typed model, then the one redaction pass.

The structure is the model's (golive.result): `Result.from_json` checks every key a reporter reads,
at every depth, against golive.result/2 -- or golive.result/1, which it completes with the
engine's own judgement functions (golive.result_v1). Keys it does not know are ignored (a newer
golive may add some). A document that does not fit is bad input: `InputError` naming the file and
the key path (``checks[3].findings[0].location.line``), exit code 2 -- never a traceback in a
reporter.

`accept_result` is what the commands call: read, then `golive.redact.redact_result` over the
whole document (golive.result_build.redacted), so a result from outside is masked exactly as one
golive made (the pass is idempotent, so a result golive wrote comes through unchanged).
"""

from __future__ import annotations

from typing import Any

from golive.result import RESULT_SCHEMA, Result

__all__ = ["RESULT_SCHEMA", "accept_result", "validate_result"]


def validate_result(data: Any, source: str) -> Result:
    """The typed result of `data`; InputError (file `source`, key = the path that is wrong) unless
    it has the golive.result/2 (or /1) shape every reporter relies on."""
    return Result.from_json(data, source)


def accept_result(data: Any, source: str) -> Result:
    """A result from outside, ready for the reporters: structure checked, personal data masked."""
    from golive.result_build import redacted

    return redacted(validate_result(data, source), source=source)

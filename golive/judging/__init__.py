"""Judging helpers the checks share: pure functions over evidence values, never I/O.

Gatherers and probes observe; checks judge. What several checks judge the same way lives here, and
checks reach it only through `golive.check_api`:

* `golive.judging.acks` -- the acknowledgement contract (one reader for probes, captured
  notifications and the sandbox);
* `golive.judging.probes` -- reading the notification and return probe evidence: scenarios by the
  probe specification's groups (golive/probe_spec.py), credit counts, positive controls, the
  key-trust diagnosis, the shared no-credit rule of the negative probes;
* `golive.judging.same_card` -- reading withdrawal answers and the same-card rule.

Nothing here imports `golive.probes`: judging works the same on evidence gathered live or saved.
"""

"""LL-SEC-010: the verification algorithm chosen by the message's sign_type (LianLian demo's checkSign,
switches and ifs) in Java, PHP, Python and Go; guards against the configured method are silent.
"""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-010"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)

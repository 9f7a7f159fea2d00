"""LL-SEC-005: raw notification bodies and card/ID/phone fields in logs, in Java, PHP, Python, Go,
JavaScript and C#; masked and business-field logging is silent.
"""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-005"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)

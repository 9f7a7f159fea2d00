"""LL-SEC-008: acks that are not the contract (the guide's single-quoted JSON, success/OK) in Java,
PHP, Python, JavaScript, Go and C#; the JSON ack is silent.
"""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-008"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)

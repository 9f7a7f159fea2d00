"""LL-SEC-006: an ack written before the order update, in Java, PHP, JavaScript, Go, C# and Python;
update-then-ack, the duplicate branch and a returned ack are silent.
"""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-006"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)

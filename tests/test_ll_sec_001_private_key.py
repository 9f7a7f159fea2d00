"""LL-SEC-001: private keys (PEM PKCS#1/PKCS#8, bare Base64 PKCS#8) in Java, PHP, C#, properties and
.pem; LianLian's public key and merchant public keys are silent.
"""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-001"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)

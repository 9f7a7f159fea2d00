<?php
// LianLian PHP demo config: PKCS#1 PEM in a string
$llpay_config['oid_partner'] = '201811230001000001';
$llpay_config['RSA_PRIVATE_KEY'] = "{{PKCS1_PEM_ESCAPED}}"; // expect: LL-SEC-001
$llpay_config['LIANLIAN_PUBLIC_KEY'] = "-----BEGIN PUBLIC KEY-----\n{{LIANLIAN_PUBLIC_B64}}\n-----END PUBLIC KEY-----";

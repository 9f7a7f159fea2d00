<?php
// LianLian PHP demo: the MD5 key under 'key'
$llpay_config['oid_partner'] = '201811230001000001';
$llpay_config['key'] = 'Qw8_zR2nLp5Ty9Uv3Xm7Kb1'; // expect: LL-SEC-002
$llpay_config['sign_type'] = strtoupper('MD5');

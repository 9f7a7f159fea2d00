<?php
$llpay_config['oid_partner'] = getenv('LLPAY_OID_PARTNER');
$llpay_config['RSA_PRIVATE_KEY'] = file_get_contents(getenv('LLPAY_PRIVATE_KEY_FILE'));
$llpay_config['LIANLIAN_PUBLIC_KEY'] = "-----BEGIN PUBLIC KEY-----\n{{LIANLIAN_PUBLIC_B64}}\n-----END PUBLIC KEY-----";

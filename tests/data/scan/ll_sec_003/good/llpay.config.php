<?php
$llpay_config['oid_partner'] = '201811230001000001';
$llpay_config['key'] = getenv('LLPAY_MD5_KEY');

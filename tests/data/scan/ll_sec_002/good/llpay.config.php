<?php
$llpay_config['key'] = getenv('LLPAY_MD5_KEY');
$llpay_config['sign_type'] = 'MD5';

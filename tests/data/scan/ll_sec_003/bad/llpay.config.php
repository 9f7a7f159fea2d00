<?php
// copied from the go-live guide (its spelling misses a 1)
$llpay_config['oid_partner'] = '201408071000001543'; // expect: LL-SEC-003
$llpay_config['key'] = '201408071000001543test_2014082'; // expect: LL-SEC-003

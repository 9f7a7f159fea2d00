<?php
function llpay_verify($data, $config) {
    switch ($data['sign_type']) { // expect: LL-SEC-010
        case 'RSA':
            return rsaVerify(build_sign_source($data), $config['LIANLIAN_PUBLIC_KEY'], $data['sign']);
        case 'MD5':
        default:
            return md5Verify(build_sign_source($data), $data['sign'], $config['key']);
    }
}

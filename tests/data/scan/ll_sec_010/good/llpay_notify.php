<?php
function llpay_verify($data, $config) {
    if ($data['sign_type'] != $config['sign_type']) {
        return false;
    }
    return md5Verify(build_sign_source($data), $data['sign'], $config['key']);
}

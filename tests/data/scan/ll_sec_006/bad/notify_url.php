<?php
$llpayNotify = new LLpayNotify($llpay_config);
if ($llpayNotify->verifyNotify()) {
    $data = $llpayNotify->notifyResp;
    echo '{"ret_code":"0000","ret_msg":"交易成功"}'; // expect: LL-SEC-006
    fastcgi_finish_request();
    $db->query("UPDATE orders SET status='PAID' WHERE no_order='" . $data['no_order'] . "' AND status='PENDING'");
} else {
    echo '{"ret_code":"9999","ret_msg":"验签失败"}';
}

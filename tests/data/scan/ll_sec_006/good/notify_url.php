<?php
$llpayNotify = new LLpayNotify($llpay_config);
if (!$llpayNotify->verifyNotify()) {
    die('{"ret_code":"9999","ret_msg":"验签失败"}');
}
$data = $llpayNotify->notifyResp;
$db->query("UPDATE orders SET status='PAID' WHERE no_order='" . $data['no_order'] . "' AND status='PENDING'");
echo '{"ret_code":"0000","ret_msg":"交易成功"}';

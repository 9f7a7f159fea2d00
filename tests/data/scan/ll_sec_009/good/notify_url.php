<?php
$raw = file_get_contents("php://input");
$data = json_decode($raw, true);
if (!llpay_md5_verify($raw, getenv('LLPAY_MD5_KEY'))) {
    die('{"ret_code":"9999","ret_msg":"验签失败"}');
}
$db->query("UPDATE orders SET status='PAID' WHERE no_order='" . $data['no_order'] . "' AND status='PENDING'");
echo '{"ret_code":"0000","ret_msg":"交易成功"}';

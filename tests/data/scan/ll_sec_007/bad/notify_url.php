<?php
if ($llpayNotify->verifyNotify()) {
    $no = $llpayNotify->notifyResp['no_order'];
    $db->query("UPDATE orders SET status='paid' WHERE no_order='$no'"); // expect: LL-SEC-007
    echo '{"ret_code":"0000","ret_msg":"交易成功"}';
}

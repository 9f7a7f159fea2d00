<?php
if ($llpayNotify->verifyNotify()) {
    mark_paid_if_pending($llpayNotify->notifyResp['no_order'], $llpayNotify->notifyResp['oid_paybill']);
    echo json_encode(array('ret_code' => '0000', 'ret_msg' => '交易成功'));
}

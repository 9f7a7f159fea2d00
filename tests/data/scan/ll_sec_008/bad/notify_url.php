<?php
if ($llpayNotify->verifyNotify()) {
    mark_paid_if_pending($llpayNotify->notifyResp['no_order'], $llpayNotify->notifyResp['oid_paybill']);
    echo "success"; // expect: LL-SEC-008
}

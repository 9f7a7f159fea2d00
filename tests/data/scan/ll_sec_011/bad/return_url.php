<?php
$llpayNotify = new LLpayNotify($llpay_config);
if ($llpayNotify->verifyReturn()) {
    $no_order = $_POST['no_order'];
    $db->query("UPDATE orders SET status='PAID' WHERE no_order='$no_order' AND status='PENDING'"); // expect: LL-SEC-011
    include 'pay_success.html';
}

<?php
require_once("lib/llpay_notify.class.php");
$raw = file_get_contents("php://input");
logResult("llpay notify: " . $raw); // expect: LL-SEC-005
$data = json_decode($raw, true);
error_log("card {$data['card_no']} paid order {$data['no_order']}"); // expect: LL-SEC-005
error_log("order " . $data['no_order'] . " result " . $data['result_pay']);

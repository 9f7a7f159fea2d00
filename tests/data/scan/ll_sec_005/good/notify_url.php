<?php
$raw = file_get_contents("php://input");
$data = json_decode($raw, true);
logResult("llpay notify for order " . $data['no_order'] . ", " . strlen($raw) . " bytes");
error_log("card " . mask_card($data['card_no']));

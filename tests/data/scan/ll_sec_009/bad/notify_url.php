<?php
$data = json_decode(file_get_contents("php://input"), true);
if ($data['result_pay'] == 'SUCCESS') {
    $db->query("UPDATE orders SET status='PAID' WHERE no_order='" . $data['no_order'] . "' AND status='PENDING'"); // expect: LL-SEC-009
}
echo '{"ret_code":"0000","ret_msg":"交易成功"}';

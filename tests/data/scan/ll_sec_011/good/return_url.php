<?php
$no_order = $_POST['no_order'];
$order = $db->query("SELECT status FROM orders WHERE no_order='$no_order'")->fetch();
include $order['status'] == 'PAID' ? 'pay_success.html' : 'pay_processing.html';

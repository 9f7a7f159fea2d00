<?php
function getHttpResponsePOST($url, $cacert_url, $para) {
    $curl = curl_init($url);
    curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, false); // expect: LL-SEC-004
    curl_setopt($curl, CURLOPT_SSL_VERIFYHOST, 0); // expect: LL-SEC-004
    curl_setopt($curl, CURLOPT_POST, true);
    curl_setopt($curl, CURLOPT_POSTFIELDS, $para);
    return curl_exec($curl);
}

function client() {
    return new \GuzzleHttp\Client(['base_uri' => 'https://queryapi.lianlianpay.com', 'verify' => false]); // expect: LL-SEC-004
}

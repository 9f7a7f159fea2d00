package com.llpay.client.utils;

/** As in LianLian's AuthPay demo: the message's own sign_type picks the algorithm. */
public class LLPayUtil {
    public static boolean checkSign(String reqStr, String rsa_public, String md5_key) {
        JSONObject reqObj = JSON.parseObject(reqStr);
        String sign_type = reqObj.getString("sign_type");
        if ("RSA".equals(reqObj.getString("sign_type"))) { // expect: LL-SEC-010
            return checkSignRSA(reqObj, rsa_public);
        } else {
            return checkSignMD5(reqObj, md5_key);
        }
    }
}

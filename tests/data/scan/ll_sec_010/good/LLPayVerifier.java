package com.shop.llpay;

public class LLPayVerifier {
    /** Verifies with the method configured on 商户站; a notification claiming another is refused. */
    public boolean verifyNotify(JSONObject msg) {
        if (!PartnerConfig.NOTIFY_SIGN_TYPE.equals(msg.getString("sign_type"))) {
            return false;
        }
        return LLPaySignature.verifyRsa(msg, PartnerConfig.YT_PUB_KEY);
    }
}

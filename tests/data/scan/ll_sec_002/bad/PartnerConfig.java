package com.llpay.client.config;

public interface PartnerConfig {
    String OID_PARTNER = "201811230001000001";
    String MD5_KEY = "k3Jd8sLq0Zp2Xw7Vn4Bc9Mt6"; // expect: LL-SEC-002
    String SIGN_TYPE = "MD5";
}

package com.llpay.client.config;

public final class PartnerConfig {
    public static final String MD5_KEY = System.getenv("LLPAY_MD5_KEY");
    public static final String MD5_KEY_ENV = "LLPAY_MD5_KEY";
    public static final String SIGN_TYPE = "MD5";
}

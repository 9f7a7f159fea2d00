package com.llpay.client.config;

public final class PartnerConfig {
    private PartnerConfig() {}
    public static final String OID_PARTNER = System.getenv("LLPAY_OID_PARTNER");
    // read at start-up from a mode-600 file outside the repository
    public static final String TRADER_PRI_KEY_FILE = System.getenv("LLPAY_PRIVATE_KEY_FILE");
    // LianLian's platform public key, as every demo ships it: public, fine to commit
    public static final String YT_PUB_KEY = "{{LIANLIAN_PUBLIC_B64}}";
    public static final String MERCHANT_PUB_KEY = "{{PUBLIC_B64}}";
}

package com.llpay.client.config;

/** Copied from LianLian's AuthPay demo, with the merchant's real key pasted in. */
public interface PartnerConfig {
    String OID_PARTNER = "201811230001000001";
    // the merchant private key, PKCS#8 without PEM armour, split over two literals
    String TRADER_PRI_KEY = "{{PKCS8_B64_A}}" // expect: LL-SEC-001
            + "{{PKCS8_B64_B}}";
    // LianLian's platform public key (protocol.md §2.4): public, not a finding
    String YT_PUB_KEY = "{{LIANLIAN_PUBLIC_B64}}";
    String MERCHANT_PUB_KEY = "{{PUBLIC_B64}}";
}

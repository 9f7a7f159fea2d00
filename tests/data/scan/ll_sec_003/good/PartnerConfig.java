public final class PartnerConfig {
    public static final String OID_PARTNER = System.getenv("LLPAY_OID_PARTNER");
    public static final String MD5_KEY = System.getenv("LLPAY_MD5_KEY");
    // a longer number that merely contains the test merchant's digits is not it
    public static final String TRACE = "92014080710000015431";
}

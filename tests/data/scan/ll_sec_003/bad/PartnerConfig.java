public interface PartnerConfig {
    // LianLian's published test merchant, a production merchant that really charges cards
    String OID_PARTNER = "201408071000001543"; // expect: LL-SEC-003
    String MD5_KEY = "201408071000001543test_20140812"; // expect: LL-SEC-003
}

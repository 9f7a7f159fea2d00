namespace LLPay.Demo
{
    public static class PartnerConfig
    {
        // .NET demo: bare Base64 PKCS#8
        public const string TRADER_PRI_KEY = "{{PKCS8_B64}}"; // expect: LL-SEC-001
    }
}

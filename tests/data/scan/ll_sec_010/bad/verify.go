package llpay

func VerifyNotification(m map[string]string, cfg Config) bool {
	if m["sign_type"] == "RSA" { // expect: LL-SEC-010
		return verifyRSA(m, cfg.LianLianPublicKey)
	}
	return verifyMD5(m, cfg.MD5Key)
}

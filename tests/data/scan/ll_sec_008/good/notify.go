package llpay

func LLPayNotify(w http.ResponseWriter, r *http.Request) {
	n := mustVerify(r)
	markPaidIfPending(n.NoOrder, n.OidPaybill)
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"ret_code":"0000","ret_msg":"交易成功"}`))
}

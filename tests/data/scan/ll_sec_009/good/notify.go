package llpay

func LLPayNotify(w http.ResponseWriter, r *http.Request) {
	n, err := verifyNotification(r)
	if err != nil {
		w.Write([]byte(`{"ret_code":"9999","ret_msg":"验签失败"}`))
		return
	}
	markPaidIfPending(n.NoOrder, n.OidPaybill)
	w.Write([]byte(`{"ret_code":"0000","ret_msg":"交易成功"}`))
}

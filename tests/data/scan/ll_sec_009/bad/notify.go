package llpay

func LLPayNotify(w http.ResponseWriter, r *http.Request) {
	var n Notification
	json.NewDecoder(r.Body).Decode(&n)
	markPaidIfPending(n.NoOrder, n.OidPaybill) // expect: LL-SEC-009
	w.Write([]byte(`{"ret_code":"0000","ret_msg":"交易成功"}`))
}

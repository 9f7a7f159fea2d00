package llpay

func LLPayNotify(w http.ResponseWriter, r *http.Request) {
	n := mustVerify(r)
	markPaidIfPending(n.NoOrder, n.OidPaybill)
	w.Write([]byte("success")) // expect: LL-SEC-008
}

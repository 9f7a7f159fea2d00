package llpay

func (h *Handler) LLPayNotify(w http.ResponseWriter, r *http.Request) {
	n, err := h.verify(r)
	if err != nil {
		w.Write([]byte(`{"ret_code":"9999","ret_msg":"验签失败"}`))
		return
	}
	w.Write([]byte(`{"ret_code":"0000","ret_msg":"交易成功"}`)) // expect: LL-SEC-006
	h.db.Exec("UPDATE orders SET status='PAID' WHERE no_order=? AND status='PENDING'", n.NoOrder)
}

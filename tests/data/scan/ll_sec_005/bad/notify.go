package llpay

func Notify(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	log.Printf("llpay notify %s", body) // expect: LL-SEC-005
	var n Notification
	json.Unmarshal(body, &n)
	log.Printf("order %s result %s", n.NoOrder, n.ResultPay)
	log.Printf("payer id %s", n.IdNo) // expect: LL-SEC-005
}

package llpay

func Notify(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var n Notification
	json.Unmarshal(body, &n)
	log.Printf("llpay notify order %s result %s (%d bytes)", n.NoOrder, n.ResultPay, len(body))
}

@app.route("/llpay/notify", methods=["POST"])
def llpay_notify():
    raw = request.get_data(as_text=True)
    data = json.loads(raw)
    logger.info("llpay notify for order %s result %s", data["no_order"], data["result_pay"])
    logger.info("payer id %s", mask_id(data["id_no"]))
    logger.info("the notification has id_no and acct_name; they are never logged")

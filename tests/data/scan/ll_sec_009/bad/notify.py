@app.route("/llpay/notify", methods=["POST"])
def llpay_notify():
    data = request.get_json()
    if data["result_pay"] == "SUCCESS":
        Order.objects.filter(no_order=data["no_order"], status="PENDING").update(status="PAID")  # expect: LL-SEC-009
    if not verify_sign(data):  # too late: the order is already updated
        return jsonify(ret_code="9999")
    return jsonify(ret_code="0000", ret_msg="交易成功")

@app.route("/llpay/notify", methods=["POST"])
def llpay_notify():
    data = verify_notification(request.get_json())
    mark_paid_if_pending(data["no_order"], data["oid_paybill"])
    # a dict with single-quoted keys is code, serialised as JSON by jsonify
    return jsonify({'ret_code': '0000', 'ret_msg': '交易成功'})

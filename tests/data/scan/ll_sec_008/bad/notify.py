@app.route("/llpay/notify", methods=["POST"])
def llpay_notify():
    data = verify_notification(request.get_json())
    mark_paid_if_pending(data["no_order"], data["oid_paybill"])
    return "SUCCESS"  # expect: LL-SEC-008

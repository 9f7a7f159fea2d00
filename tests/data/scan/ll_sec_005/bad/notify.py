import json
import logging

logger = logging.getLogger(__name__)


@app.route("/llpay/notify", methods=["POST"])
def llpay_notify():
    raw = request.get_data(as_text=True)
    logger.info("llpay notify %s", raw)  # expect: LL-SEC-005
    data = json.loads(raw)
    logger.info("payer %s %s", data["acct_name"], data["id_no"])  # expect: LL-SEC-005
    logger.info("order %s result %s", data["no_order"], data["result_pay"])
    return jsonify(ret_code="0000", ret_msg="交易成功")

package com.llpay.client.pay;

public class ReceiveNotifyServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        PayDataBean payDataBean = JSON.parseObject(reqStr, PayDataBean.class);
        String noOrder = JSON.parseObject(reqStr).getString("no_order");
        logger.info("notify for order {} ({} bytes)", noOrder, reqStr.length());
        logger.info("payer id {} card {}", Redact.mask(payDataBean.getId_no()), Redact.mask(payDataBean.getCard_no()));
        logger.warn("id_no missing in the notification for order {}", payDataBean.getNo_order());
    }
}

package com.llpay.client.pay;

/** Shaped like LianLian's AuthPay demo: the raw notification is printed. */
public class ReceiveNotifyServlet extends HttpServlet {
    private static final Logger logger = LoggerFactory.getLogger(ReceiveNotifyServlet.class);

    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        System.out.println("接收支付异步通知数据：【" + reqStr + "】"); // expect: LL-SEC-005
        PayDataBean payDataBean = JSON.parseObject(reqStr, PayDataBean.class);
        logger.info("payer {} {}", payDataBean.getAcct_name(), payDataBean.getId_no()); // expect: LL-SEC-005
        logger.info("order {} paid, result {}", payDataBean.getNo_order(), payDataBean.getResult_pay());
    }
}

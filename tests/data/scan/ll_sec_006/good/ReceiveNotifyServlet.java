package com.llpay.client.pay;

public class ReceiveNotifyServlet extends HttpServlet {
    private static final String ACK = "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}";

    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        if (!LLPaySignature.verifyRsa(reqStr, PartnerConfig.YT_PUB_KEY)) {
            resp.getWriter().write("{\"ret_code\":\"9999\",\"ret_msg\":\"验签失败\"}");
            return;
        }
        PayDataBean bean = JSON.parseObject(reqStr, PayDataBean.class);
        Order order = orderDao.find(bean.getNo_order());
        if (order.isPaid()) {
            resp.getWriter().write(ACK);  // a duplicate: already recorded, answer and stop
            return;
        }
        orderDao.markPaidIfPending(bean.getNo_order(), bean.getOid_paybill());
        resp.getWriter().write(ACK);
    }
}

package com.llpay.client.pay;

/** LianLian's AuthPay demo shape: verify, answer 0000 and flush, then (the demo's TODO) update. */
public class ReceiveNotifyServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        RetBean retBean = new RetBean();
        if (!LLPayUtil.checkSign(reqStr, PartnerConfig.YT_PUB_KEY, PartnerConfig.MD5_KEY)) {
            retBean.setRet_code("9999");
            resp.getWriter().write(JSON.toJSONString(retBean));
            return;
        }
        resp.getWriter().write("{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}"); // expect: LL-SEC-006
        resp.getWriter().flush();
        PayDataBean payDataBean = JSON.parseObject(reqStr, PayDataBean.class);
        orderService.markPaid(payDataBean.getNo_order(), payDataBean.getOid_paybill());
    }
}

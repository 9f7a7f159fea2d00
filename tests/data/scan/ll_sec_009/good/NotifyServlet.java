public class LLPayNotifyServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        if (!LLPaySignature.verifyRsa(reqStr, PartnerConfig.YT_PUB_KEY)) {
            resp.getWriter().write("{\"ret_code\":\"9999\",\"ret_msg\":\"验签失败\"}");
            return;
        }
        PayDataBean bean = JSON.parseObject(reqStr, PayDataBean.class);
        orderService.markPaidIfPending(bean.getNo_order());
        resp.getWriter().write("{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}");
    }
}

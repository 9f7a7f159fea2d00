public class ReceiveNotifyServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        if (!LLPayUtil.checkSign(reqStr, PartnerConfig.YT_PUB_KEY, PartnerConfig.MD5_KEY)) { // expect: LL-SEC-010
            resp.getWriter().write("{\"ret_code\":\"9999\"}");
            return;
        }
        orderService.markPaidIfPending(JSON.parseObject(reqStr).getString("no_order"));
        resp.getWriter().write("{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}");
    }
}

public class LLPayNotifyServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PayDataBean bean = JSON.parseObject(LLPayUtil.readReqStr(req), PayDataBean.class);
        if ("SUCCESS".equals(bean.getResult_pay())) {
            orderService.markPaidIfPending(bean.getNo_order()); // expect: LL-SEC-009
        }
        resp.getWriter().write("{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}");
    }
}

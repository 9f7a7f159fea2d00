public class NotifyServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String reqStr = LLPayUtil.readReqStr(req);
        if (!LLPaySignature.verifyRsa(reqStr, PartnerConfig.YT_PUB_KEY)) { return; }
        orderService.markPaidIfPending(JSON.parseObject(reqStr).getString("no_order"));
        // pasted from the go-live guide: single quotes, not JSON
        resp.getWriter().write("{'ret_code':'0000','ret_msg':'交易成功'}"); // expect: LL-SEC-008
    }
}

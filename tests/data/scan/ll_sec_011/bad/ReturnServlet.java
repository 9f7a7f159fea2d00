/** url_return: the browser comes back here after paying. */
public class UrlReturnServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String resData = req.getParameter("res_data");
        PayDataBean bean = JSON.parseObject(resData, PayDataBean.class);
        if ("SUCCESS".equals(bean.getResult_pay())) {
            orderService.markPaidIfPending(bean.getNo_order()); // expect: LL-SEC-011
        }
        req.getRequestDispatcher("/pay/result.jsp").forward(req, resp);
    }
}

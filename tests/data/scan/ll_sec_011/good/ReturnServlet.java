public class UrlReturnServlet extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String resData = req.getParameter("res_data");
        String noOrder = JSON.parseObject(resData).getString("no_order");
        Order order = orderService.find(noOrder);
        req.setAttribute("paid", order.isPaid());
        req.getRequestDispatcher("/pay/result.jsp").forward(req, resp);
    }
}

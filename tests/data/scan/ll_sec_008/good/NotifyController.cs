public class NotifyController : Controller
{
    [HttpPost("llpay/notify")]
    public ActionResult Notify()
    {
        var n = LLPaySign.VerifyAndParse(Request);
        _orders.MarkPaidIfPending(n.no_order, n.oid_paybill);
        return Content("{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}", "application/json");
    }
}

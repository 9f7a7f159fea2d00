public class NotifyController : Controller
{
    [HttpPost("llpay/notify")]
    public ActionResult Notify()
    {
        var n = LLPaySign.VerifyAndParse(Request);
        _orders.MarkPaidIfPending(n.no_order, n.oid_paybill);
        return Content("OK"); // expect: LL-SEC-008
    }
}

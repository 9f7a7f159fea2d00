public class NotifyController : Controller
{
    [HttpPost("llpay/notify")]
    public ActionResult Notify()
    {
        string body = new StreamReader(Request.Body).ReadToEnd();
        _logger.LogInformation("llpay notify " + body); // expect: LL-SEC-005
        var n = JsonConvert.DeserializeObject<Notification>(body);
        _logger.LogInformation("payer " + n.acct_name + " phone " + n.user_info_bind_phone); // expect: LL-SEC-005
        return Content("{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}", "application/json");
    }
}

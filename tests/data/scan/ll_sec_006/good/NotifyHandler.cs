public class NotifyHandler : IHttpHandler
{
    private const string Ack = "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}";

    public void ProcessRequest(HttpContext context)
    {
        var body = new StreamReader(context.Request.InputStream).ReadToEnd();
        if (!LLPaySign.Verify(body)) { context.Response.Write("{\"ret_code\":\"9999\"}"); return; }
        var n = JsonConvert.DeserializeObject<Notification>(body);
        _orders.MarkPaidIfPending(n.no_order, n.oid_paybill);
        context.Response.Write(Ack);
    }
}

public class NotifyHandler : IHttpHandler
{
    private const string Ack = "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}";

    public void ProcessRequest(HttpContext context)
    {
        var body = new StreamReader(context.Request.InputStream).ReadToEnd();
        if (!LLPaySign.Verify(body)) { context.Response.Write("{\"ret_code\":\"9999\"}"); return; }
        context.Response.Write(Ack); // expect: LL-SEC-006
        context.Response.Flush();
        _orders.MarkPaid(JsonConvert.DeserializeObject<Notification>(body).no_order);
    }
}

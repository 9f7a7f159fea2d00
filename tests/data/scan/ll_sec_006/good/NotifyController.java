@RestController
public class NotifyController {
    @PostMapping("/llpay/notify")
    public String notify(@RequestBody String body) {
        if (!signer.verify(body)) {
            return "{\"ret_code\":\"9999\",\"ret_msg\":\"验签失败\"}";
        }
        orderService.markPaidIfPending(JSON.parseObject(body).getString("no_order"));
        return "{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}";
    }
}

def llpay_notify(request):
    data = verified_notification(request)
    Order.objects.filter(no_order=data["no_order"]).update(status="PAID")  # expect: LL-SEC-007
    return JsonResponse({"ret_code": "0000", "ret_msg": "交易成功"})

def llpay_notify(request):
    data = verified_notification(request)
    changed = Order.objects.filter(no_order=data["no_order"], status="PENDING").update(status="PAID")
    if changed:
        credit_user(data["no_order"])
    return JsonResponse({"ret_code": "0000", "ret_msg": "交易成功"})

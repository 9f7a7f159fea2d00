def pay_return(request):
    res = json.loads(request.POST["res_data"])
    order = Order.objects.get(no_order=res["no_order"])
    return render(request, "pay/result.html", {"order": order, "processing": order.status != "PAID"})

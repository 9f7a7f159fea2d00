def pay_return(request):
    res = json.loads(request.POST["res_data"])
    if res["result_pay"] == "SUCCESS":
        deliver_order(res["no_order"])  # expect: LL-SEC-011
    return render(request, "pay/result.html", {"no_order": res["no_order"]})

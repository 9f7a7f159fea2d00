import requests
import ssl
import urllib.request


def query_order(params):
    return requests.post("https://queryapi.lianlianpay.com/orderquery.htm", json=params, verify=False, timeout=10)  # expect: LL-SEC-004


def opener():
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))  # expect: LL-SEC-004

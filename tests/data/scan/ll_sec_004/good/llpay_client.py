import ssl
import requests

CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def query_order(params):
    return requests.post("https://queryapi.lianlianpay.com/orderquery.htm", json=params, verify=CA_BUNDLE, timeout=10)


def context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = True
    return ctx

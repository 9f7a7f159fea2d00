def verify_llpay(data):
    if data.get("sign_type") != settings.LLPAY_NOTIFY_SIGN_TYPE:
        return False
    if settings.LLPAY_NOTIFY_SIGN_TYPE == "RSA":
        return verify_rsa(sign_source(data), data["sign"], LIANLIAN_PUBLIC_KEY)
    return verify_md5(sign_source(data), data["sign"], settings.LLPAY_MD5_KEY)

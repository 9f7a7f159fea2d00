def verify_llpay(data):
    if data["sign_type"] == "RSA":  # expect: LL-SEC-010
        return verify_rsa(sign_source(data), data["sign"], LIANLIAN_PUBLIC_KEY)
    return verify_md5(sign_source(data), data["sign"], settings.LLPAY_MD5_KEY)

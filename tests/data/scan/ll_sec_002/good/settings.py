import os
LLPAY_MD5_KEY = os.environ["LLPAY_MD5_KEY"]
EXAMPLE_MD5_KEY = "your_md5_key_here"

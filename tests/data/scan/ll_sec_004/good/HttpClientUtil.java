package com.llpay.client.utils;

import javax.net.ssl.*;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

public class HttpClientUtil {
    /** Adds a pinned CA but still checks every chain through the default manager. */
    static class PinnedTrustManager implements X509TrustManager {
        private final X509TrustManager delegate;
        PinnedTrustManager(X509TrustManager delegate) { this.delegate = delegate; }
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }
        public X509Certificate[] getAcceptedIssuers() { return delegate.getAcceptedIssuers(); }
    }

    static boolean verify(String signSource, String sign) { return true; }
}

package com.llpay.client.utils;

import javax.net.ssl.*;
import java.security.cert.X509Certificate;

public class HttpClientUtil {
    static class TrustAnyTrustManager implements X509TrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        public void checkServerTrusted(X509Certificate[] chain, String authType) {} // expect: LL-SEC-004
        public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[] {}; }
    }

    static class TrustAnyHostnameVerifier implements HostnameVerifier {
        public boolean verify(String hostname, SSLSession session) { return true; } // expect: LL-SEC-004
    }

    static void install() {
        HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true); // expect: LL-SEC-004
    }
}

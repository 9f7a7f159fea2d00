using System.Net;
using System.Net.Http;

public static class HttpHelper
{
    public static HttpClient Create()
    {
        ServicePointManager.ServerCertificateValidationCallback = (sender, cert, chain, errors) => true; // expect: LL-SEC-004
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator // expect: LL-SEC-004
        };
        return new HttpClient(handler);
    }
}

using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using GpuQos.Daemon.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GpuQos.Daemon.Hosting;

/// <summary>Applies <see cref="WebOptions"/> to Kestrel: the listener (HTTP or HTTPS) and the request limits.</summary>
public static class HttpServerSetup
{
    /// <summary>Listens on <paramref name="endpoint"/> (with TLS when <paramref name="certificate"/> is given), and sets the limits.</summary>
    public static void Configure(KestrelServerOptions kestrel, IPEndPoint endpoint, WebOptions web, X509Certificate2? certificate)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(web);
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxRequestBodySize = web.Limits.MaxRequestBodySize;
        limits.MaxRequestHeaderCount = web.Limits.MaxRequestHeaderCount;
        limits.MaxRequestHeadersTotalSize = (int)web.Limits.MaxRequestHeadersTotalSize;
        limits.MaxConcurrentConnections = web.Limits.MaxConcurrentConnections;
        limits.RequestHeadersTimeout = web.Limits.RequestHeadersTimeout;
        limits.KeepAliveTimeout = web.Limits.KeepAliveTimeout;

        kestrel.Listen(endpoint, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.SslProtocols = web.Tls!.MinVersion == TlsVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
                });
            }
        });
    }

    /// <summary>Loads the PEM certificate and key; refuses a key that others can read, naming the file.</summary>
    public static X509Certificate2 LoadCertificate(TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (FileModes.CheckSecret(tls.KeyFile, "TLS key file (web.tls.keyFile)") is { } problem)
        {
            throw new StartupRefusedException(problem);
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new StartupRefusedException($"cannot load the TLS certificate {tls.CertFile} with key {tls.KeyFile}: {ex.Message}", ex);
        }
    }
}

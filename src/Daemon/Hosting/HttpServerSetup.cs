using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Applies <see cref="WebOptions"/> to Kestrel: the main listener (HTTP or HTTPS), the health listener, the
/// connection limits (in all and per source address, on each listener) and the request limits.
/// </summary>
public static class HttpServerSetup
{
    /// <summary>
    /// Listens on <paramref name="endpoint"/> (with TLS when <paramref name="certificate"/> is given) and, when
    /// <paramref name="health"/> is given, on it for the probes; sets the limits.
    /// </summary>
    public static void Configure(KestrelServerOptions kestrel, IPEndPoint endpoint, IPEndPoint? health, WebOptions web, X509Certificate2? certificate)
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
        var loggers = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>();

        // Kestrel applies MaxConcurrentConnections to each listener on its own, so a flood of the main port
        // leaves the health listener its own slots; the per-address limit comes first on each.
        kestrel.Listen(endpoint, listen =>
        {
            listen.Use(new ConnectionsPerAddress(web.Limits.MaxConnectionsPerAddress, loggers.CreateLogger<ConnectionsPerAddress>()).Wrap);
            if (certificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.SslProtocols = web.Tls!.MinVersion == TlsVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
                });
            }
        });
        if (health is not null)
        {
            // Plain HTTP: the probes carry no secret, and the kubelet's httpGet probe need not trust a certificate.
            kestrel.Listen(health, listen =>
            {
                listen.Use(new ConnectionsPerAddress(web.Limits.MaxConnectionsPerAddress, loggers.CreateLogger<ConnectionsPerAddress>()).Wrap);
                listen.Use(HealthListener.MarkConnections);
            });
        }
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

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using GpuQos.Daemon.Configuration;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class MetricsSecurityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Metrics_BasicAuthConfigured_RequiresAKnownUserAndPassword()
    {
        var web = new WebOptions { BasicAuthUsers = new() { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("s3cret", 4) } };
        await using var host = await OperationsHost.StartAsync(web);
        using var http = host.Client();

        using var none = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("Basic", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        foreach (var (user, password) in new[] { ("prometheus", "wrong"), ("nobody", "s3cret"), ("prometheus", "") })
        {
            using var wrong = await GetAsync(http, "/metrics", user, password);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var ok = await GetAsync(http, "/metrics", "prometheus", "s3cret");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var again = await GetAsync(http, "/metrics", "prometheus", "s3cret");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // Probes stay open so that kubelet and systemd checks need no credentials.
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public void Validate_PlainPasswordInsteadOfHash_NamesTheUser()
    {
        var errors = Model.Configuration.YamlBinder.Bind<GpuQosOptions>("web:\n  basicAuthUsers:\n    prometheus: hunter2\n").Errors;

        var error = Assert.Single(errors);
        Assert.Equal("web.basicAuthUsers.prometheus", error.Path);
        Assert.Contains("bcrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_TlsConfigured_ServesHttpsWithTheCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = _dir.Write("tls.crt", certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var keyFile = _dir.Write("tls.key", key.ExportPkcs8PrivateKeyPem());

        await using var host = await OperationsHost.StartAsync(new WebOptions { Tls = new TlsOptions { CertFile = certFile, KeyFile = keyFile } }, scheme: "https");
        X509Certificate2? seen = null;
        using var http = host.Client(new HttpClientHandler
        {
            // Pin the test's own certificate: trust exactly it, and record what the server presented.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                seen = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                return cert is not null && cert.RawData.AsSpan().SequenceEqual(certificate.RawData);
            },
        });

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(certificate.Thumbprint, seen?.Thumbprint);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new UriBuilder(host.BaseUri) { Scheme = "http" }.Uri));
    }

    [Fact]
    public void Build_TlsKeyReadableByOthers_Refuses()
    {
        var keyFile = _dir.Write("tls.key", "not a key", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var ex = Assert.Throws<Hosting.StartupRefusedException>(() => OperationsHost.Build(new WebOptions { Tls = new TlsOptions { CertFile = keyFile, KeyFile = keyFile } }));

        Assert.Contains(keyFile, ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http.SendAsync(request);
    }
}

using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Devices;
using YamlDotNet.RepresentationModel;

namespace GpuQos.Daemon.Tests.Advisor;

public sealed class AdviseCommandTests
{
    [PrometheusFact]
    public async Task Advise_PrometheusThatScrapedDemoHost_AdvisesEveryGpuAndWritesMigPartedFile()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        await using var prometheus = await PrometheusServer.StartAsync([daemon.BaseUri]);
        await prometheus.WaitForAsync("min(count_over_time(gpuqos_gpu_info[5m]))", 15, TimeSpan.FromSeconds(60));
        var output = Directory.CreateTempSubdirectory("gpuqos-advise-");
        try
        {
            var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(
                ["advise", "--prometheus", prometheus.BaseUri.ToString(), "--since", "5m", "--json", "--out", output.FullName]);

            Assert.True(code == 0, $"exit {code}: {stderr}");
            var fleet = JsonDocument.Parse(stdout).RootElement;
            var host = Assert.Single(fleet.GetProperty("hosts").EnumerateArray());
            Assert.Equal(daemon.BaseUri.Authority, host.GetProperty("host").GetString());
            var gpus = host.GetProperty("gpus").EnumerateArray().ToArray();
            Assert.Equal(5, gpus.Length);
            foreach (var gpu in gpus)
            {
                var model = GpuModels.Find(gpu.GetProperty("model").GetString()!)!;
                var rec = gpu.GetProperty("recommended").GetProperty("candidate");
                if (rec.GetProperty("mode").GetString() == "mig")
                {
                    var requested = rec.GetProperty("allocations").EnumerateArray().Select(a => (a.GetProperty("profile").GetString()!, (int?)a.GetProperty("start").GetInt32())).ToArray();
                    Assert.Empty(MigGeometry.Place(model, requested).Errors);
                }

                // The demo runs no isolation audit: that is stated, never filled with zeros. Its SLA series exist
                // (the demo configuration has policies), so they are not reported missing.
                var gaps = host.GetProperty("gaps").EnumerateArray().Select(g => g.GetString()!).ToList();
                Assert.Contains(gaps, g => g.Contains("gpuqos_audit_probe_passed", StringComparison.Ordinal));
                Assert.DoesNotContain(gaps, g => g.Contains("gpuqos_sla_objective_target", StringComparison.Ordinal));
            }

            // The noisy time-sliced A100 has its five workloads measured from Prometheus's history.
            var timeSliced = gpus.Single(g => g.GetProperty("currentMode").GetString() == "time-sliced");
            var tenants = timeSliced.GetProperty("current").GetProperty("tenants").EnumerateArray().ToArray();
            Assert.True(tenants.Length >= 4, timeSliced.ToString());
            Assert.All(tenants, t => Assert.True(t.TryGetProperty("predictedRisk", out _), t.ToString()));

            var migParted = Path.Combine(output.FullName, daemon.BaseUri.Authority.Replace(':', '_'), "mig-parted.yaml");
            var yaml = new YamlStream();
            yaml.Load(new StringReader(await File.ReadAllTextAsync(migParted)));
            var root = (YamlMappingNode)yaml.Documents[0].RootNode;
            Assert.Equal("v1", root["version"].ToString());
            Assert.NotEmpty((YamlSequenceNode)((YamlMappingNode)root["mig-configs"])["gpuqos-advice"]);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Advise_RunningDaemon_PrintsTableAndExportsAdviceMetrics()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--url", daemon.BaseUri.ToString()]);

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("A100-SXM4-80GB", stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing was applied", stdout, StringComparison.Ordinal);
        var metrics = await daemon.ScrapeAsync();
        Assert.Equal(5, metrics.Split('\n').Count(l => l.StartsWith("gpuqos_advice_info{", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Advise_NoDaemonListening_ExitsTwoNamingTheUrl()
    {
        var url = $"http://127.0.0.1:{DaemonProcess.FreePort()}";

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--url", url]);

        Assert.Equal(2, code);
        Assert.Contains(url + "/api/v1/advice/evidence", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Advise_BadSince_ExitsTwoNamingTheOption()
    {
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--prometheus", "http://127.0.0.1:1", "--since", "a week"]);

        Assert.Equal(2, code);
        Assert.Contains("--since 'a week'", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--host-days-per-query", "0", "--host-days-per-query 0")]
    [InlineData("--host-days-per-query", "-5", "--host-days-per-query -5")]
    [InlineData("--until", "yesterday", "--until 'yesterday'")]
    public async Task Advise_BadBatchOrUntil_ExitsTwoNamingTheOption(string option, string value, string named)
    {
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--prometheus", "http://127.0.0.1:1", "--since", "1d", option, value]);

        Assert.Equal(2, code);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
    }
}

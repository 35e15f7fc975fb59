using System.Net;
using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Audit;

[Collection(CpuTimingCollection.Name)]
public sealed class AuditDaemonTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Daemon_ScheduledCpuAudit_ExposesItsMetricsAndReport()
    {
        var dir = Directory.CreateTempSubdirectory("gpuqos-audit-daemon-");
        try
        {
            var config = Path.Combine(dir.FullName, "gpuqos.yaml");
            await File.WriteAllTextAsync(config, """
                audit:
                  enabled: true
                  interval: 10s
                  accelerator: cpu
                  repetitions: 5
                  warmup: 1
                  probes: [compute, covert]
                """);
            await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);

            var before = await daemon.Http.GetAsync(new Uri("/api/v1/audits/latest", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
            Assert.Contains("no isolation audit has completed yet", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            string? report = null;
            for (var i = 0; i < 180 && report is null; i++)
            {
                await Task.Delay(1000);
                var response = await daemon.Http.GetAsync(new Uri("/api/v1/audits/latest", UriKind.Relative));
                report = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
            }

            output.WriteLine(daemon.Output);
            Assert.NotNull(report);
            Assert.Contains("\"schemaVersion\": \"gpuqos.audit/v1\"", report, StringComparison.Ordinal);

            // Metrics are rendered once per collection cycle: wait for the next one.
            string metrics = "";
            for (var i = 0; i < 10 && !metrics.Contains("gpuqos_audit_last_run_timestamp_seconds ", StringComparison.Ordinal); i++)
            {
                await Task.Delay(1000);
                metrics = await daemon.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            }

            Assert.Matches("gpuqos_audit_probe_passed\\{probe=\"compute\",gpu=\"cpu\",victim=\"cpu0\",aggressor=\"cpu1\"\\} [01]", metrics);
            Assert.Matches("gpuqos_audit_slowdown_ratio\\{probe=\"compute\",gpu=\"cpu\",victim=\"cpu0\",aggressor=\"cpu1\"\\} [0-9.]+", metrics);
            Assert.Matches("gpuqos_audit_covert_channel_bits_per_second\\{gpu=\"cpu\",victim=\"cpu0\",aggressor=\"cpu1\"\\} [0-9.e+-]+", metrics);
            Assert.Matches("gpuqos_audit_duration_seconds [0-9.]+", metrics);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

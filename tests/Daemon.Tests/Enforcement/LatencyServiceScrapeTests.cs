using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// The scrape path against a real prometheus-net exporter in a process of its own: the latency service's
/// histogram is read, parsed and turned into a p99 and a mean as a latency objective does.
/// </summary>
public sealed class LatencyServiceScrapeTests
{
    [Fact]
    public async Task Scrape_PrometheusNetService_P99AndMeanAreAtLeastTheCpuEachRequestBurns()
    {
        var port = DaemonProcess.FreePort();
        using var service = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "latency-service.dll"), $"{port}", "4"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            Assert.Equal("ready", await service.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal("latency-svc", (await File.ReadAllTextAsync($"/proc/{service.Id}/comm")).Trim());
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var url = $"scrape:http://127.0.0.1:{port}/metrics";
            var source = new WorkloadSource(WorkloadSource.Scrape, $"http://127.0.0.1:{port}/metrics");
            var readings = new WorkloadReadings(TimeProvider.System);
            var reader = new ScrapeReader(http, new WorkloadMetricsOptions { Timeout = TimeSpan.FromSeconds(10) });
            static bool Keep(string n) => n.StartsWith("request_duration_seconds", StringComparison.Ordinal);

            readings.Add(source, new WorkloadReading(DateTimeOffset.UtcNow, await reader.ReadAsync(source, Keep, CancellationToken.None)));
            for (var i = 0; i < 30; i++)
            {
                (await http.GetAsync("work")).EnsureSuccessStatusCode();
            }

            readings.Add(source, new WorkloadReading(DateTimeOffset.UtcNow, await reader.ReadAsync(source, Keep, CancellationToken.None)));
            ObjectiveOptions Objective(double? quantile) => new()
            {
                Type = KnownPolicyTypes.Objectives.Latency,
                Source = url,
                Metric = "request_duration_seconds",
                Quantile = quantile,
                Latency = TimeSpan.FromSeconds(1),
                Window = TimeSpan.FromMinutes(5),
                MinSamples = 30,
            };

            var p99 = WorkloadObjectiveEvaluator.Evaluate(Objective(0.99), readings, 0);
            var mean = WorkloadObjectiveEvaluator.Evaluate(Objective(null), readings, 0);

            // Each request burns 4 ms of CPU, so none takes less; a loaded machine may make any take much longer.
            Assert.InRange(p99.Value!.Value, 0.004, 5);
            Assert.InRange(mean.Value!.Value, 0.004, p99.Value.Value);
            Assert.DoesNotContain(readings.Status(), s => s.Unknown > 0);
        }
        finally
        {
            service.Kill();
            await service.WaitForExitAsync();
        }
    }
}

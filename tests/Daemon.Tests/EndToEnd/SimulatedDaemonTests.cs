using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.EndToEnd;

/// <summary>The real gpuqos process on the simulated backend, scraped over HTTP.</summary>
public sealed class SimulatedDaemonTests
{
    [Fact]
    public async Task Metrics_ProcessSeries_AppearAndDisappearWithTheScenariosProcesses()
    {
        using var dir = new TempDir();
        var scenario = dir.Write("churn.yaml", """
            seed: 3
            gpus:
              - model: A10-24GB
                mode: time-sliced
                workloads:
                  - {name: resident, pid: 700, memory: 1GiB, demand: {kind: steady, level: 0.2}}
                  - {name: short-job, pid: 701, memory: 2GiB, start: 8s, stop: 12s, demand: {kind: steady, level: 0.5}}
            """);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--scenario", scenario]);

        async Task<HashSet<string>> Pids()
        {
            var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            return samples.Where(s => s.Name == "gpuqos_process_memory_used_bytes").Select(s => s.Labels["pid"]).ToHashSet();
        }

        Assert.Equal(["700"], await Pids());
        Assert.True(await Eventually(async () => (await Pids()).Contains("701"), TimeSpan.FromSeconds(20)), "pid 701 never appeared:\n" + daemon.Output);
        Assert.True(await Eventually(async () => !(await Pids()).Contains("701"), TimeSpan.FromSeconds(20)), "pid 701 never went away:\n" + daemon.Output);
        Assert.Equal(["700"], await Pids());
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Metrics_DemoHost_ShowsEveryGpuMigInstanceVgpuInstanceAndTimeSlicedProcess()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        var samples = ExpositionParser.Parse(await daemon.ScrapeAsync());

        var gpus = samples.Where(s => s.Name == "gpuqos_gpu_info").ToList();
        Assert.Equal(5, gpus.Count);
        var mig = samples.Where(s => s.Name == "gpuqos_partition_memory_total_bytes" && s.Labels["partition_kind"] == "mig").ToList();
        Assert.Equal(4, mig.Count);
        Assert.All(mig, s => Assert.Matches(@"^[1-7]g\.\d+gb$", s.Labels["profile"]));
        Assert.All(mig, s => Assert.StartsWith("gi", s.Labels["partition"], StringComparison.Ordinal));
        Assert.Equal(4, samples.Count(s => s.Name == "gpuqos_partition_sm_utilization_ratio" && s.Labels["partition_kind"] == "vgpu"));
        var sliced = gpus.Single(s => s.Labels["mode"] == "time-sliced").Labels["gpu"];
        Assert.True(samples.Count(s => s.Name == "gpuqos_process_sm_utilization_ratio" && s.Labels["gpu"] == sliced) >= 3);
        Assert.All(samples.Where(s => s.Labels.ContainsKey("uuid")), s => Assert.StartsWith("GPU-", s.Labels["uuid"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_OpenMetricsRequested_IsServedAsOpenMetrics()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using var response = await daemon.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoints_HealthReadyAndState_Answer()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        Assert.Equal("ok\n", await daemon.Http.GetStringAsync("/healthz"));
        Assert.Equal("ready\n", await daemon.Http.GetStringAsync("/readyz"));
        using var state = System.Text.Json.JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state"));
        Assert.Equal("sim", state.RootElement.GetProperty("backend").GetString());
        Assert.Equal(5, state.RootElement.GetProperty("gpus").GetArrayLength());
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
